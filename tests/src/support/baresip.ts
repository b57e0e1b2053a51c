import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../scripts/free-port.js';

/** One JSON message of baresip's `ctrl_tcp` (netstring framed): a command response or an event. */
export interface BaresipMessage {
  readonly event?: boolean;
  readonly type?: string;
  readonly response?: boolean;
  readonly ok?: boolean;
  readonly data?: string;
  readonly [key: string]: unknown;
}

/**
 * baresip (Debian) as a second real softphone, driven through its `ctrl_tcp` module: loopback
 * only, G.711 A-law, a 440 Hz sine as microphone (`ausine`), no sound card. `command` sends a
 * menu command (`dial`, `sndcode`, `hangup`); `next` awaits an event such as `CALL_ESTABLISHED`.
 */
export class Baresip {
  private readonly messages: BaresipMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private buffer = Buffer.alloc(0);
  private output = '';
  private readonly process: ChildProcess;
  private readonly socket: Socket;
  private readonly dir: string;

  private constructor(process: ChildProcess, socket: Socket, dir: string) {
    this.process = process;
    this.socket = socket;
    this.dir = dir;
    process.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    process.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    socket.on('data', (data: Buffer) => this.read(data));
  }

  static async start(user: string): Promise<Baresip> {
    const dir = mkdtempSync(join(tmpdir(), 'baresip-'));
    const ctrlPort = await freePort();
    const rtpBase = 40000 + 2 * Math.floor(Math.random() * 4000);
    writeFileSync(
      join(dir, 'config'),
      [
        'sip_listen 127.0.0.1:0',
        'sip_transports udp',
        'audio_source ausine,440',
        'audio_player aufile,/dev/null',
        'audio_alert aufile,/dev/null',
        // ausine only runs at 48 kHz stereo; baresip resamples to the 8 kHz mono of G.711.
        'ausrc_srate 48000',
        'ausrc_channels 2',
        `rtp_ports ${rtpBase}-${rtpBase + 9}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module ausine.so',
        'module aufile.so',
        'module_app account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'accounts'), `<sip:${user}@127.0.0.1>;regint=0;audio_codecs=PCMA\n`);
    const child = spawn('baresip', ['-4', '-n', '127.0.0.1', '-f', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const socket = await connectWhenReady(ctrlPort, child);
    return new Baresip(child, socket, dir);
  }

  /** Sends a command (`dial sip:...`) and resolves with baresip's response. */
  async command(command: string, params = ''): Promise<BaresipMessage> {
    const token = Math.random().toString(36).slice(2);
    const json = Buffer.from(JSON.stringify({ command, params, token }));
    this.socket.write(Buffer.concat([Buffer.from(`${json.length}:`), json, Buffer.from(',')]));
    return this.next((m) => m.response === true && m['token'] === token, 10_000);
  }

  /** The first message not yet taken that matches, waiting up to `timeoutMs`. */
  async next(match: (m: BaresipMessage) => boolean, timeoutMs: number): Promise<BaresipMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex(match);
      if (index >= 0) return this.messages.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.process.exitCode !== null)
        throw new Error(`baresip: no matching message within ${timeoutMs} ms\n${this.output.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  event(type: string, timeoutMs: number): Promise<BaresipMessage> {
    return this.next((m) => m.event === true && m.type === type, timeoutMs);
  }

  async stop(): Promise<void> {
    this.socket.destroy();
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Netstrings: `<length>:<json>,`. */
  private read(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 2 + length) return;
      const json = this.buffer.subarray(colon + 1, colon + 1 + length).toString();
      this.buffer = this.buffer.subarray(colon + 2 + length);
      try {
        this.messages.push(JSON.parse(json) as BaresipMessage);
      } catch {
        // Not JSON: nothing a test waits for.
      }
      this.waiters.forEach((wake) => wake());
    }
  }
}

/** baresip opens its control port once its modules are loaded; retry until then. */
async function connectWhenReady(port: number, child: ChildProcess): Promise<Socket> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
