import { benchmarks } from './registry.js';

/**
 * `npm run bench -- <name>`: runs one benchmark. Each measures its own baseline in the same run
 * and prints the ratio; none of them is a pass/fail test.
 */
const name = process.argv[2];
const benchmark = benchmarks.find((b) => b.name === name);
if (benchmark === undefined) {
  console.error(`usage: npm run bench -- <name>\n\nbenchmarks:`);
  for (const b of benchmarks) console.error(`  ${b.name.padEnd(12)} ${b.description}`);
  process.exit(name === undefined ? 0 : 2);
}
await benchmark.run(process.argv.slice(3));
