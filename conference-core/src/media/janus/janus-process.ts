import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A private Janus process with a generated configuration: the hub's embedded mode and the tests
 * start one. Only AudioBridge and VideoRoom are loaded, only the WebSocket transport, bound to
 * 127.0.0.1 with an API secret, so nothing else on the machine can drive it.
 */
export interface JanusProcessOptions {
  /** The janus binary (Debian: /usr/bin/janus). */
  readonly binary: string;
  /** Where the config, the log and the DTLS certificate go. */
  readonly workDir: string;
  readonly wsPort: number;
  /** Where the WebSocket API listens (default 127.0.0.1). */
  readonly bindIp?: string;
  /** Janus's own RTP ports, e.g. [40000, 40199]. */
  readonly rtpPorts: readonly [number, number];
  readonly apiSecret?: string;
  readonly adminKey?: string;
  /** Interfaces to gather ICE candidates on (Janus never uses loopback); default: all others. */
  readonly iceInterfaces?: readonly string[];
  /** Run the process through this command first (tests: `['ip', 'netns', 'exec', ns]`). */
  readonly wrapper?: readonly string[];
  /** Janus startup budget; it takes well under a second on an idle machine. */
  readonly startTimeoutMs?: number;
}

export interface JanusProcess {
  readonly url: string;
  readonly apiSecret: string;
  readonly adminKey: string;
  readonly pid: number | undefined;
  readonly logFile: string;
  /** Stops the process (SIGTERM, then SIGKILL after 3 s). */
  stop(): Promise<void>;
  /** Kills it at once (fault tests). */
  kill(): void;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

const moduleRoots = [
  '/usr/lib/x86_64-linux-gnu/janus',
  '/usr/lib/aarch64-linux-gnu/janus',
  '/usr/lib/janus',
  '/usr/local/lib/janus',
  '/opt/janus/lib/janus',
];

/** Where the Debian (or a source) install keeps plugins and transports. */
export function findJanusModules(): string | undefined {
  return moduleRoots.find((root) => existsSync(join(root, 'plugins', 'libjanus_audiobridge.so')));
}

const otherPlugins = [
  'echotest',
  'sip',
  'nosip',
  'streaming',
  'textroom',
  'videocall',
  'recordplay',
  'voicemail',
  'lua',
  'duktape',
].map((p) => `libjanus_${p}.so`);
const otherTransports = ['http', 'pfunix', 'mqtt', 'rabbitmq', 'nanomsg'].map((t) => `libjanus_${t}.so`);

function configFiles(options: JanusProcessOptions, modules: string, secrets: { api: string; admin: string }) {
  const ice =
    options.iceInterfaces === undefined ? '' : `\tice_enforce_list = "${options.iceInterfaces.join(',')}"\n`;
  return {
    'janus.jcfg': `general: {
\tconfigs_folder = "${options.workDir}"
\tplugins_folder = "${modules}/plugins"
\ttransports_folder = "${modules}/transports"
\tevents_folder = "${modules}/events"
\tloggers_folder = "${modules}/loggers"
\tdebug_level = 4
\tapi_secret = "${secrets.api}"
\tsession_timeout = 60
\tserver_name = "vc-hub-janus"
}
media: {
\trtp_port_range = "${options.rtpPorts[0]}-${options.rtpPorts[1]}"
}
nat: {
\tice_ignore_list = "vmnet,ifb"
\tignore_mdns = true
${ice}}
plugins: {
\tdisable = "${otherPlugins.join(',')}"
}
transports: {
\tdisable = "${otherTransports.join(',')}"
}
events: {
\tbroadcast = false
}
loggers: {
\tdisable = "libjanus_jsonlog.so"
}
`,
    'janus.transport.websockets.jcfg': `general: {
\tjson = "plain"
\tws = true
\tws_ip = "${options.bindIp ?? '127.0.0.1'}"
\tws_port = ${options.wsPort}
\twss = false
}
admin: {
\tadmin_ws = false
\tadmin_wss = false
}
`,
    'janus.plugin.videoroom.jcfg': `general: {
\tadmin_key = "${secrets.admin}"
}
`,
    'janus.plugin.audiobridge.jcfg': `general: {
\tadmin_key = "${secrets.admin}"
\tlocal_ip = "127.0.0.1"
}
`,
  };
}

/** Writes the config and starts Janus; resolves once its WebSocket transport listens. */
export async function startJanusProcess(options: JanusProcessOptions): Promise<JanusProcess> {
  const modules = findJanusModules();
  if (modules === undefined) throw new Error(`no Janus plugins found in ${moduleRoots.join(', ')}`);
  const secrets = {
    api: options.apiSecret ?? randomBytes(18).toString('base64url'),
    admin: options.adminKey ?? randomBytes(18).toString('base64url'),
  };
  await mkdir(options.workDir, { recursive: true });
  for (const [name, text] of Object.entries(configFiles(options, modules, secrets))) {
    await writeFile(join(options.workDir, name), text, { mode: 0o600 });
  }
  const logFile = join(options.workDir, 'janus.log');
  const args = ['-F', options.workDir, '-C', join(options.workDir, 'janus.jcfg'), '-o', '-L', logFile];
  const [command, ...rest] = [...(options.wrapper ?? []), options.binary, ...args];
  const child = spawn(command as string, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForListening(child, options.startTimeoutMs ?? 20_000);
  return {
    url: `ws://${options.bindIp ?? '127.0.0.1'}:${options.wsPort}`,
    apiSecret: secrets.api,
    adminKey: secrets.admin,
    pid: child.pid,
    logFile,
    exited,
    kill: () => {
      child.kill('SIGKILL');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Janus logs "Websockets server started (port N)" once the transport listens; anything else first is fatal. */
function waitForListening(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Janus did not start within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/Websockets server started/i.test(output)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        // Keep draining so a full pipe never blocks Janus.
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Janus exited during startup (${code ?? signal}):\n${output.slice(-2000)}`));
    });
  });
}
