import { apiBenchmark } from './api.js';
import type { Benchmark } from './benchmark.js';
import { jobsBenchmark } from './jobs.js';
import { m365Benchmark } from './m365.js';
import { mailBenchmark } from './mail.js';
import { mediaBenchmark } from './media.js';
import { signalingBenchmark } from './signaling.js';
import { sipBenchmark } from './sip.js';
import { startupBenchmark } from './startup.js';
import { syncLdapBenchmark } from './sync-ldap.js';
import { webBenchmark } from './web.js';

/** Every benchmark `npm run bench -- <name>` knows; add new ones here. */
export const benchmarks: readonly Benchmark[] = [
  apiBenchmark,
  jobsBenchmark,
  m365Benchmark,
  mailBenchmark,
  mediaBenchmark,
  signalingBenchmark,
  sipBenchmark,
  startupBenchmark,
  syncLdapBenchmark,
  webBenchmark,
];
