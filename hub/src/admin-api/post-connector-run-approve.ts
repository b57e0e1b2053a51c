import { decisionEndpoint } from './decide-run.js';

/** Applies the deactivations a guarded run holds (recomputed at approval time). */
export const postConnectorRunApprove = decisionEndpoint('approve');
