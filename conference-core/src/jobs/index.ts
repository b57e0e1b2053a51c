// The job queue's public surface. The conformance suite (`job-queue.contract.ts`) imports vitest
// and stays out of it; test files import it by path.
export type {
  BackoffOptions,
  CloseOptions,
  EnqueueOptions,
  JobContext,
  JobHandler,
  JobInfo,
  JobQueue,
  JobState,
  JobType,
  RepeatSpec,
  WorkerOptions,
} from './job-queue.js';
export { jobType, UnrecoverableJobError } from './job-queue.js';
export { InProcessJobQueue } from './in-process-job-queue.js';
export type { InProcessJobQueueOptions } from './in-process-job-queue.js';
export { BullMqJobQueue } from './bullmq-job-queue.js';
export type { BullMqJobQueueOptions } from './bullmq-job-queue.js';
