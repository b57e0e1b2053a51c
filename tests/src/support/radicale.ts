import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../scripts/free-port.js';

/**
 * A real CalDAV server: Debian's radicale on a free loopback port, with a private config and
 * storage folder, no authentication check (any user name and password) and full rights for
 * every signed-in user. `stop()` ends it and removes the folder.
 */
export interface Radicale {
  readonly url: string;
  readonly credentials: { readonly username: string; readonly password: string };
  stop(): Promise<void>;
}

export const radicaleBin = process.env['TEST_RADICALE_BIN'] ?? '/usr/bin/radicale';

export async function startRadicale(): Promise<Radicale> {
  const dir = mkdtempSync(join(tmpdir(), 'vc-radicale-'));
  const port = await freePort();
  const config = join(dir, 'config');
  writeFileSync(
    config,
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = none',
      '[rights]',
      'type = authenticated',
      '[storage]',
      `filesystem_folder = ${join(dir, 'collections')}`,
      '[logging]',
      'level = warning',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(radicaleBin, ['--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/.web/`);
      break;
    } catch {
      if (child.exitCode !== null || i > 100) {
        await stop();
        throw new Error(`radicale did not start: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, credentials: { username: 'alice', password: 'secret' }, stop };
}
