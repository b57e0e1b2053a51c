import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../scripts/free-port.js';

const modules = '/usr/lib/x86_64-linux-gnu/kamailio/modules';

/**
 * A private kamailio (Debian) on loopback as registrar and proxy: REGISTER is digest-checked
 * against one user's password (no database) and saved in memory; any other request (in-dialog
 * ones too) is routed to the contact registered for its Request-URI user, or answered 404.
 */
export class Kamailio {
  private output = '';
  private readonly process: ChildProcess;
  private readonly dir: string;
  readonly port: number;

  private constructor(process: ChildProcess, dir: string, port: number) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    process.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    process.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(user: string, password: string): Promise<Kamailio> {
    const dir = mkdtempSync(join(tmpdir(), 'kamailio-'));
    const port = await freePort();
    const config = join(dir, 'kamailio.cfg');
    writeFileSync(
      config,
      `#!KAMAILIO
debug=2
log_stderror=yes
children=1
auto_aliases=no
listen=udp:127.0.0.1:${port}
alias="127.0.0.1:${port}"
mpath="${modules}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "textops.so"

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("REGISTER")) {
    if ($fU != "${user}" || !pv_www_authenticate("$td", "${password}", "0")) {
      www_challenge("$td", "0");
      exit;
    }
    if (!save("location")) sl_reply_error();
    exit;
  }
  # In-dialog requests too: sipp sends ACK and BYE to the proxy, not to the gateway's Contact.
  if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
  t_relay();
}
`,
    );
    const child = spawn('kamailio', ['-f', config, '-DD', '-E', '-Y', dir, '-P', join(dir, 'kamailio.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const kamailio = new Kamailio(child, dir, port);
    await kamailio.ready();
    return kamailio;
  }

  /** kamailio logs its listening sockets once the configuration is loaded. */
  private async ready(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!/listening on/i.test(this.output)) {
      if (this.process.exitCode !== null || Date.now() > deadline)
        throw new Error(`kamailio did not start:\n${this.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
