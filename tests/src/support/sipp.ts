import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../scripts/free-port.js';

/**
 * sipp (Debian `sip-tester`) as a scripted caller: a scenario is built from steps, run in the
 * foreground, and its exit code is the verdict (0: every message arrived as the scenario says).
 * The DTMF and speech come from the pcaps the package ships (RFC 4733 events, 7 s of A-law speech).
 */
export type SippStep =
  | { readonly dtmf: string }
  | { readonly info: string }
  /** 7 s of A-law speech in the background: sip-tester's 30 ms pcap, or another pcap file. */
  | { readonly speech: true; readonly pcap?: string }
  | { readonly pause: number }
  | { readonly hangUp: true }
  | { readonly expectBye: number };

export interface SippCall {
  /** The number the caller claims in From (the user part). */
  readonly from: string;
  /** The Request-URI user: the number dialed or a direct-dial `<id>*<pin>`. */
  readonly dial?: string;
  readonly steps: readonly SippStep[];
  readonly transport?: 'udp' | 'tcp';
}

const pcaps = '/usr/share/sip-tester';
const digitFile = (d: string) => `${pcaps}/dtmf_2833_${d === '#' ? 'pound' : d === '*' ? 'star' : d}.pcap`;

function header(from: string, cseq: string, method: string, peerTag: boolean): string {
  return [
    `${method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0`,
    'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]',
    `From: "Caller" <sip:${from}@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]`,
    `To: <sip:[service]@[remote_ip]:[remote_port]>${peerTag ? '[peer_tag_param]' : ''}`,
    'Call-ID: [call_id]',
    `CSeq: ${cseq} ${method}`,
    `Contact: <sip:${from}@[local_ip]:[local_port];transport=[transport]>`,
    'Max-Forwards: 70',
  ].join('\n');
}

export function scenario(call: SippCall): string {
  let cseq = 2;
  const parts: string[] = [];
  const send = (text: string, retrans = true) =>
    parts.push(`<send${retrans ? ' retrans="500"' : ''}><![CDATA[\n${text}\n]]></send>`);
  send(
    `${header(call.from, '1', 'INVITE', false)}
Session-Expires: 1800
Supported: timer
Content-Type: application/sdp
Content-Length: [len]

v=0
o=caller 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8 101
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:30
`,
  );
  parts.push('<recv response="100" optional="true"/>', '<recv response="200" rrs="true"/>');
  send(`${header(call.from, '1', 'ACK', true)}\nContent-Length: 0\n`, false);
  for (const step of call.steps) {
    if ('dtmf' in step) {
      for (const digit of step.dtmf) {
        parts.push(
          `<nop><action><exec play_pcap_audio="${digitFile(digit)}"/></action></nop>`,
          '<pause milliseconds="250"/>',
        );
      }
    } else if ('info' in step) {
      for (const digit of step.info) {
        send(
          `${header(call.from, String(cseq++), 'INFO', true)}\nContent-Type: application/dtmf-relay\nContent-Length: [len]\n\nSignal=${digit}\nDuration=160\n`,
        );
        parts.push('<recv response="200"/>');
      }
    } else if ('speech' in step) {
      parts.push(
        `<nop><action><exec play_pcap_audio="${step.pcap ?? `${pcaps}/g711a.pcap`}"/></action></nop>`,
      );
    } else if ('pause' in step) {
      parts.push(`<pause milliseconds="${step.pause}"/>`);
    } else if ('hangUp' in step) {
      send(`${header(call.from, String(cseq++), 'BYE', true)}\nContent-Length: 0\n`);
      parts.push('<recv response="200"/>');
    } else {
      parts.push(
        `<recv request="BYE" timeout="${step.expectBye}"/>`,
        `<send><![CDATA[\nSIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\nContent-Length: 0\n]]></send>`,
      );
    }
  }
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="call-in">\n${parts.join('\n')}\n</scenario>\n`;
}

export interface SippResult {
  readonly code: number | null;
  readonly output: string;
}

/** Places one call to the gateway and resolves when sipp exits (bounded by `-timeout`). */
export async function runSipp(
  gateway: { host: string; port: number },
  call: SippCall,
  /** Several calls of the same scenario at once (benchmarks): how many, started at `rate` per second. */
  load: { calls: number; rate: number } = { calls: 1, rate: 10 },
  /** Told sipp's process id once it runs (benchmarks read its CPU time). */
  onSpawn?: (pid: number) => void,
): Promise<SippResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vc-sipp-'));
  const file = join(dir, 'scenario.xml');
  writeFileSync(file, scenario(call));
  const [sipPort, mediaPort] = [await freePort(), await freePort()];
  const args = [
    `${gateway.host}:${gateway.port}`,
    ...['-sf', file, '-s', call.dial ?? 'callin'],
    ...['-i', '127.0.0.1', '-p', String(sipPort), '-mi', '127.0.0.1', '-mp', String(mediaPort)],
    ...['-m', String(load.calls), '-l', String(load.calls), '-r', String(load.rate)],
    ...['-nostdin', '-timeout', '90s', '-timeout_error', '-max_recv_loops', '1000'],
    ...(call.transport === 'tcp' ? ['-t', 't1'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    child.once('error', reject);
    if (child.pid !== undefined) onSpawn?.(child.pid);
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}
