import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebSocket, WebSocketServer } from 'ws';

import { appLoginDigest, digestMatches } from '../digest.js';

/**
 * A FAKE innovaphone PBX for tests: the AppWebsocket endpoint `/PBX0/APPS/websocket` built from the
 * public SDK message definitions (AppWebsocket.htm, Replication.htm, PbxTableUsers.htm, RCC.htm).
 * It logs App objects in with their password, replicates the users table row by row (ReplicateStart,
 * ReplicateNext) and pushes ReplicateAdd/Update/Del to running replications, and accepts RCC
 * (Initialize with UserInfo, UserInitialize, UserCall with CallInfo, UserDTMF). Timing and error
 * shapes the SDK does not specify are our guesses: the tests must not overfit them.
 */
export interface FakePbxUser {
  readonly guid: string;
  readonly h323: string;
  readonly cn: string;
  readonly dn: string;
  readonly e164?: string;
  readonly emails: readonly string[];
  readonly grps?: readonly string[];
  /** App objects the user may use (the user's Apps tab). */
  readonly apps: readonly string[];
}

export interface FakeAppObject {
  readonly password: string;
  /** API checkmarks: `TableUsers`, `RCC`. */
  readonly apis: readonly ('TableUsers' | 'RCC')[];
}

/** An RCC call the fake placed for a user, with the digits sent afterwards. */
export interface FakeCall {
  readonly call: number;
  readonly user: string;
  readonly to: { e164?: string; h323?: string; cn?: string };
  readonly dtmf: string[];
}

type Message = Record<string, unknown>;

interface Session {
  readonly ws: WebSocket;
  app?: string;
  challenge?: string | undefined;
  replication?: { src: string | undefined; rows: string[]; next: number };
  /** RCC user handles: the user and the src of its UserInitialize (CallInfo carries it). */
  rccUsers: Map<number, { guid: string; src: string | undefined }>;
}

export interface FakePbx {
  readonly url: string;
  readonly users: Map<string, FakePbxUser>;
  readonly calls: FakeCall[];
  /** Every message the fake received, for assertions (AppLogin digests included). */
  readonly received: Message[];
  addUser(user: FakePbxUser): void;
  updateUser(guid: string, changes: Partial<Omit<FakePbxUser, 'guid'>>): void;
  removeUser(guid: string): void;
  /** `down`: open sockets are dropped and new upgrades get 503; `throttle`: upgrades get 429. */
  disrupt(mode?: 'down' | 'throttle'): void;
  restore(): void;
  /** Called when a call is placed (UserCall), e.g. to make a real SIP call in its place. */
  onCall?: (call: FakeCall) => void;
  /** Reports a call as connected to the monitoring session (CallInfo msg r-conn). */
  connect(call: number): void;
  /** Sends a CallInfo with this `msg` for the call to the session monitoring its user. */
  connectState(call: number, msg: string): void;
  close(): Promise<void>;
}

export const newGuid = (): string => randomBytes(16).toString('hex');

function row(user: FakePbxUser): Message {
  return {
    guid: user.guid,
    h323: user.h323,
    cn: user.cn,
    dn: user.dn,
    ...(user.e164 !== undefined && { e164: user.e164 }),
    apps: user.apps.join(','),
    hide: false,
    emails: user.emails.map((email) => ({ email })),
    grps: (user.grps ?? []).map((name) => ({ name, mode: 'active' })),
  };
}

