import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

/**
 * The hub's one configuration: parsed from the environment once at start, every problem reported
 * at once, then passed down frozen. Every setting is listed with its default in `.env.example`;
 * keep the two in step (a unit test checks it).
 */

export const roles = ['api', 'signaling', 'worker', 'sip'] as const;
export type Role = (typeof roles)[number];

/** auto: the development issuer runs in embedded mode when OIDC_ISSUER is unset; on/off force it. */
const devIdpModes = ['auto', 'on', 'off'] as const;

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` });

const urlWithScheme = (schemes: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `expected a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`,
  );

/** Empty strings count as unset, so `FOO=` in a .env file means "use the default". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const envSchema = z.object({
  PORT: z.preprocess((v) => (v === '' ? undefined : v), integer(0, 65535).default(8080)),
  HOST: optional(z.string().min(1)).transform((v) => v ?? '0.0.0.0'),
  PUBLIC_URL: optional(urlWithScheme(['http:', 'https:'])),
  ROLES: optional(z.string())
    .transform((v) => (v ?? roles.join(',')).split(',').map((r) => r.trim()))
    .pipe(
      z
        .array(z.enum(roles, { error: `expected a comma-separated list of ${roles.join(', ')}` }))
        .min(1, { error: 'expected at least one role' }),
    ),
  DATA_DIR: optional(z.string().min(1)).transform((v) => v ?? './data'),
  DATABASE_URL: optional(urlWithScheme(['postgres:', 'postgresql:'])),
  DATABASE_POOL_SIZE: z.preprocess((v) => (v === '' ? undefined : v), integer(1, 200).default(10)),
  REDIS_URL: optional(urlWithScheme(['redis:', 'rediss:'])),
  DEFAULT_TENANT: optional(
    z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
      error: 'expected a lowercase slug (letters, digits, dashes)',
    }),
  ).transform((v) => v ?? 'default'),
  LOG_LEVEL: optional(z.enum(logLevels, { error: `expected one of ${logLevels.join(', ')}` })).transform(
    (v) => v ?? 'info',
  ),
  LOG_FORMAT: optional(
    z.enum(['auto', 'json', 'pretty'], { error: 'expected auto, json or pretty' }),
  ).transform((v) => v ?? 'auto'),
  SHUTDOWN_TIMEOUT_MS: z.preprocess((v) => (v === '' ? undefined : v), integer(0, 600_000).default(10_000)),
  OIDC_ISSUER: optional(urlWithScheme(['http:', 'https:'])),
  OIDC_AUDIENCE: optional(
    z.string().regex(/^\S{1,200}$/, { error: 'expected one audience value without spaces' }),
  ).transform((v) => v ?? 'vc-api'),
  OIDC_CLIENT_ID: optional(
    z.string().regex(/^\S{1,200}$/, { error: 'expected a client id without spaces' }),
  ).transform((v) => v ?? 'vc-web'),
  API_VALIDATE_RESPONSES: optional(z.enum(['true', 'false'], { error: 'expected true or false' })).transform(
    (v) => v === 'true',
  ),
  DEV_IDP: optional(z.enum(devIdpModes, { error: `expected one of ${devIdpModes.join(', ')}` })).transform(
    (v) => v ?? 'auto',
  ),
  DEV_IDP_REALM: optional(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'expected a lowercase slug (letters, digits, dashes)' }),
  ).transform((v) => v ?? 'vc'),
  DEV_IDP_CALL_IN_SECRET: optional(z.string().min(16, { error: 'expected at least 16 characters' })),
  SMTP_URL: optional(urlWithScheme(['smtp:', 'smtps:'])),
  SMTP_POOL_SIZE: z.preprocess((v) => (v === '' ? undefined : v), integer(1, 100).default(5)),
  MAIL_FROM: optional(
    z.string().regex(/^[^\r\n<>]*<[^\s<>@]+@[^\s<>@]+>$|^[^\s<>@]+@[^\s<>@]+$/, {
      error: 'expected an address like noreply@example.org or "vc-hub <noreply@example.org>"',
    }),
  ).transform((v) => v ?? 'vc-hub <noreply@localhost>'),
  MAIL_DEFAULT_LANGUAGE: optional(z.enum(['de', 'en'], { error: 'expected de or en' })).transform(
    (v) => v ?? 'en',
  ),
  MAIL_DIAL_IN_NUMBER: optional(
    z.string().regex(/^\+?[0-9 ()/-]{3,40}$/, { error: 'expected a phone number like +49 30 1234567' }),
  ),
  MAIL_MAX_ATTEMPTS: z.preprocess((v) => (v === '' ? undefined : v), integer(1, 50).default(8)),
  MAIL_RETRY_DELAY_MS: z.preprocess((v) => (v === '' ? undefined : v), integer(0, 3_600_000).default(5000)),
  MAIL_RETENTION_DAYS: z.preprocess((v) => (v === '' ? undefined : v), integer(0, 3650).default(90)),
  MAIL_SWEEP_INTERVAL_MS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    integer(100, 86_400_000).default(60_000),
  ),
  DKIM_DOMAIN: optional(z.string().regex(/^[A-Za-z0-9.-]+$/, { error: 'expected a domain name' })),
  DKIM_SELECTOR: optional(z.string().regex(/^[A-Za-z0-9._-]+$/, { error: 'expected a DNS label' })),
  DKIM_PRIVATE_KEY_FILE: optional(
    z.string().refine((path) => existsSync(path), { error: 'the file does not exist' }),
  ),
  SIGNALING_PUBLIC_URL: optional(urlWithScheme(['http:', 'https:', 'ws:', 'wss:'])),
  SIGNALING_RECONNECT_GRACE_MS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    integer(0, 600_000).default(30_000),
  ),
  SIGNALING_PING_INTERVAL_MS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    integer(100, 600_000).default(20_000),
  ),
  SIGNALING_NODE_TTL_MS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    integer(300, 600_000).default(10_000),
  ),
  SIGNALING_REDIS_PREFIX: optional(
    z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/, { error: 'expected letters, digits, ":", "_" or "-"' }),
  ).transform((v) => v ?? 'vc-signaling'),
  CONNECTOR_SECRET_KEY: optional(
    z.string().refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(v), {
      error: 'expected 32 random bytes in base64 (openssl rand -base64 32)',
    }),
  ),
  SYNC_GUARD_SHARE: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number({ error: 'expected a number from 0 to 1' })
      .min(0, { error: 'expected a number from 0 to 1' })
      .max(1, { error: 'expected a number from 0 to 1' })
      .default(0.1),
  ),
  SYNC_RETENTION_DAYS: z.preprocess((v) => (v === '' ? undefined : v), integer(0, 3650).default(30)),
  SYNC_LEASE_MS: z.preprocess((v) => (v === '' ? undefined : v), integer(1000, 3_600_000).default(60_000)),
  SYNC_MAX_RETRIES: z.preprocess((v) => (v === '' ? undefined : v), integer(0, 100).default(5)),
  SYNC_PUSH_POLL_MS: z.preprocess((v) => (v === '' ? undefined : v), integer(0, 3_600_000).default(5000)),
  MEDIA: optional(z.enum(['auto', 'off'], { error: 'expected auto or off' })).transform((v) => v ?? 'auto'),
  JANUS_URLS: optional(z.string())
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
    )
    .pipe(z.array(urlWithScheme(['ws:', 'wss:']))),
  JANUS_API_SECRET: optional(z.string().min(1)),
  JANUS_ADMIN_KEY: optional(z.string().min(1)),
  JANUS_BINARY: optional(z.string().min(1)),
  STUN_URLS: optional(z.string())
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
    )
    .pipe(
      z.array(z.string().regex(/^stuns?:\S+$/, { error: 'expected stun:host[:port] URLs, comma-separated' })),
    ),
  TURN_URLS: optional(z.string())
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
    )
    .pipe(
      z.array(z.string().regex(/^turns?:\S+$/, { error: 'expected turn:host[:port] URLs, comma-separated' })),
    ),
  TURN_SECRET: optional(z.string().min(16, { error: 'expected at least 16 characters' })),
  TURN_TTL_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), integer(60, 86_400).default(3600)),
  SIP_PORT: z.preprocess((v) => (v === '' ? undefined : v), integer(0, 65535).default(0)),
  SIP_HOST: optional(z.string().min(1)).transform((v) => v ?? '0.0.0.0'),
  SIP_PUBLIC_ADDRESS: optional(
    z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, { error: 'expected an IPv4 address callers can reach' }),
  ),
  SIP_TRANSPORTS: optional(z.string())
    .transform((v) => (v ?? 'udp,tcp').split(',').map((t) => t.trim()))
    .pipe(
      z
        .array(z.enum(['udp', 'tcp'], { error: 'expected udp, tcp or udp,tcp' }))
        .min(1, { error: 'expected udp, tcp or udp,tcp' }),
    ),
  SIP_RTP_PORTS: optional(
    z.string().regex(/^\d{4,5}-\d{4,5}$/, { error: 'expected a port range like 40000-40999' }),
  )
    .transform((v) => (v ?? '40000-40999').split('-').map(Number) as [number, number])
    .refine(([min, max]) => min >= 1024 && max <= 65535 && max - min >= 7, {
      error: 'expected a range within 1024-65535 holding at least two calls (a call takes two even ports)',
    }),
  SIP_LANGUAGE: optional(z.enum(['de', 'en'], { error: 'expected de or en' })).transform((v) => v ?? 'en'),
  SIP_MAX_ATTEMPTS: z.preprocess((v) => (v === '' ? undefined : v), integer(1, 10).default(3)),
  SIP_MAX_CALLS: z.preprocess((v) => (v === '' ? undefined : v), integer(1, 10_000).default(100)),
  SIP_INVITES_PER_SECOND: z.preprocess((v) => (v === '' ? undefined : v), integer(1, 1000).default(2)),
  SIP_RTP_TIMEOUT: z.preprocess((v) => (v === '' ? undefined : v), integer(0, 3600).default(60)),
  SIP_API_URL: optional(urlWithScheme(['http:', 'https:'])),
  SIP_CLIENT_ID: optional(
    z.string().regex(/^\S{1,200}$/, { error: 'expected a client id without spaces' }),
  ).transform((v) => v ?? 'vc-call-in'),
  SIP_CLIENT_SECRET: optional(z.string().min(1)),
  SIP_TOKEN_URL: optional(urlWithScheme(['http:', 'https:'])),
  SIP_REGISTRAR: optional(
    z.string().regex(/^sips?:\S+$/, { error: 'expected a SIP URI like sip:pbx.example.org' }),
  ),
  SIP_AOR: optional(
    z.string().regex(/^sips?:[^@\s]+@\S+$/, { error: 'expected a SIP URI like sip:dialin@pbx.example.org' }),
  ),
  SIP_USERNAME: optional(z.string().min(1)),
  SIP_PASSWORD: optional(z.string().min(1)),
  SIP_REGISTER_EXPIRES: z.preprocess((v) => (v === '' ? undefined : v), integer(60, 86_400).default(300)),
  UCS_CONNECTOR_FILE: optional(z.string().min(1)),
  UCS_CONNECTOR_FILE_POLL_MS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    integer(0, 86_400_000).default(15_000),
  ),
});

/**
 * Which issuer the API trusts, decided across variables. The development issuer knows every demo
 * user's password, so it never starts in cluster mode (production) by default, and exactly one
 * issuer is trusted: with none, nobody could sign in; with two, tokens of one would be refused.
 */
const checkedEnvSchema = envSchema.superRefine((e, ctx) => {
  const dkim = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY_FILE].filter((v) => v !== undefined);
  if (dkim.length !== 0 && dkim.length !== 3) {
    ctx.addIssue({
      code: 'custom',
      path: ['DKIM_DOMAIN'],
      message: 'DKIM signing needs all of DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE, or none',
    });
  }
  const cluster = e.DATABASE_URL !== undefined || e.REDIS_URL !== undefined;
  if (
    e.SIP_PORT > 0 &&
    (e.SIP_HOST === '0.0.0.0' || e.SIP_HOST === '::') &&
    e.SIP_PUBLIC_ADDRESS === undefined
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['SIP_PUBLIC_ADDRESS'],
      message:
        'required when SIP_PORT is set and SIP_HOST listens on every address: the IPv4 address callers reach',
    });
  }
  const registration = [e.SIP_REGISTRAR, e.SIP_AOR, e.SIP_USERNAME, e.SIP_PASSWORD].filter(
    (v) => v !== undefined,
  );
  if (registration.length !== 0 && registration.length !== 4) {
    ctx.addIssue({
      code: 'custom',
      path: ['SIP_REGISTRAR'],
      message: 'registration needs all of SIP_REGISTRAR, SIP_AOR, SIP_USERNAME and SIP_PASSWORD, or none',
    });
  }
  if (e.DEV_IDP === 'off' && e.OIDC_ISSUER === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DEV_IDP'],
      message:
        'DEV_IDP=off needs OIDC_ISSUER: without the development issuer, tokens must come from an external one',
    });
  }
  if (e.DEV_IDP === 'on' && e.OIDC_ISSUER !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DEV_IDP'],
      message: 'DEV_IDP=on and OIDC_ISSUER are both set, but the API trusts one issuer: unset one of them',
    });
  }
  if (e.DEV_IDP === 'auto' && cluster && e.OIDC_ISSUER === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['OIDC_ISSUER'],
      message:
        'required in cluster mode (DATABASE_URL or REDIS_URL set): name your OIDC issuer, e.g. https://<host>/realms/ucs; ' +
        'DEV_IDP=on runs the development issuer there instead, for testing only',
    });
  }
});

/** The names of every environment variable the hub reads. */
export const configVariables: readonly string[] = Object.keys(envSchema.shape);

/** Settings whose values never appear in a message or a log line. */
const secretVariables = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'DEV_IDP_CALL_IN_SECRET',
  'SMTP_URL',
  'CONNECTOR_SECRET_KEY',
  'JANUS_API_SECRET',
  'JANUS_ADMIN_KEY',
  'TURN_SECRET',
  'SIP_CLIENT_SECRET',
  'SIP_PASSWORD',
]);

export interface HubConfig {
  readonly port: number;
  readonly host: string;
  /** The address people use to reach the hub; printed at start and used in links. */
  readonly publicUrl: string | undefined;
  readonly roles: readonly Role[];
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly redisUrl: string | undefined;
  readonly defaultTenant: string;
  readonly logLevel: (typeof logLevels)[number];
  readonly logFormat: 'json' | 'pretty';
  readonly shutdownTimeoutMs: number;
  /** The external issuer the API trusts; undefined when the development issuer is used. */
  readonly oidcIssuer: string | undefined;
  /** The `aud` (or Keycloak `azp`) the API's tokens must carry. */
  readonly oidcAudience: string;
  /** The public client the web app signs in with (`GET /v1/auth/login`). */
  readonly oidcClientId: string;
  /** Check every API response against its OpenAPI schema (tests; costs time in production). */
  readonly apiValidateResponses: boolean;
  /** Whether the built-in development issuer runs at `/idp` (and the API trusts it). */
  readonly devIdp: boolean;
  readonly devIdpRealm: string;
  /** Secret of the development issuer's `vc-call-in` client; undefined: generated into DATA_DIR. */
  readonly devIdpCallInSecret: string | undefined;
  readonly mail: MailConfig;
  /** AES-256 key for connector secrets at rest; undefined: generated once into DATA_DIR. */
  readonly connectorSecretKey: string | undefined;
  /** Default share of an instance's linked users a sync run may deactivate without approval. */
  readonly syncGuardShare: number;
  /** Days a user deactivated by a sync is kept before deletion. */
  readonly syncRetentionDays: number;
  /** A running sync run whose worker has not reported for this long is taken over (crash resume). */
  readonly syncLeaseMs: number;
  /** Retries of a retryable connector error (rate limited, upstream unavailable) within one run. */
  readonly syncMaxRetries: number;
  /** How often connectors with pushed changes (UCS listener files) are asked for them; 0: never. */
  readonly syncPushPollMs: number;
  /** The connector description a package's join script writes (UCS: DATA_DIR/ucs-connector.json). */
  readonly ucsConnectorFile: string;
  /** How often that file is looked at again after start; 0: only at start. */
  readonly ucsConnectorFilePollMs: number;
  readonly media: MediaConfig;
  /** Where clients reach this node's signaling; undefined: the hub's own URL. */
  readonly signalingPublicUrl: string | undefined;
  /** How long a participant whose connection dropped keeps its place and role. */
  readonly signalingReconnectGraceMs: number;
  /** WebSocket ping interval; a connection that misses one pong is closed. */
  readonly signalingPingIntervalMs: number;
  /** Cluster mode: a signaling node silent for this long is dead and its rooms move on the next start. */
  readonly signalingNodeTtlMs: number;
  /** Key prefix of the node registry in Redis; deployments sharing one Redis use different ones. */
  readonly signalingRedisPrefix: string;
  readonly sip: SipConfig;
}

export interface SipConfig {
  /** 0: the SIP edge is off (also when the `sip` role is not run here). */
  readonly port: number;
  readonly host: string;
  /** How callers reach us: Via, Contact and the RTP address of our SDP. Default: SIP_HOST. */
  readonly publicAddress: string;
  readonly udp: boolean;
  readonly tcp: boolean;
  readonly rtpPorts: readonly [number, number];
  readonly language: 'de' | 'en';
  readonly maxAttempts: number;
  readonly maxCalls: number;
  /** New calls per second from one source address (burst: ten times that, at least 20). */
  readonly invitesPerSecond: number;
  /** Seconds without RTP from a caller (not on hold) before the gateway hangs up; 0: never. */
  readonly rtpTimeoutSec: number;
  /** The core API the gateway calls; undefined: this hub's own URL. */
  readonly apiUrl: string | undefined;
  readonly clientId: string;
  /** undefined: the development issuer's `vc-call-in` secret (when it runs here). */
  readonly clientSecret: string | undefined;
  /** undefined: `<issuer>/protocol/openid-connect/token` (Keycloak's layout, and ours). */
  readonly tokenUrl: string | undefined;
  readonly registration:
    | {
        readonly registrar: string;
        readonly aor: string;
        readonly username: string;
        readonly password: string;
        readonly expiresSec: number;
      }
    | undefined;
}

export interface MediaConfig {
  /** off: no media; auto: JANUS_URLS, else a local janus started by the hub, else unavailable. */
  readonly mode: 'auto' | 'off';
  readonly janusUrls: readonly string[];
  readonly janusApiSecret: string | undefined;
  readonly janusAdminKey: string | undefined;
  readonly janusBinary: string | undefined;
  readonly stunUrls: readonly string[];
  readonly turnUrls: readonly string[];
  /** coturn's static-auth-secret; TURN credentials are minted per participant from it. */
  readonly turnSecret: string | undefined;
  readonly turnTtlSeconds: number;
}

export interface MailConfig {
  /** Unset: mail is written to DATA_DIR/mail-outbox as .eml files (embedded mode). */
  readonly smtpUrl: string | undefined;
  readonly smtpPoolSize: number;
  readonly from: string;
  readonly defaultLanguage: 'de' | 'en';
  readonly dialInNumber: string | undefined;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  /** Days sent and dead mail is kept (0: for ever). */
  readonly retentionDays: number;
  /** How often the worker sends again what a lost job left undone (a Redis that lost its data). */
  readonly sweepIntervalMs: number;
  readonly dkim:
    { readonly domain: string; readonly selector: string; readonly privateKeyFile: string } | undefined;
}

export type ConfigResult = { ok: true; config: HubConfig } | { ok: false; problems: string[] };

/** Parses an environment; pure, so tests pass their own record. */
export function parseConfig(
  env: Record<string, string | undefined>,
  /** Whether standard output is a terminal: `LOG_FORMAT=auto` then means pretty, else JSON. */
  stdoutIsTerminal = false,
): ConfigResult {
  const parsed = checkedEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const raw = env[variable];
      const shown = raw === undefined || secretVariables.has(variable) ? '' : ` (got ${JSON.stringify(raw)})`;
      return `${variable}: ${issue.message}${shown}`;
    });
    return { ok: false, problems };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: Object.freeze({
      port: e.PORT,
      host: e.HOST,
      publicUrl: e.PUBLIC_URL,
      roles: Object.freeze([...new Set(e.ROLES)]),
      dataDir: e.DATA_DIR,
      databaseUrl: e.DATABASE_URL,
      databasePoolSize: e.DATABASE_POOL_SIZE,
      redisUrl: e.REDIS_URL,
      defaultTenant: e.DEFAULT_TENANT,
      logLevel: e.LOG_LEVEL,
      logFormat: e.LOG_FORMAT === 'auto' ? (stdoutIsTerminal ? 'pretty' : 'json') : e.LOG_FORMAT,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      oidcIssuer: e.OIDC_ISSUER,
      oidcAudience: e.OIDC_AUDIENCE,
      oidcClientId: e.OIDC_CLIENT_ID,
      apiValidateResponses: e.API_VALIDATE_RESPONSES,
      devIdp: e.DEV_IDP === 'on' || (e.DEV_IDP === 'auto' && e.OIDC_ISSUER === undefined),
      devIdpRealm: e.DEV_IDP_REALM,
      devIdpCallInSecret: e.DEV_IDP_CALL_IN_SECRET,
      mail: Object.freeze({
        smtpUrl: e.SMTP_URL,
        smtpPoolSize: e.SMTP_POOL_SIZE,
        from: e.MAIL_FROM,
        defaultLanguage: e.MAIL_DEFAULT_LANGUAGE,
        dialInNumber: e.MAIL_DIAL_IN_NUMBER,
        maxAttempts: e.MAIL_MAX_ATTEMPTS,
        retryDelayMs: e.MAIL_RETRY_DELAY_MS,
        retentionDays: e.MAIL_RETENTION_DAYS,
        sweepIntervalMs: e.MAIL_SWEEP_INTERVAL_MS,
        dkim:
          e.DKIM_DOMAIN !== undefined &&
          e.DKIM_SELECTOR !== undefined &&
          e.DKIM_PRIVATE_KEY_FILE !== undefined
            ? { domain: e.DKIM_DOMAIN, selector: e.DKIM_SELECTOR, privateKeyFile: e.DKIM_PRIVATE_KEY_FILE }
            : undefined,
      }),
      signalingPublicUrl: e.SIGNALING_PUBLIC_URL,
      signalingReconnectGraceMs: e.SIGNALING_RECONNECT_GRACE_MS,
      signalingPingIntervalMs: e.SIGNALING_PING_INTERVAL_MS,
      signalingNodeTtlMs: e.SIGNALING_NODE_TTL_MS,
      signalingRedisPrefix: e.SIGNALING_REDIS_PREFIX,
      sip: Object.freeze({
        port: e.SIP_PORT,
        host: e.SIP_HOST,
        publicAddress: e.SIP_PUBLIC_ADDRESS ?? e.SIP_HOST,
        udp: e.SIP_TRANSPORTS.includes('udp'),
        tcp: e.SIP_TRANSPORTS.includes('tcp'),
        rtpPorts: e.SIP_RTP_PORTS,
        language: e.SIP_LANGUAGE,
        maxAttempts: e.SIP_MAX_ATTEMPTS,
        maxCalls: e.SIP_MAX_CALLS,
        invitesPerSecond: e.SIP_INVITES_PER_SECOND,
        rtpTimeoutSec: e.SIP_RTP_TIMEOUT,
        apiUrl: e.SIP_API_URL,
        clientId: e.SIP_CLIENT_ID,
        clientSecret: e.SIP_CLIENT_SECRET,
        tokenUrl: e.SIP_TOKEN_URL,
        registration:
          e.SIP_REGISTRAR !== undefined &&
          e.SIP_AOR !== undefined &&
          e.SIP_USERNAME !== undefined &&
          e.SIP_PASSWORD !== undefined
            ? {
                registrar: e.SIP_REGISTRAR,
                aor: e.SIP_AOR,
                username: e.SIP_USERNAME,
                password: e.SIP_PASSWORD,
                expiresSec: e.SIP_REGISTER_EXPIRES,
              }
            : undefined,
      }),
      connectorSecretKey: e.CONNECTOR_SECRET_KEY,
      syncGuardShare: e.SYNC_GUARD_SHARE,
      syncRetentionDays: e.SYNC_RETENTION_DAYS,
      syncLeaseMs: e.SYNC_LEASE_MS,
      syncMaxRetries: e.SYNC_MAX_RETRIES,
      syncPushPollMs: e.SYNC_PUSH_POLL_MS,
      ucsConnectorFile: e.UCS_CONNECTOR_FILE ?? join(e.DATA_DIR, 'ucs-connector.json'),
      ucsConnectorFilePollMs: e.UCS_CONNECTOR_FILE_POLL_MS,
      media: Object.freeze({
        mode: e.MEDIA,
        janusUrls: Object.freeze(e.JANUS_URLS),
        janusApiSecret: e.JANUS_API_SECRET,
        janusAdminKey: e.JANUS_ADMIN_KEY,
        janusBinary: e.JANUS_BINARY,
        stunUrls: Object.freeze(e.STUN_URLS),
        turnUrls: Object.freeze(e.TURN_URLS),
        turnSecret: e.TURN_SECRET,
        turnTtlSeconds: e.TURN_TTL_SECONDS,
      }),
    }),
  };
}

export function formatConfigProblems(problems: readonly string[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [
    `Invalid configuration (${count}):`,
    ...problems.map((p) => `  ${p}`),
    'Every setting, its default and meaning are listed in .env.example.',
  ].join('\n');
}

/**
 * Reads the process environment, after loading `./.env` when one exists (variables already set
 * in the environment win over the file, as with `node --env-file`).
 */
export function loadConfig(): ConfigResult {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return parseConfig(process.env, process.stdout.isTTY);
}

/** The settings that pick the backends, for the start-up log line; never includes secrets. */
export function describeBackends(config: HubConfig): Record<string, string> {
  return {
    database: config.databaseUrl === undefined ? `pglite (${config.dataDir})` : 'postgres',
    jobs: config.redisUrl === undefined ? 'in-process' : 'bullmq',
    roles: config.roles.join(','),
    identity: config.devIdp ? 'development issuer' : `oidc (${config.oidcIssuer ?? ''})`,
    mail: config.mail.smtpUrl === undefined ? `outbox folder (${config.dataDir}/mail-outbox)` : 'smtp',
    media:
      config.media.mode === 'off'
        ? 'off'
        : config.media.janusUrls.length > 0
          ? `janus pool (${config.media.janusUrls.length})`
          : 'embedded janus when installed',
  };
}

/** The signaling base of this node, `ws(s)://<host>/signaling`: SIGNALING_PUBLIC_URL, else the hub's URL. */
export function signalingBaseUrl(config: Pick<HubConfig, 'signalingPublicUrl'>, hub: string): string {
  const base = (config.signalingPublicUrl ?? hub).replace(/\/+$/, '').replace(/^http/, 'ws');
  return base.endsWith('/signaling') ? base : `${base}/signaling`;
}

/**
 * The hub's own address: PUBLIC_URL, else how this machine reaches the listening port. The
 * development issuer's identifier derives from it, so the hub and `npm run token` must agree.
 */
export function hubUrl(config: Pick<HubConfig, 'publicUrl' | 'host'>, port: number): string {
  if (config.publicUrl !== undefined) return config.publicUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
