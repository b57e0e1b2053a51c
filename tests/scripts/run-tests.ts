import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

import { alwaysNeeded, ensurePackages, postgresPackage } from './debian-packages.js';
import { intSuiteGroups } from './int-groups.js';
import { createRunDatabase, findOrStartPostgres, type RunningService } from './services/postgres.js';
import { findOrStartRedis, redisServerBinary } from './services/redis.js';

/**
 * `npm test`: installs the Debian packages the suites need, finds or starts PostgreSQL and Redis,
 * creates a fresh database for this run, then runs typecheck, lint, unit and integration suites,
 * stops what it started, and ends with the plain line `N passed, N failed`.
 */
const root = join(import.meta.dirname, '..', '..');
const reports = join(root, 'reports');
const log = (line: string): void => console.log(`[test] ${line}`);

interface StepResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds?: number;
}

/** Runs a step and records how long it took. */
async function timed(step: Promise<StepResult>): Promise<StepResult> {
  const started = Date.now();
  const result = await step;
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
    child.once('error', () => resolve(127));
  });
}

async function check(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<StepResult> {
  log(`${name}: ${command} ${args.join(' ')}`);
  const ok = (await runCommand(command, args, env)) === 0;
  log(`${name}: ${ok ? 'ok' : 'FAILED'}`);
  return { name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: {
    name: string;
    status: string;
    assertionResults: unknown[];
    message?: string;
    startTime?: number;
    endTime?: number;
  }[];
}

/** Every suite's wall time, printed at the end (slowest first) so slow suites are seen. */
const suiteTimes: { file: string; seconds: number }[] = [];

interface VitestRun {
  /** The step's name in the summary and the report file's. */
  name: string;
  project: 'unit' | 'int';
  /** Only these files (default: all of the project). */
  files?: readonly string[];
  /** Two files at a time instead of the project's default. */
  inPairs?: boolean;
}

async function vitest(run: VitestRun, env: NodeJS.ProcessEnv): Promise<StepResult> {
  const { name: project } = run;
  const output = join(reports, `${project}.json`);
  rmSync(output, { force: true });
  const bin = join(root, 'node_modules', '.bin', 'vitest');
  const args = [
    'run',
    '--project',
    run.project,
    ...(run.inPairs === true ? ['--fileParallelism', '--maxWorkers=2'] : []),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${output}`,
    ...(run.files ?? []),
  ];
  log(
    `${project} tests: vitest ${args.slice(0, 7).join(' ')}${run.files ? ` (${run.files.length} files)` : ''}`,
  );
  const code = await runCommand(bin, args, env);
  let report: VitestReport;
  try {
    report = JSON.parse(readFileSync(output, 'utf8')) as VitestReport;
  } catch {
    log(`${project} tests: vitest exited ${code} without a report`);
    return { name: project, passed: 0, failed: 1, skipped: 0 };
  }
  // A file that fails to load has no test results; count it as one failure so it cannot hide.
  const brokenFiles = report.testResults.filter(
    (r) => r.status === 'failed' && r.assertionResults.length === 0,
  );
  for (const file of brokenFiles) log(`${project} tests: ${file.name} failed to run: ${file.message ?? ''}`);
  for (const file of report.testResults) {
    if (file.startTime !== undefined && file.endTime !== undefined) {
      suiteTimes.push({ file: relative(root, file.name), seconds: (file.endTime - file.startTime) / 1000 });
    }
  }
  const failed =
    report.numFailedTests +
    brokenFiles.length +
    (code !== 0 && report.numFailedTests === 0 && brokenFiles.length === 0 ? 1 : 0);
  return {
    name: project,
    passed: report.numPassedTests,
    failed,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

async function main(): Promise<number> {
  const started: RunningService[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;
  const results: StepResult[] = [];
  try {
    // The server binaries are needed even when a PostgreSQL answers: the fault suite runs its own.
    ensurePackages([...alwaysNeeded, postgresPackage], log);
    const postgres = await findOrStartPostgres(log);
    if (postgres.started) started.push(postgres);
    const redis = await findOrStartRedis(log);
    if (redis.started) started.push(redis);
    const runDatabase = await createRunDatabase(postgres.url);
    dropDatabase = () => runDatabase.drop();
    mkdirSync(reports, { recursive: true });

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEST_POSTGRES_URL: postgres.url,
      TEST_DATABASE_URL: runDatabase.url,
      TEST_REDIS_URL: redis.url,
      TEST_REDIS_SERVER_BIN: redisServerBinary(),
      // The hub under test must not pick up a developer's own settings.
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
    };
    const bin = (tool: string): string => join(root, 'node_modules', '.bin', tool);
    // typescript-eslint and the compiler API need 5.9.x; the registry's latest (7.x) has no API.
    results.push(
      await check(
        'toolchain',
        process.execPath,
        [
          '-e',
          "const v=require('typescript/package.json').version; if (v!=='5.9.3') { console.error('typescript is '+v+', expected exactly 5.9.3'); process.exit(1) }",
        ],
        env,
      ),
    );
    // Three single-threaded tools: side by side on the two cores.
    results.push(
      ...(await Promise.all([
        timed(check('typecheck', bin('tsc'), ['-b'], env)),
        timed(check('lint', bin('eslint'), ['.'], env)),
        timed(check('format', bin('prettier'), ['--check', '.'], env)),
      ])),
    );
    results.push(await timed(vitest({ name: 'unit', project: 'unit' }, env)));
    // Suites that share nothing run two at a time; the rest one at a time (tests/scripts/int-groups.ts).
    const groups = intSuiteGroups(root);
    results.push(
      await timed(vitest({ name: 'int-pairs', project: 'int', files: groups.inPairs, inPairs: true }, env)),
    );
    results.push(await timed(vitest({ name: 'int', project: 'int', files: groups.alone }, env)));
  } catch (err) {
    log(`could not run the suites: ${err instanceof Error ? err.message : String(err)}`);
    results.push({ name: 'setup', passed: 0, failed: 1, skipped: 0 });
  } finally {
    await dropDatabase?.().catch((err: unknown) => log(`could not drop the run database: ${String(err)}`));
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
  }
  log('the 25 slowest suites (wall clock):');
  for (const t of suiteTimes.sort((a, b) => b.seconds - a.seconds).slice(0, 25)) {
    log(`  ${t.seconds.toFixed(1).padStart(7)} s  ${t.file}`);
  }
  for (const r of results) {
    const seconds = r.seconds === undefined ? '' : ` in ${r.seconds.toFixed(0)} s`;
    log(`${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${seconds}`);
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