export async function startFakePbx(appObjects: Record<string, FakeAppObject>): Promise<FakePbx> {
  const users = new Map<string, FakePbxUser>();
  const sessions = new Set<Session>();
  const calls: FakeCall[] = [];
  const received: Message[] = [];
  const callOwners = new Map<number, { session: Session; src: string | undefined; user: number }>();
  let mode: 'up' | 'down' | 'throttle' = 'up';
  let nextCall = 1;

  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/PBX0/APPS/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    if (mode !== 'up') {
      const status =
        mode === 'throttle' ? '429 Too Many Requests\r\nretry-after: 1' : '503 Service Unavailable';
      socket.end(`HTTP/1.1 ${status}\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  const send = (session: Session, message: Message) => {
    if (session.ws.readyState === WebSocket.OPEN) session.ws.send(JSON.stringify(message));
  };

  const granted = (session: Session, api: 'TableUsers' | 'RCC') =>
    session.app !== undefined && appObjects[session.app]?.apis.includes(api) === true;

  const pushToReplicators = (mt: string, columns: Message) => {
    for (const session of sessions) {
      if (session.replication === undefined) continue;
      send(session, {
        api: 'PbxTableUsers',
        mt,
        columns,
        ...(session.replication.src !== undefined && { src: session.replication.src }),
      });
    }
  };

  const handle = (session: Session, message: Message) => {
    received.push(message);
    const mt = String(message['mt']);
    const src = typeof message['src'] === 'string' ? message['src'] : undefined;
    const answer = (fields: Message) => send(session, { ...fields, ...(src !== undefined && { src }) });
    if (mt === 'AppChallenge') {
      session.challenge = String(randomInt(10 ** 9, 10 ** 10));
      answer({ mt: 'AppChallengeResult', challenge: session.challenge });
      return;
    }
    if (mt === 'AppLogin') {
      const app = String(message['app']);
      const object = appObjects[app];
      const challenge = session.challenge;
      session.challenge = undefined;
      const fields = { app, domain: '', sip: '', guid: '', dn: '' };
      const ok =
        object !== undefined &&
        challenge !== undefined &&
        digestMatches(appLoginDigest(fields, challenge, object.password), message['digest']);
      if (ok) session.app = app;
      answer({ mt: 'AppLoginResult', ok });
      return;
    }
    if (session.app === undefined) {
      session.ws.close(4001, 'not logged in');
      return;
    }
    const api = message['api'];
    if (api === 'PbxTableUsers') {
      if (!granted(session, 'TableUsers')) {
        answer({ api, mt: `${mt}Result`, error: true, errorText: 'TableUsers not granted' });
        return;
      }
      if (mt === 'ReplicateStart') {
        // A snapshot of the row order at start; the order is insertion order, not sorted.
        session.replication = { src, rows: [...users.keys()], next: 0 };
        answer({
          api,
          mt: 'ReplicateStartResult',
          columns: { guid: {}, h323: {}, cn: {}, dn: {}, e164: {} },
        });
        return;
      }
      if (mt === 'ReplicateNext') {
        const replication = session.replication;
        if (replication === undefined) {
          answer({ api, mt: 'ReplicateNextResult', error: true, errorText: 'no replication' });
          return;
        }
        // Rows deleted since the snapshot are passed over (the delete was pushed).
        let user: FakePbxUser | undefined;
        while (user === undefined && replication.next < replication.rows.length) {
          user = users.get(replication.rows[replication.next++]!);
        }
        answer({ api, mt: 'ReplicateNextResult', ...(user !== undefined && { columns: row(user) }) });
        return;
      }
    }
    if (api === 'RCC') {
      if (!granted(session, 'RCC')) {
        answer({ api, mt: `${mt}Result`, error: true, errorText: 'RCC not granted' });
        return;
      }
      if (mt === 'Initialize') {
        for (const user of users.values()) {
          if (!user.apps.includes(session.app)) continue;
          answer({
            api,
            mt: 'UserInfo',
            guid: user.guid,
            cn: user.cn,
            dn: user.dn,
            h323: user.h323,
            e164: user.e164,
          });
        }
        answer({ api, mt: 'InitializeResult' });
        return;
      }
      if (mt === 'UserInitialize') {
        const user = [...users.values()].find((u) => u.cn === message['cn']);
        if (user === undefined) {
          answer({ api, mt: 'UserInitializeResult', error: true, errorText: 'no such user' });
          return;
        }
        const handle = session.rccUsers.size + 1;
        session.rccUsers.set(handle, { guid: user.guid, src });
        answer({ api, mt: 'UserInitializeResult', user: handle });
        return;
      }
      if (mt === 'UserCall') {
        const monitored = session.rccUsers.get(Number(message['user']));
        const guid = monitored?.guid;
        const to = Object.fromEntries(
          (['e164', 'h323', 'cn'] as const)
            .filter((k) => typeof message[k] === 'string' && message[k] !== '')
            .map((k) => [k, message[k] as string]),
        );
        if (guid === undefined || Object.keys(to).length === 0) {
          answer({ api, mt: 'UserCallResult', error: true, errorText: 'bad user or destination' });
          return;
        }
        const call: FakeCall = { call: nextCall++, user: guid, to, dtmf: [] };
        calls.push(call);
        callOwners.set(call.call, { session, src: monitored?.src, user: Number(message['user']) });
        answer({ api, mt: 'UserCallResult', call: call.call });
        fake.connectState(call.call, 'x-alert');
        fake.onCall?.(call);
        return;
      }
      if (mt === 'UserDTMF') {
        const call = calls.find((c) => c.call === Number(message['call']));
        if (call === undefined || typeof message['dtmf'] !== 'string') {
          answer({ api, mt: 'UserDTMFResult', error: true, errorText: 'no such call' });
          return;
        }
        call.dtmf.push(message['dtmf']);
        answer({ api, mt: 'UserDTMFResult' });
        return;
      }
    }
    answer({
      ...(api !== undefined && { api }),
      mt: `${mt}Result`,
      error: true,
      errorText: 'unknown message',
    });
  };

  const accept = (ws: WebSocket) => {
    const session: Session = { ws, rccUsers: new Map() };
    sessions.add(session);
    ws.on('message', (data: Buffer) => {
      try {
        handle(session, JSON.parse(data.toString('utf8')) as Message);
      } catch {
        ws.close(1003, 'not JSON');
      }
    });
    ws.on('close', () => sessions.delete(session));
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const fake: FakePbx = {
    url: `ws://127.0.0.1:${port}/PBX0/APPS/websocket`,
    users,
    calls,
    received,
    addUser(user) {
      users.set(user.guid, user);
      pushToReplicators('ReplicateAdd', row(user));
    },
    updateUser(guid, changes) {
      const current = users.get(guid);
      if (current === undefined) throw new Error(`no PBX user ${guid}`);
      const updated = { ...current, ...changes };
      users.set(guid, updated);
      pushToReplicators('ReplicateUpdate', row(updated));
    },
    removeUser(guid) {
      if (!users.delete(guid)) throw new Error(`no PBX user ${guid}`);
      pushToReplicators('ReplicateDel', { guid });
    },
    disrupt(how = 'down') {
      mode = how;
      if (how === 'down') for (const s of sessions) s.ws.terminate();
    },
    restore() {
      mode = 'up';
    },
    connect(call) {
      fake.connectState(call, 'r-conn');
    },
    connectState(call, msg) {
      const owner = callOwners.get(call);
      if (owner === undefined) throw new Error(`no call ${call}`);
      send(owner.session, {
        api: 'RCC',
        mt: 'CallInfo',
        user: owner.user,
        call,
        msg,
        ...(owner.src !== undefined && { src: owner.src }),
      });
    },
    async close() {
      for (const s of sessions) s.ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
