import { apiBenchmark } from './api.js';
import type { Benchmark } from './benchmark.js';
import { jobsBenchmark } from './jobs.js';
import { mailBenchmark } from './mail.js';
import { signalingBenchmark } from './signaling.js';
import { syncLdapBenchmark } from './sync-ldap.js';
import { webBenchmark } from './web.js';

/** Every benchmark `npm run bench -- <name>` knows; add new ones here. */
export const benchmarks: readonly Benchmark[] = [
  apiBenchmark,
  jobsBenchmark,
  mailBenchmark,
  signalingBenchmark,
  syncLdapBenchmark,
  webBenchmark,
];
