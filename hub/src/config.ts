import { existsSync } from 'node:fs';
import { z } from 'zod';

/**
 * The hub's one configuration: parsed from the environment once at start, every problem reported
 * at once, then passed down frozen. Every setting is listed with its default in `.env.example`;
 * keep the two in step (a unit test checks it).
 */

export const roles = ['api', 'signaling', 'worker', 'sip'] as const;
export type Role = (typeof roles)[number];

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
});

/** The names of every environment variable the hub reads. */
export const configVariables: readonly string[] = Object.keys(envSchema.shape);

/** Settings whose values never appear in a message or a log line. */
const secretVariables = new Set(['DATABASE_URL', 'REDIS_URL']);

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
}

export type ConfigResult = { ok: true; config: HubConfig } | { ok: false; problems: string[] };

/** Parses an environment; pure, so tests pass their own record. */
export function parseConfig(
  env: Record<string, string | undefined>,
  /** Whether standard output is a terminal: `LOG_FORMAT=auto` then means pretty, else JSON. */
  stdoutIsTerminal = false,
): ConfigResult {
  const parsed = envSchema.safeParse(env);
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
  };
}
