import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startJanusProcess, type JanusProcess } from '@vc/conference-core/testing';

import { freePort } from '../../scripts/free-port.js';

export interface TestJanus extends JanusProcess {
  /** Stops Janus and removes its folder. */
  dispose(): Promise<void>;
}

let nextRtpBase = 42000 + (process.pid % 40) * 200;

/**
 * A private Janus for one test file: generated config in a temp folder, WebSocket API on a free
 * 127.0.0.1 port with a random API secret and admin key. `wrapper` runs it inside a network
 * namespace (WebRTC needs a non-loopback interface, see support/netns.ts).
 */
export async function startTestJanus(
  options: {
    wrapper?: readonly string[];
    iceInterfaces?: readonly string[];
    wsPort?: number;
    bindIp?: string;
    apiSecret?: string;
    adminKey?: string;
  } = {},
): Promise<TestJanus> {
  const workDir = await mkdtemp(join(tmpdir(), 'vc-janus-'));
  const base = nextRtpBase;
  nextRtpBase += 200;
  const janus = await startJanusProcess({
    binary: '/usr/bin/janus',
    workDir,
    wsPort: options.wsPort ?? (await freePort()),
    rtpPorts: [base, base + 199],
    ...(options.wrapper === undefined ? {} : { wrapper: options.wrapper }),
    ...(options.iceInterfaces === undefined ? {} : { iceInterfaces: options.iceInterfaces }),
    ...(options.bindIp === undefined ? {} : { bindIp: options.bindIp }),
    ...(options.apiSecret === undefined ? {} : { apiSecret: options.apiSecret }),
    ...(options.adminKey === undefined ? {} : { adminKey: options.adminKey }),
  });
  return Object.assign(janus, {
    async dispose() {
      await janus.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  });
}
