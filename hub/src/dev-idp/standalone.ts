import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';

import { silentLogger, type Logger } from '@vc/conference-core';

import { prepareDevIdp, type DevIdp } from './dev-idp.js';

export interface StandaloneDevIdpOptions {
  /** Keys and secrets live in `<dataDir>/dev-idp/`; the same folder gives the same keys. */
  readonly dataDir: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Loopback by default: this issuer knows everyone's password. */
  readonly host?: string;
  readonly realm?: string;
  readonly audience?: string;
  /** Default: the issuer's own origin. */
  readonly appUrl?: string;
  readonly callInSecret?: string;
  readonly accessTokenTtlSec?: number;
  readonly logger?: Logger;
}

export interface StandaloneDevIdp extends Omit<DevIdp, 'router'> {
  /** `http://<host>:<port>`: the realms are below it, as on a Keycloak server. */
  readonly url: string;
  readonly discoveryUrl: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  /** Stops listening and cuts open connections. */
  stop(): Promise<void>;
}

/**
 * The development issuer on its own HTTP server with Keycloak's layout
 * (`http://127.0.0.1:<port>/realms/<realm>/protocol/openid-connect/...`), for tests that need a
 * real issuer and for trying a client against it.
 */
export async function startDevIdp(options: StandaloneDevIdpOptions): Promise<StandaloneDevIdp> {
  const host = options.host ?? '127.0.0.1';
  const prepared = await prepareDevIdp({
    dataDir: options.dataDir,
    callInSecret: options.callInSecret,
    logger: options.logger ?? silentLogger,
  });
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const idp = prepared.mount({
    baseUrl: url,
    realm: options.realm ?? 'vc',
    audience: options.audience ?? 'vc-api',
    appUrl: options.appUrl ?? url,
    ...(options.accessTokenTtlSec === undefined ? {} : { accessTokenTtlSec: options.accessTokenTtlSec }),
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(idp.router);
  server.on('request', app);

  return {
    url,
    issuer: idp.issuer,
    realm: idp.realm,
    discoveryUrl: `${idp.issuer}/.well-known/openid-configuration`,
    tokenEndpoint: `${idp.issuer}/protocol/openid-connect/token`,
    jwksUri: `${idp.issuer}/protocol/openid-connect/certs`,
    publicJwks: () => idp.publicJwks(),
    clientSecret: (clientId) => idp.clientSecret(clientId),
    rotateSigningKey: () => idp.rotateSigningKey(),
    stop: () => close(server),
  };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err === undefined ? resolve() : reject(err)));
    server.closeAllConnections();
  });
}
