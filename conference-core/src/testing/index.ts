/** Helpers for test suites of this and other packages; never imported by production code. */
export { testEnv } from './test-env.js';
