import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (`*.test.ts`) and integration tests that talk to real servers
// (`*.int.test.ts`), which run one file at a time so slow suites never fight for the 2 cores.
const everywhere = ['{conference-core,hub,connectors,tests,web,outlook-addin}/**'];
const ignored = ['**/node_modules/**', '**/.tsbuild/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: everywhere.map((d) => `${d}/*.test.ts`),
          exclude: [...ignored, '**/*.int.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'int',
          include: everywhere.map((d) => `${d}/*.int.test.ts`),
          exclude: ignored,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          globalSetup: ['tests/src/support/build-before-int.ts'],
        },
      },
    ],
  },
});
