import { benchmarks } from './registry.js';

/**
 * `npm run bench -- <name> [args]`: runs one benchmark. Each measures its own baseline in the same
 * run, prints the ratio and ends with one `RESULT {json}` line (benchmark.ts). `npm run bench --
 * all [--quick]` runs every one in turn, each in this process, and prints the RESULT lines again
 * at the end with the time each took; a bench that throws is reported and the rest still run.
 */
const name = process.argv[2];
const args = process.argv.slice(3);

if (name === 'all') {
  const summary: string[] = [];
  let failed = 0;
  const started = performance.now();
  for (const entry of benchmarks) {
    console.log(`\n== ${entry.name} ${args.join(' ')}`);
    const t0 = performance.now();
    const lines: string[] = [];
    const log = console.log;
    console.log = (...parts: unknown[]) => {
      const line = parts.map(String).join(' ');
      if (line.startsWith('RESULT ')) lines.push(line);
      log(...parts);
    };
    try {
      await (await entry.load()).run(args);
    } catch (err) {
      failed++;
      lines.push(`FAILED ${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
      console.error(err);
    } finally {
      console.log = log;
    }
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    summary.push(`${entry.name.padEnd(10)} ${seconds.padStart(6)} s`, ...lines.map((l) => `  ${l}`));
  }
  console.log(`\n== all: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const line of summary) console.log(line);
  process.exit(failed === 0 ? 0 : 1);
}

const entry = benchmarks.find((b) => b.name === name);
if (entry === undefined) {
  console.error(`usage: npm run bench -- <name> [--quick] | all [--quick]\n\nbenchmarks:`);
  for (const b of benchmarks) console.error(`  ${b.name.padEnd(12)} ${(await b.load()).description}`);
  process.exit(name === undefined ? 0 : 2);
}
try {
  await (await entry.load()).run(args);
} catch (err) {
  // A bad option or a missing tool is a message for the person running it, not a stack trace;
  // BENCH_DEBUG=1 shows the stack.
  console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env['BENCH_DEBUG'] === '1') console.error(err);
  process.exit(1);
}
