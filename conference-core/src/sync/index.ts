export { createDirectorySync, MAX_STORED_SKIPS } from './directory-sync.js';
export type { DirectorySync } from './directory-sync.js';
export { identitySource } from './directory-types.js';
export type {
  ApplyBatchResult,
  BatchOutcome,
  DecideRunResult,
  DirectoryBatch,
  DirectoryGroup,
  DirectoryRef,
  DirectorySkip,
  DirectoryUser,
  FinishRunResult,
  RunLease,
} from './directory-types.js';
