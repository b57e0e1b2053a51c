import { parseArgs } from 'node:util';

import * as oidc from 'openid-client';

import { formatConfigProblems, hubUrl, loadConfig, type HubConfig } from './config.js';
// The files themselves, not the dev-idp index: this command must not load the issuer and the core.
import { demoUserNamed, demoUserNames } from './dev-idp/demo-users.js';
import { devTokenClient } from './dev-idp/dev-token-client.js';
import { devIdpDirectory, readTokenCliSecret } from './dev-idp/state-store.js';

/**
 * `npm run token -- <user> [--tenant <slug>] [--url <hub URL>]`: prints a development access token
 * for a demo user, from the running hub's development issuer, so the API can be tried with curl.
 * The token goes to stdout alone (`TOKEN=$(npm run -s token -- alice)`); hints go to stderr.
 * Exit codes: 0 printed, 1 could not get one, 2 bad usage or configuration.
 *
 * It asks the issuer's token endpoint with a grant only the development issuer knows, as its
 * client `vc-dev-cli`, whose secret the hub keeps in DATA_DIR/dev-idp: whoever can read the hub's
 * data folder may mint demo tokens, nobody else.
 */
const usage = `Usage: npm run token -- <user> [--tenant <slug>] [--url <hub URL>]
  <user>      a demo user: ${demoUserNames.join(', ')}
  --tenant    put this tenant_id in the token (default: none, so the hub's DEFAULT_TENANT applies)
  --url       where the hub answers (default: PUBLIC_URL, else http://localhost:PORT)`;

function fail(message: string, exitCode = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(exitCode);
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  args = parse();
} catch (err) {
  fail(`${err instanceof Error ? err.message : String(err)}\n${usage}`, 2);
}
if (args.values.help === true) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const [username, ...extra] = args.positionals;
if (username === undefined || extra.length > 0) fail(usage, 2);
const tenant = args.values.tenant;
if (tenant !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(tenant)) {
  fail(`--tenant must be a lowercase slug (letters, digits, dashes), got ${JSON.stringify(tenant)}`, 2);
}

const loaded = loadConfig();
if (!loaded.ok) fail(formatConfigProblems(loaded.problems), 2);
const config: HubConfig = loaded.config;

if (!config.devIdp) {
  fail(
    `The development issuer is disabled in this configuration (${config.oidcIssuer === undefined ? 'DEV_IDP=off' : `OIDC_ISSUER=${config.oidcIssuer}`}), ` +
      'so there are no demo users. Get a token from your identity provider instead.',
  );
}
if (demoUserNamed(username) === undefined) {
  fail(`Unknown demo user ${JSON.stringify(username)}. Demo users: ${demoUserNames.join(', ')}.`);
}
const secret = readTokenCliSecret(config.dataDir);
if (secret === undefined) {
  fail(
    `No development issuer state in ${devIdpDirectory(config.dataDir)}. Start the hub first (npm start) ` +
      'with the same DATA_DIR as this command.',
  );
}
if (args.values.url === undefined && config.publicUrl === undefined && config.port === 0) {
  fail('PORT=0 lets the hub pick its port, so it cannot be guessed here: pass --url <hub URL>.', 2);
}
const base = (args.values.url ?? hubUrl(config, config.port)).replace(/\/+$/, '');
if (!URL.canParse(base)) fail(`--url must be a URL, got ${JSON.stringify(base)}`, 2);
const issuer = `${base}/idp/realms/${config.devIdpRealm}`;
const tokenEndpoint = `${issuer}/protocol/openid-connect/token`;

try {
  const response = await devTokenClient(issuer, secret).token(username, tenant);
  process.stdout.write(`${response.access_token}\n`);
  const minutes = Math.round((response.expires_in ?? 0) / 60);
  process.stderr.write(
    `# ${username}${tenant === undefined ? '' : ` in tenant ${tenant}`}, valid ${minutes} min. Use it as:\n` +
      `#   curl -H "Authorization: Bearer $TOKEN" ${base}/v1/...\n`,
  );
} catch (err) {
  fail(explain(err));
}

function explain(err: unknown): string {
  const clientRefused =
    `The hub at ${base} refused this command's client secret: it runs with another DATA_DIR than ` +
    `${config.dataDir}. Run this command with the hub's DATA_DIR.`;
  // oidc-provider answers a wrong client secret with 401 and a WWW-Authenticate challenge.
  if (err instanceof oidc.WWWAuthenticateChallengeError && err.status === 401) return clientRefused;
  if (err instanceof oidc.ResponseBodyError) {
    if (err.error === 'invalid_client') return clientRefused;
    if (err.error === 'unsupported_grant_type' || err.error === 'unauthorized_client') {
      return `The issuer at ${issuer} is not the hub's development issuer (${err.error}).`;
    }
    return `The development issuer refused: ${err.error_description ?? err.error}.`;
  }
  const status = responseStatus(err);
  if (status === 404) {
    return (
      `There is no development issuer at ${issuer} (HTTP 404): the running hub has DEV_IDP=off, ` +
      'OIDC_ISSUER set, or another DEV_IDP_REALM.'
    );
  }
  if (status !== undefined) return `The hub at ${base} answered HTTP ${status} at ${tokenEndpoint}.`;
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const reason =
    cause instanceof Error
      ? 'code' in cause && typeof cause.code === 'string'
        ? cause.code
        : cause.message
      : String(cause);
  return `The hub is not running at ${base} (tried ${tokenEndpoint}: ${reason}). Start it with npm start, or pass --url.`;
}

function responseStatus(err: unknown): number | undefined {
  if (!(err instanceof Error) || !(err.cause instanceof Response)) return undefined;
  return err.cause.status;
}
