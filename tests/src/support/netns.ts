import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private network namespace joined to the test process by a veth pair in 198.18.0.0/15 (the
 * benchmarking range, never routed). Janus never offers loopback ICE candidates, so WebRTC tests
 * run Janus and Chromium inside the namespace (`wrapper`) and the hub on the host end of the pair:
 * every packet stays on this link, none goes to the machine's own address. Needs root.
 */
export interface TestNetns {
  readonly name: string;
  /** The host end's address (the hub listens here). */
  readonly hostIp: string;
  /** The namespace end's address (Janus's API and every ICE candidate). */
  readonly innerIp: string;
  /** The interface inside the namespace, for Janus's `ice_enforce_list`. */
  readonly innerInterface: string;
  /** Prefix a command with this to run it inside. */
  readonly wrapper: readonly string[];
  /** A script that runs Debian's Chromium inside the namespace (playwright's executablePath). */
  readonly chromium: string;
  /** Deletes the namespace (and with it the veth pair). */
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

export function createTestNetns(): TestNetns {
  // One /24 per test process, so parallel helpers never share routes.
  const subnet = 1 + (process.pid % 250);
  const tag = `vcm${process.pid % 100_000}`;
  const name = `${tag}-ns`;
  const [outer, inner] = [`${tag}a`, `${tag}b`];
  const hostIp = `198.19.${subnet}.1`;
  const innerIp = `198.19.${subnet}.2`;
  ip('netns', 'add', name);
  const dir = mkdtempSync(join(tmpdir(), 'vc-netns-'));
  try {
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', name);
    ip('addr', 'add', `${hostIp}/24`, 'dev', outer);
    ip('link', 'set', outer, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${innerIp}/24`, 'dev', inner);
    ip('netns', 'exec', name, 'ip', 'link', 'set', inner, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    execFileSync('ip', ['link', 'del', outer], { stdio: 'ignore' });
    throw err;
  }
  const chromium = join(dir, 'chromium-in-netns');
  writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${name} /usr/bin/chromium "$@"\n`);
  chmodSync(chromium, 0o755);
  return {
    name,
    hostIp,
    innerIp,
    innerInterface: inner,
    wrapper: ['ip', 'netns', 'exec', name],
    chromium,
    remove() {
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
      } catch {
        // already gone
      }
      try {
        execFileSync('ip', ['link', 'del', outer], { stdio: 'ignore' });
      } catch {
        // deleted with the namespace
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
