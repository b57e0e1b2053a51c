import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../scripts/free-port.js';
import { bar, isQuick, percentile, printResult, type Benchmark } from './benchmark.js';

/**
 * `npm run bench -- startup [--runs N]`: what a new user waits for (issue 21). In a clone of the
 * committed repository with this checkout's node_modules linked in (the `npm ci` step is not
 * measured): the first `npm start` (builds, first-time PGlite) to `/healthz`, to `/readyz` and to
 * the web client's page; a restart on the same data (`/healthz`, `/readyz`); and the token CLI.
 * Baselines in the same run: `node -e ''` and a bare PGlite opening a new folder. Bars: first
 * start to /healthz < 10 s, restart < 3 s, token CLI < 2 s.
 */
const root = join(import.meta.dirname, '..', '..');

/** The root's node_modules and the workspaces' own (npm puts a package there on a version clash). */
function installFolders(): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  return ['node_modules', ...workspaces.map((w) => join(w, 'node_modules'))].filter((dir) =>
    existsSync(join(root, dir)),
  );
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function timeCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, stdio: 'pipe' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${String(result.stderr)}`);
  return performance.now() - started;
}

async function until(url: string, test: (body: string, status: number) => boolean): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (test(await response.text(), response.status)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface StartTimes {
  healthz: number;
  readyz: number;
  page: number;
}

/** Starts `npm start` in the clone, times it to each answer, runs `whileRunning`, then stops it. */
async function startAndStop(
  clone: string,
  port: number,
  dataDir: string,
  whileRunning: () => void = () => undefined,
): Promise<StartTimes> {
  const started = performance.now();
  const hub: ChildProcess = spawn('npm', ['start'], {
    cwd: clone,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(`${url}/healthz`, (_, status) => status === 200);
    const healthz = performance.now() - started;
    await until(`${url}/readyz`, (_, status) => status === 200);
    const readyz = performance.now() - started;
    await until(`${url}/`, (body, status) => status === 200 && body.includes('id="root"'));
    const page = performance.now() - started;
    whileRunning();
    return { healthz, readyz, page };
  } finally {
    const exited = new Promise((resolve) => hub.once('exit', resolve));
    if (hub.pid !== undefined) process.kill(-hub.pid, 'SIGTERM');
    await exited;
  }
}

async function barePGliteOpen(dir: string): Promise<number> {
  const { PGlite } = await import('@electric-sql/pglite');
  const started = performance.now();
  const db = await PGlite.create(dir);
  await db.query('select 1');
  const ms = performance.now() - started;
  await db.close();
  return ms;
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description: 'fresh clone: first npm start to /healthz, restart, token CLI (vs node -e and bare PGlite)',
  async run(args) {
    const runsArg = args.indexOf('--runs');
    const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : isQuick(args) ? 1 : 3;
    const work = mkdtempSync(join(tmpdir(), 'vc-bench-startup-'));
    try {
      const load = (): string =>
        existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').trim() : 'n/a';
      console.log(`machine load before: ${load()}`);
      const nodeBare = Array.from({ length: 5 }, () => timeCommand(process.execPath, ['-e', ''], root));
      const pglite: number[] = [];
      for (let i = 0; i < runs; i++) pglite.push(await barePGliteOpen(join(work, `pglite-${i}`)));
      pglite.sort((a, b) => a - b);

      const first: StartTimes[] = [];
      const restart: StartTimes[] = [];
      const token: number[] = [];
      for (let i = 0; i < runs; i++) {
        // A clone of the committed tree: no hub/dist, web/dist or data, as after `git clone`.
        const clone = join(work, `clone-${i}`);
        timeCommand('git', ['clone', '--quiet', root, clone], work);
        // Hard links, not copies: the install is not what this measures. Workspace links are relative.
        for (const dir of installFolders())
          timeCommand('cp', ['-al', join(root, dir), join(clone, dir)], work);
        const port = await freePort();
        const dataDir = join(clone, 'data');
        first.push(await startAndStop(clone, port, dataDir));
        // The token CLI asks the running hub's issuer: timed while the restarted hub is up.
        const tokenCli = (): void => {
          token.push(
            timeCommand(
              'npm',
              ['run', '-s', 'token', '--', 'alice', '--url', `http://127.0.0.1:${port}`],
              clone,
              {
                DATA_DIR: dataDir,
              },
            ),
          );
        };
        restart.push(await startAndStop(clone, port, dataDir, tokenCli));
        rmSync(clone, { recursive: true, force: true });
      }
      const p50 = (values: number[]): number =>
        percentile(
          [...values].sort((a, b) => a - b),
          50,
        );
      const pick = (list: StartTimes[], key: keyof StartTimes): number[] => list.map((t) => t[key]);
      console.log(`runs: ${runs}; machine load after: ${load()}`);
      console.log(`baseline node -e '':            p50 ${seconds(p50(nodeBare))}`);
      console.log(`baseline bare PGlite new folder: p50 ${seconds(p50(pglite))}`);
      console.log(
        `first start: /healthz p50 ${seconds(p50(pick(first, 'healthz')))} (bar < 10 s), /readyz ` +
          `${seconds(p50(pick(first, 'readyz')))}, web page ${seconds(p50(pick(first, 'page')))}`,
      );
      console.log(
        `restart:     /healthz p50 ${seconds(p50(pick(restart, 'healthz')))} (bar < 3 s), /readyz ` +
          `${seconds(p50(pick(restart, 'readyz')))}`,
      );
      console.log(`token CLI:   p50 ${seconds(p50(token))} (bar < 2 s)`);
      console.log(
        `ratios: first /healthz ${(p50(pick(first, 'healthz')) / p50(nodeBare)).toFixed(1)}x node -e, first ` +
          `/readyz ${(p50(pick(first, 'readyz')) / p50(pglite)).toFixed(2)}x bare PGlite open`,
      );
      printResult({
        name: 'startup',
        ratio: p50(pick(first, 'readyz')) / p50(pglite),
        bars: [
          bar('first_healthz_s', p50(pick(first, 'healthz')) / 1000, '< 10'),
          bar('restart_healthz_s', p50(pick(restart, 'healthz')) / 1000, '< 3'),
          bar('token_s', p50(token) / 1000, '< 2'),
        ],
        figures: {
          first_readyz_s: p50(pick(first, 'readyz')) / 1000,
          restart_readyz_s: p50(pick(restart, 'readyz')) / 1000,
          node_bare_s: p50(nodeBare) / 1000,
          pglite_open_s: p50(pglite) / 1000,
        },
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
