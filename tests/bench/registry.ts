import type { Benchmark } from './benchmark.js';

/** A benchmark by name, its modules imported only when it runs. */
export interface RegisteredBenchmark {
  readonly name: string;
  load(): Promise<Benchmark>;
}

/**
 * Every benchmark `npm run bench -- <name>` knows; add new ones here. Loaded on demand: a bench's
 * memory figures (sync-ldap's peak RSS) must not carry every other bench's imports (browsers, the
 * hub, ~250 MB through tsx when all were imported up front).
 */
export const benchmarks: readonly RegisteredBenchmark[] = [
  { name: 'api', load: async () => (await import('./api.js')).apiBenchmark },
  { name: 'jobs', load: async () => (await import('./jobs.js')).jobsBenchmark },
  { name: 'm365', load: async () => (await import('./m365.js')).m365Benchmark },
  { name: 'mail', load: async () => (await import('./mail.js')).mailBenchmark },
  { name: 'media', load: async () => (await import('./media.js')).mediaBenchmark },
  { name: 'signaling', load: async () => (await import('./signaling.js')).signalingBenchmark },
  { name: 'sip', load: async () => (await import('./sip.js')).sipBenchmark },
  { name: 'startup', load: async () => (await import('./startup.js')).startupBenchmark },
  { name: 'sync-ldap', load: async () => (await import('./sync-ldap.js')).syncLdapBenchmark },
  { name: 'web', load: async () => (await import('./web.js')).webBenchmark },
];
