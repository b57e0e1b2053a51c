import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's coturn (`turnserver`), private to one test file. */
export interface TestCoturn {
  /** `turn:<ip>:<port>?transport=udp`, for the hub's TURN_URLS. */
  readonly url: string;
  /** The REST-API shared secret (`static-auth-secret`), for the hub's TURN_SECRET. */
  readonly secret: string;
  /** Everything coturn logged so far. */
  output(): string;
  dispose(): Promise<void>;
}

/**
 * Starts coturn with the TURN REST-API scheme (`use-auth-secret`): it accepts exactly the
 * short-lived credentials the hub derives from the same secret. It listens and relays on `ip` only
 * (inside a test's network namespace, `wrapper`), keeps its pid file and user database in a temp
 * folder, and offers neither TLS nor DTLS (no certificate here).
 */
export async function startTestCoturn(options: {
  ip: string;
  port: number;
  relayPorts: readonly [number, number];
  wrapper?: readonly string[];
}): Promise<TestCoturn> {
  const dir = await mkdtemp(join(tmpdir(), 'vc-coturn-'));
  const secret = randomBytes(24).toString('base64url');
  const args = [
    '-n',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--fingerprint',
    `--listening-ip=${options.ip}`,
    `--relay-ip=${options.ip}`,
    `--listening-port=${options.port}`,
    `--min-port=${options.relayPorts[0]}`,
    `--max-port=${options.relayPorts[1]}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=vc.test',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--userdb=${join(dir, 'turndb')}`,
    '--log-file=stdout',
    '--simple-log',
  ];
  const [command, ...prefix] = [...(options.wrapper ?? []), '/usr/bin/turnserver'];
  if (command === undefined) throw new Error('no command');
  const child = spawn(command, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coturn did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/Total General servers/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`coturn exited (${String(code)}):\n${output}`));
    });
  });
  return {
    url: `turn:${options.ip}:${options.port}?transport=udp`,
    secret,
    output: () => output,
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
