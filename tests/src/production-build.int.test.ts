import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { freePort } from '../scripts/free-port.js';
import { waitForStatus } from './support/hub-process.js';

/**
 * The production build and the container image (docs/decisions/0022). No container engine runs
 * here, so the Dockerfile is checked for what can be checked without one: the files it copies
 * exist, and its runtime stage (production dependencies only, the compiled hub) starts and serves.
 * The int suites' global set-up has run `npm run build`'s check, so the build outputs exist.
 */
const root = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const workDir = mkdtempSync(join(tmpdir(), 'vc-production-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Copy {
  readonly stage: string | undefined;
  readonly sources: string[];
}

/** `COPY [--from=stage] <source>... <destination>` lines of the runtime stage, in order. */
function runtimeCopies(): Copy[] {
  const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
  return [...runtime.matchAll(/^COPY (--from=(\S+) )?(.+)$/gm)].map((match) => {
    const words = (match[3] ?? '').trim().split(/\s+/);
    const stage = match[2];
    // Files from the build stage are addressed as /app/<path>.
    const sources = words.slice(0, -1).map((s) => (stage === undefined ? s : s.replace(/^\/app\//, '')));
    return { stage, sources };
  });
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

describe('the production build and its container image', () => {
  it('copies only files that exist, every workspace manifest, and runs as a non-root user with a health check', () => {
    const copies = runtimeCopies();
    const copied = copies.flatMap((c) => c.sources);
    for (const source of copied) expect(existsSync(join(root, source)), source).toBe(true);

    const workspaces = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }
    ).workspaces;
    const manifests = copied.filter((s) => s.endsWith('package.json'));
    expect(manifests.sort()).toEqual(['package.json', ...workspaces.map((w) => `${w}/package.json`)].sort());
    expect(copied).toEqual(
      expect.arrayContaining([
        'hub/dist',
        'web/dist',
        'outlook-addin/dist',
        'innovaphone-app',
        'hub/run.mjs',
      ]),
    );

    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/m);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('starts the compiled hub from an install without dev dependencies, as the image does', async () => {
    const app = join(workDir, 'app');
    for (const source of runtimeCopies().flatMap((c) => c.sources)) {
      mkdirSync(dirname(join(app, source)), { recursive: true });
      cpSync(join(root, source), join(app, source), { recursive: true });
    }
    // From npm's cache only: the CI run's own `npm ci` filled it, and tests stay on loopback.
    await run('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], app);
    for (const buildTool of ['tsx', 'vite', 'esbuild', 'typescript', 'vitest', 'playwright-core']) {
      expect(existsSync(join(app, 'node_modules', buildTool)), buildTool).toBe(false);
    }

    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(cmd.slice(0, 1)).toEqual(['node']);
    const port = await freePort();
    const dataDir = join(workDir, 'data');
    // node and npm need PATH; nothing else of this process's environment leaks in.
    // eslint-disable-next-line no-restricted-properties
    const { PATH } = process.env;
    const hub = spawn(process.execPath, cmd.slice(1), {
      cwd: app,
      env: { PATH, HOME: workDir, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    hub.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    hub.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => hub.once('exit', resolve));
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForStatus(`${url}/readyz`, 200, 90_000);
      const page = await fetch(`${url}/`);
      expect(await page.text()).toContain('<div id="root">');
      expect((await fetch(`${url}/outlook/manifest.xml`)).status).toBe(200);
      expect((await fetch(`${url}/v1/openapi.json`)).status).toBe(200);
      expect(output).not.toMatch(/built in/);
    } finally {
      hub.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
  }, 180_000);
});
