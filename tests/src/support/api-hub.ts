import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { silentLogger, type ConferenceAudio } from '@vc/conference-core';
import type { ConnectorDefinition } from '@vc/connector-sdk';

import { parseConfig, devTokenClient, readTokenCliSecret, startHub, type RunningHub } from '@vc/hub/testing';
import { waitForStatus } from './hub-process.js';
import { adminQuery, databaseUrl } from './postgres-admin.js';

/**
 * A hub in this process on its embedded defaults, with response checking on, and real access
 * tokens from its development issuer (the same grant `npm run token` uses).
 */
export interface ApiHub {
  readonly url: string;
  readonly hub: RunningHub;
  /** The PostgreSQL database of this hub (dropped by `stop()`); undefined on PGlite. */
  readonly database: string | undefined;
  token(user: string, tenant?: string): Promise<string>;
  /** fetch against the hub with a JSON body and, when given, a bearer token. */
  call(
    path: string,
    init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  stop(): Promise<void>;
}

/** Where the hub keeps its data: embedded PGlite (the default) or a fresh PostgreSQL database. */
export type ApiBackend = 'pglite' | 'postgres';

export interface ApiHubOptions {
  readonly backend?: ApiBackend;
  /** Environment overrides for the hub's configuration. */
  readonly env?: Record<string, string>;
  /** The connectors the hub offers instead of its registry (fakes a test controls). */
  readonly connectors?: readonly ConnectorDefinition[];
  /** The meeting audio phone calls join (the SIP tests pass a real Janus or a plain-RTP mixer). */
  readonly conferenceAudio?: ConferenceAudio;
}

/**
 * `startApiHub(env)` runs the hub embedded (PGlite) with those overrides; `startApiHub({ backend:
 * 'postgres', env })` runs it in cluster mode on a database of its own, `vc_api_<random>`, which
 * `stop()` drops again.
 */
export async function startApiHub(options: Record<string, string> | ApiHubOptions = {}): Promise<ApiHub> {
  const { backend, env, connectors, conferenceAudio } = isOptions(options)
    ? options
    : { backend: undefined, env: options, connectors: undefined, conferenceAudio: undefined };
  let database: string | undefined;
  const clusterEnv: Record<string, string> = {};
  if (backend === 'postgres') {
    database = `vc_api_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database ${database}`);
    clusterEnv['DATABASE_URL'] = databaseUrl(database);
    clusterEnv['DEV_IDP'] = 'on';
  }
  try {
    return await startOn(database, { ...clusterEnv, ...env }, { connectors, conferenceAudio });
  } catch (error) {
    if (database !== undefined) await adminQuery(`drop database if exists ${database} with (force)`);
    throw error;
  }
}

function isOptions(options: Record<string, string> | ApiHubOptions): options is ApiHubOptions {
  // Environment variable names are upper case, so these keys never name an override.
  return 'backend' in options || 'env' in options || 'connectors' in options || 'conferenceAudio' in options;
}

async function startOn(
  database: string | undefined,
  env: Record<string, string> | undefined,
  parts: {
    connectors: readonly ConnectorDefinition[] | undefined;
    conferenceAudio: ConferenceAudio | undefined;
  },
): Promise<ApiHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vc-api-'));
  const parsed = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    API_VALIDATE_RESPONSES: 'true',
    LOG_LEVEL: 'silent',
    // Media tests ask for it; the others need no Janus.
    MEDIA: 'off',
    ...env,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const hub = await startHub(parsed.config, silentLogger, {
    ...(parts.connectors === undefined ? {} : { connectors: parts.connectors }),
    ...(parts.conferenceAudio === undefined ? {} : { conferenceAudio: parts.conferenceAudio }),
  });
  const issuer = hub.devIdpIssuer;
  const secret = readTokenCliSecret(dataDir);
  if (issuer === undefined || secret === undefined) throw new Error('the development issuer is not running');
  const tokens = devTokenClient(issuer, secret);
  // Wait until the schema is in place (migrations run in the background). PGlite opens in the
  // background and holds the event loop while it initialises, so a kept-alive connection can be
  // closed under a request that was sent meanwhile: a reset is "not yet", like a 503.
  await waitForStatus(`${hub.url}/readyz`, 200, 55_000);
  return {
    url: hub.url,
    hub,
    database,
    async token(user, tenant) {
      return (await tokens.token(user, tenant)).access_token;
    },
    call(path, init = {}) {
      return fetch(`${hub.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    },
    async stop() {
      await hub.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (database !== undefined) await adminQuery(`drop database if exists ${database} with (force)`);
    },
  };
}
