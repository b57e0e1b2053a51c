import { decisionEndpoint } from './decide-run.js';

/** Discards the deactivations a guarded run holds; the run ends rejected. */
export const postConnectorRunReject = decisionEndpoint('reject');
