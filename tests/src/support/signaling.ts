import { WebSocket } from 'ws';
import { afterAll, beforeAll } from 'vitest';

import {
  SignalingClient,
  type JoinSuccess,
  type ReceivedFrame,
  type WebSocketConstructor,
} from '@vc/conference-core/signaling-client';

import { startApiHub, type ApiHub, type ApiHubOptions } from './api-hub.js';

export interface StartAnswer {
  readonly ticket: string;
  readonly signaling_url: string;
}

/** Who starts: a signed-in user (token) or a guest (invite code). */
export type Starter = { readonly token: string } | { readonly invite: string };

let nextIp = 1;

/** `POST /v1/rooms/{id}/start`; each call from its own address so attempt limits never interfere. */
export async function startRoom(
  api: Pick<ApiHub, 'call'>,
  roomId: string,
  who: Starter,
  password?: string,
): Promise<StartAnswer> {
  const ip = `10.9.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
  const res = await api.call(`/v1/rooms/${roomId}/start`, {
    method: 'POST',
    ...('token' in who ? { token: who.token } : {}),
    body: password === undefined ? {} : { password },
    headers: {
      'x-forwarded-for': ip,
      ...('invite' in who ? { authorization: `InviteCode ${who.invite}` } : {}),
    },
  });
  if (res.status !== 200) throw new Error(`start answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as StartAnswer;
}

export function connect(url: string): Promise<SignalingClient> {
  return SignalingClient.connect(url, { WebSocket: WebSocket as unknown as WebSocketConstructor });
}

/** Starts, connects and joins; resolves with the client and the first answer to `join`. */
export async function joinRoom(
  api: ApiHub,
  roomId: string,
  who: Starter,
  options: { display_name?: string; resumption?: string } = {},
): Promise<{ client: SignalingClient; answer: ReceivedFrame; me: JoinSuccess }> {
  const { signaling_url } = await startRoom(api, roomId, who);
  const client = await connect(signaling_url);
  const answer = await client.join(options);
  return { client, answer, me: answer.payload as unknown as JoinSuccess };
}

export async function createRoom(
  api: Pick<ApiHub, 'call'>,
  token: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await api.call('/v1/rooms', { method: 'POST', token, body });
  if (res.status !== 201) throw new Error(`create room answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function guestLink(api: ApiHub, token: string, roomId: string): Promise<string> {
  const res = await api.call(`/v1/rooms/${roomId}/invites`, { method: 'POST', token, body: {} });
  if (res.status !== 201) throw new Error(`invite answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { invite_code: string }).invite_code;
}

/** Resolves true when no frame matching arrives within `ms` (and leaves the inbox as it was). */
export async function nothingArrives(
  client: SignalingClient,
  namespace: string,
  message: string,
  ms = 300,
  where?: (payload: ReceivedFrame['payload']) => boolean,
): Promise<boolean> {
  try {
    const frame = await client.next(namespace, message, where, ms);
    throw new Error(`unexpected ${namespace}.${message}: ${JSON.stringify(frame.payload)}`);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('unexpected')) throw err;
    return true;
  }
}

export type { SignalingClient };

/**
 * One hub for a signaling suite, with Alice, Bob and Carol signed in once (their users exist), and
 * every client joined through `join` closed when the suite ends. Registers the suite's hooks, so
 * call it at the top level of the test file; the fields are set once `beforeAll` has run.
 */
export interface SignalingWorld {
  readonly api: ApiHub;
  readonly alice: string;
  readonly bob: string;
  readonly carol: string;
  readonly join: (
    roomId: string,
    who: Starter,
    options?: { display_name?: string; resumption?: string },
  ) => ReturnType<typeof joinRoom>;
  /** Closes this client too when the suite ends (for clients connected without `join`). */
  readonly track: (client: SignalingClient) => SignalingClient;
}

export function useSignalingWorld(
  env: Record<string, string>,
  hubOptions: Omit<ApiHubOptions, 'env'> = {},
): SignalingWorld {
  const open: SignalingClient[] = [];
  const state: { api?: ApiHub; tokens?: [string, string, string] } = {};
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the signaling world is used before beforeAll ran');
    return value;
  };
  beforeAll(async () => {
    const api = await startApiHub({ ...hubOptions, env });
    state.api = api;
    const tokens = await Promise.all([api.token('alice'), api.token('bob'), api.token('carol')]);
    state.tokens = tokens;
    await Promise.all(tokens.map((token) => api.call('/v1/users/me', { token })));
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
    await state.api?.stop();
  });
  return {
    get api() {
      return ready(state.api);
    },
    get alice() {
      return ready(state.tokens)[0];
    },
    get bob() {
      return ready(state.tokens)[1];
    },
    get carol() {
      return ready(state.tokens)[2];
    },
    join: async (roomId, who, options = {}) => {
      const joined = await joinRoom(ready(state.api), roomId, who, options);
      open.push(joined.client);
      return joined;
    },
    track: (client) => {
      open.push(client);
      return client;
    },
  };
}
