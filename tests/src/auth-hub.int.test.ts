import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as oidc from 'openid-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { silentLogger } from '@vc/conference-core';

import { createTokenVerifier } from '@vc/conference-core';
import { AuthError, identityFromClaims } from '@vc/conference-core/testing';
import { parseConfig, startHub, type RunningHub } from '@vc/hub/testing';
import { freePort } from '../scripts/free-port.js';
import { startHubProcess, waitForStatus, type HubProcess } from './support/hub-process.js';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'vc-auth-hub-'));
const processes: HubProcess[] = [];
const inProcess: RunningHub[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((hub) => hub.stop('SIGKILL')));
  await Promise.all(inProcess.splice(0).map((hub) => hub.stop()));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
const freshDataDir = (): string => join(scratch, `data-${++folders}`);

async function startProcess(env: Record<string, string | undefined>): Promise<HubProcess> {
  const hub = await startHubProcess({ SHUTDOWN_TIMEOUT_MS: '2000', ...env });
  processes.push(hub);
  return hub;
}

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run -s token -- ...`, as a person types it, against the hub configured by `env`. */
function npmRunToken(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'token', '--', ...args], {
      cwd: root,
      // npm needs PATH and HOME, as support/hub-process.ts passes them to the hub; nothing else leaks in.
      // eslint-disable-next-line no-restricted-properties
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A browser's cookie jar, just enough for one sign-in: every cookie goes everywhere on the hub. */
function cookieFetch(): (url: string, init?: RequestInit) => Promise<Response> {
  const jar = new Map<string, string>();
  return async (url, init = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
}

function location(response: Response, base: string): string {
  const target = response.headers.get('location');
  if (target === null) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(target, base).href;
}

/**
 * Signs in through the hub's development issuer as a browser would: openid-client builds the
 * code + PKCE request, fetch follows the redirects and posts the login form, openid-client
 * redeems the code.
 */
async function signIn(hubUrl: string, username: string, password: string) {
  const config = await oidc.discovery(new URL(`${hubUrl}/idp/realms/vc`), 'vc-web', undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const redirectUri = `${hubUrl}/auth/callback`;
  const authorizationUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
  });
  const browse = cookieFetch();
  const loginUrl = location(await browse(authorizationUrl.href), authorizationUrl.href);
  const page = await browse(loginUrl);
  const html = await page.text();
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (action === undefined) throw new Error('no login form');
  const submitted = await browse(new URL(action.replaceAll('&amp;', '&'), loginUrl).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  });
  if (submitted.status !== 303) return { refused: submitted } as const;
  let next = location(submitted, loginUrl);
  for (let hops = 0; !next.startsWith(redirectUri); hops++) {
    if (hops > 5) throw new Error(`too many redirects, at ${next}`);
    next = location(await browse(next), next);
  }
  const tokens = await oidc.authorizationCodeGrant(config, new URL(next), {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
  });
  return { tokens } as const;
}

describe('authentication in the running hub', () => {
  it('serves the development issuer at /idp with Keycloak-shaped paths', async () => {
    const hub = await startProcess({ DATA_DIR: freshDataDir() });
    await waitForStatus(`${hub.url}/healthz`, 200);
    const issuer = `${hub.url}/idp/realms/vc`;
    const discovery = await waitForStatus(`${issuer}/.well-known/openid-configuration`, 200);
    const metadata = (await discovery.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
      token_endpoint: `${issuer}/protocol/openid-connect/token`,
      jwks_uri: `${issuer}/protocol/openid-connect/certs`,
      userinfo_endpoint: `${issuer}/protocol/openid-connect/userinfo`,
      end_session_endpoint: `${issuer}/protocol/openid-connect/logout`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(metadata['grant_types_supported']).toEqual(
      expect.arrayContaining(['authorization_code', 'client_credentials']),
    );
    const certs = (await (await fetch(`${issuer}/protocol/openid-connect/certs`)).json()) as {
      keys: object[];
    };
    expect(certs.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    expect(JSON.stringify(certs)).not.toMatch(/"d"|"p"|"q"/);
    await hub.waitForOutput(/development issuer at http:\/\/127\.0\.0\.1:\d+\/idp\/realms\/vc/);
    expect(hub.output()).not.toContain('oidc-provider WARNING');
    expect((await fetch(`${hub.url}/idp/realms/nope/.well-known/openid-configuration`)).status).toBe(404);
  });

  it('signs a demo user in with code + PKCE and the hub accepts the access token', async () => {
    const loaded = parseConfig({ DATA_DIR: freshDataDir(), PORT: '0', HOST: '127.0.0.1' });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const hub = await startHub(loaded.config, silentLogger);
    inProcess.push(hub);
    expect(hub.devIdpIssuer).toBe(`${hub.url}/idp/realms/vc`);

    const wrong = await signIn(hub.url, 'alice', 'not-the-password');
    expect(wrong.refused?.status).toBe(401);
    expect(await wrong.refused?.text()).toMatch(/Unknown user or wrong password|Unbekannter Benutzer/);

    const { tokens } = await signIn(hub.url, 'alice', 'demo');
    if (tokens === undefined) throw new Error('sign-in refused');
    expect(tokens.claims()).toMatchObject({
      iss: hub.devIdpIssuer,
      aud: 'vc-web',
      email: 'alice@example.test',
    });
    const principal = await hub.auth.authenticate(`Bearer ${tokens.access_token}`);
    expect(principal).toMatchObject({
      kind: 'user',
      email: 'alice@example.test',
      username: 'alice',
      tenant: 'default',
    });
    expect(principal.kind === 'user' && principal.realmRoles).toContain('tenant-admin');
    await expect(hub.auth.authenticate(`Bearer ${tokens.id_token ?? ''}`)).rejects.toMatchObject({
      code: 'wrong_audience',
    });
    await expect(hub.auth.authenticate('InviteCode 0b8a3c9e-2f61-4d4e-9a43-5a7c1f0e9d21')).resolves.toEqual({
      kind: 'guest',
      inviteCode: '0b8a3c9e-2f61-4d4e-9a43-5a7c1f0e9d21',
    });
    await expect(hub.auth.authenticate(undefined)).rejects.toBeInstanceOf(AuthError);
  });

  it('prints a token with npm run token that verifies, and explains what goes wrong', async () => {
    const dataDir = freshDataDir();
    const port = String(await freePort());
    const env = { DATA_DIR: dataDir, PORT: port };

    const notRunning = await npmRunToken(['alice'], env);
    expect(notRunning.code).toBe(1);
    expect(notRunning.stderr).toContain('No development issuer state in');

    const hub = await startProcess(env);
    await waitForStatus(`${hub.url}/healthz`, 200);
    await hub.waitForOutput(/development issuer at/);

    const printed = await npmRunToken(['alice'], env);
    expect(printed.code).toBe(0);
    const token = printed.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const verifier = createTokenVerifier({ issuer: `${hub.url}/idp/realms/vc`, audience: 'vc-api' });
    const verified = await verifier.verify(token);
    expect(identityFromClaims(verified.claims, { defaultTenant: 'default' })).toMatchObject({
      kind: 'user',
      email: 'alice@example.test',
      tenant: 'default',
    });

    const withTenant = await npmRunToken(['bob', '--tenant', 'acme'], env);
    const bob = await verifier.verify(withTenant.stdout.trim());
    expect(identityFromClaims(bob.claims, { defaultTenant: 'default' })).toMatchObject({
      tenant: 'acme',
      email: 'bob@example.test',
    });

    const unknown = await npmRunToken(['mallory'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('Demo users: alice, bob, carol');

    const disabled = await npmRunToken(['alice'], {
      ...env,
      DEV_IDP: 'off',
      OIDC_ISSUER: 'https://idp.example.test/realms/x',
    });
    expect(disabled.code).toBe(1);
    expect(disabled.stderr).toContain('The development issuer is disabled');

    await hub.stop('SIGTERM');
    const stopped = await npmRunToken(['alice'], env);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain(`The hub is not running at http://127.0.0.1:${port}`);
  });

  it('refuses to run the development issuer in cluster mode unless DEV_IDP=on', async () => {
    // Unreachable backends: the configuration is decided before anything connects.
    const cluster = {
      DATA_DIR: freshDataDir(),
      DATABASE_URL: 'postgres://vc@127.0.0.1:1/vc',
      REDIS_URL: 'redis://127.0.0.1:1',
    };
    const refused = await startProcess(cluster);
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toMatch(/OIDC_ISSUER: required in cluster mode .*DEV_IDP=on/);

    const explicit = await startProcess({ ...cluster, DEV_IDP: 'on' });
    await waitForStatus(`${explicit.url}/idp/realms/vc/.well-known/openid-configuration`, 200);
    await explicit.waitForOutput(/the development issuer runs in cluster mode/);

    const external = await startProcess({ ...cluster, OIDC_ISSUER: 'https://idp.example.test/realms/ucs' });
    await waitForStatus(`${external.url}/healthz`, 200);
    expect((await fetch(`${external.url}/idp/realms/vc/.well-known/openid-configuration`)).status).toBe(404);
  });

  it('keeps its signing keys across a restart: a token minted before verifies after', async () => {
    const dataDir = freshDataDir();
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()) };
    const first = await startProcess(env);
    await waitForStatus(`${first.url}/healthz`, 200);
    await first.waitForOutput(/development issuer at/);
    const minted = await npmRunToken(['carol'], env);
    expect(minted.code).toBe(0);
    expect(await first.stop('SIGTERM')).toBe(0);

    const keyFile = statSync(join(dataDir, 'dev-idp', 'signing-keys.json'));
    expect(keyFile.mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'dev-idp', 'secrets.json')).mode & 0o777).toBe(0o600);

    const second = await startProcess(env);
    await waitForStatus(`${second.url}/healthz`, 200);
    const verifier = createTokenVerifier({ issuer: `${second.url}/idp/realms/vc`, audience: 'vc-api' });
    await expect(verifier.verify(minted.stdout.trim())).resolves.toMatchObject({
      claims: { email: 'carol@example.test' },
    });
  });
});
