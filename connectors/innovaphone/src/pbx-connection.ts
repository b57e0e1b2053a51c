import type { ClientRequest, IncomingMessage } from 'node:http';

import { ConnectorError } from '@vc/connector-sdk';
import { WebSocket } from 'ws';

import { appLoginDigest } from './digest.js';

export type PbxMessage = Record<string, unknown>;

export interface PbxConnectionOptions {
  /** wss://<pbx>/PBX0/APPS/websocket */
  readonly url: string;
  readonly appObject: string;
  readonly password: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Messages the PBX sends on its own (ReplicateAdd/Update/Del, RCC CallInfo). */
  readonly onPush?: (message: PbxMessage) => void;
}

/** One logged-in AppWebsocket connection to the PBX (the hub acts as an API client, §A4c). */
export interface PbxConnection {
  /** Sends a request with a fresh `src` and resolves with the answer carrying that `src`. */
  request(message: PbxMessage): Promise<PbxMessage>;
  close(): void;
}

const unavailable = (message: string, cause?: unknown) =>
  new ConnectorError('upstream_unavailable', message, cause === undefined ? {} : { cause });

/** An HTTP refusal of the upgrade, in the error family the hub understands. */
function upgradeRefused(status: number, retryAfter: string | undefined): ConnectorError {
  const retryAfterMs =
    retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  const options = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) return new ConnectorError('rate_limited', 'the PBX is throttling connections', options);
  if (status === 401 || status === 403)
    return new ConnectorError('forbidden', `the PBX refused the websocket (${status})`);
  if (status === 404) return new ConnectorError('invalid_settings', 'no AppWebsocket at this PBX URL (404)');
  return new ConnectorError('upstream_unavailable', `the PBX answered ${status} to the websocket`, options);
}

/**
 * Connects, runs AppChallenge -> AppLogin with the App object's name and password (digest over
 * `app:::::challenge:password`, as the SDK's RCC sample does) and returns the session. Every
 * failure is a ConnectorError: a refused login is `auth_failed`, anything on the way is retryable.
 */
export async function openPbxConnection(options: PbxConnectionOptions): Promise<PbxConnection> {
  options.signal?.throwIfAborted();
  const ws = new WebSocket(options.url, { handshakeTimeout: options.timeoutMs, maxPayload: 4 * 1024 * 1024 });
  let counter = 0;
  const waiting = new Map<
    string,
    { answer: string; resolve: (m: PbxMessage) => void; reject: (e: unknown) => void }
  >();
  let failure: ConnectorError | undefined;
  const failAll = (error: ConnectorError) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(failure);
    waiting.clear();
  };
  ws.on('message', (data: Buffer) => {
    let message: PbxMessage;
    try {
      message = JSON.parse(data.toString('utf8')) as PbxMessage;
    } catch {
      failAll(new ConnectorError('invalid_data', 'the PBX sent a frame that is not JSON'));
      ws.terminate();
      return;
    }
    const src = typeof message['src'] === 'string' ? message['src'] : undefined;
    const pending = src === undefined ? undefined : waiting.get(src);
    // Indications carry the src of the request that asked for them (UserInfo during Initialize):
    // only `<mt>Result` (or an error answer without the expected mt) settles the request.
    const settles =
      pending !== undefined && (message['mt'] === pending.answer || message['error'] !== undefined);
    if (settles && pending !== undefined && src !== undefined) {
      waiting.delete(src);
      pending.resolve(message);
    } else {
      options.onPush?.(message);
    }
  });
  ws.on('close', (code, reason) =>
    failAll(
      unavailable(
        `the PBX closed the connection (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`,
      ),
    ),
  );
  const onAbort = () => {
    failAll(unavailable('the run was cancelled', options.signal?.reason));
    ws.terminate();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  ws.on('close', () => options.signal?.removeEventListener('abort', onAbort));

  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
      const retryAfter = res.headers['retry-after'] as unknown;
      const first = typeof retryAfter === 'string' ? retryAfter : undefined;
      reject(upgradeRefused(res.statusCode ?? 0, first));
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => reject(failure ?? unavailable(`cannot reach the PBX: ${err.message}`, err)));
  });
  ws.on('error', () => undefined);

  const request = (message: PbxMessage): Promise<PbxMessage> => {
    if (failure !== undefined) return Promise.reject(failure);
    const src = `vc${++counter}`;
    return new Promise<PbxMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(src);
        reject(unavailable(`the PBX did not answer ${String(message['mt'])} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      waiting.set(src, {
        answer: `${describe(message['mt'])}Result`,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      });
      ws.send(JSON.stringify({ ...message, src }));
    });
  };

  try {
    const { challenge } = await request({ mt: 'AppChallenge' });
    if (typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 16) {
      throw new ConnectorError('invalid_data', 'the PBX sent no usable challenge');
    }
    const login = { app: options.appObject, domain: '', sip: '', guid: '', dn: '' };
    const digest = appLoginDigest(login, challenge, options.password);
    const answer = await request({ mt: 'AppLogin', ...login, digest });
    if (answer['mt'] !== 'AppLoginResult' || answer['ok'] !== true) {
      throw new ConnectorError(
        'auth_failed',
        `the PBX refused the login of App object ${options.appObject} (name or password wrong)`,
      );
    }
  } catch (err) {
    ws.terminate();
    throw err;
  }
  return {
    request,
    close: () => {
      failAll(unavailable('connection closed by the hub'));
      ws.close(1000);
    },
  };
}

/** The answer of a PBX API request, or a ConnectorError naming what went wrong. */
export async function expectAnswer(
  connection: PbxConnection,
  message: PbxMessage,
  errorCode: 'invalid_data' | 'forbidden' | 'not_found' = 'invalid_data',
): Promise<PbxMessage> {
  const answer = await connection.request(message);
  const wanted = `${String(message['mt'])}Result`;
  if (answer['mt'] !== wanted) {
    const text = typeof answer['errorText'] === 'string' ? `: ${answer['errorText']}` : '';
    throw new ConnectorError(
      answer['mt'] === undefined ? 'invalid_data' : 'forbidden',
      `the PBX answered ${describe(message['api'])} ${describe(message['mt'])} with ${describe(answer['mt'])}${text} (is the API enabled on the App object?)`,
    );
  }
  if (answer['error'] !== undefined && answer['error'] !== false && answer['error'] !== null) {
    const text = typeof answer['errorText'] === 'string' ? answer['errorText'] : describe(answer['error']);
    throw new ConnectorError(errorCode, `${wanted}: ${text}`);
  }
  return answer;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}
