import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

import { z } from 'zod';

/**
 * The connector description a package's join script writes (UCS: `ucs/app/inst` writes
 * `$DATA_DIR/ucs-connector.json`). Secrets are not in it: `secretFiles` names, per secret settings
 * field, the file that holds the value (absolute, or relative to the description's folder), so
 * the description can be world-readable while the secrets are not.
 */
const descriptionSchema = z.strictObject({
  connector: z.string().min(1).max(100),
  /** The instance's name in the dashboard; also how the hub finds it again without its state file. */
  name: z.string().trim().min(1).max(100).default('UCS'),
  /** Tenant slug; default DEFAULT_TENANT. */
  tenant: z.string().min(1).max(63).optional(),
  settings: z.record(z.string(), z.unknown()),
  secretFiles: z.record(z.string(), z.string().min(1)).default({}),
  /** Absent: the default schedule; null: incremental runs only when someone starts one. */
  incrementalEveryMinutes: z.number().int().min(1).max(10_080).nullable().optional(),
  fullCron: z
    .string()
    .trim()
    .regex(/^\S+(\s+\S+){4,5}$/, 'expected a cron pattern of five or six fields')
    .nullable()
    .optional(),
  guardPercent: z.number().min(0).max(100).optional(),
});

export interface ConnectorDescription {
  readonly connector: string;
  readonly name: string;
  readonly tenant: string | undefined;
  /** The settings fields the file names, secrets read from their files merged in. */
  readonly settings: Record<string, unknown>;
  /** Which of `settings` came from secret files (never logged, never compared in messages). */
  readonly secretFields: readonly string[];
  /** undefined: the file does not say (the default schedule on creation); null: off. */
  readonly incrementalEveryMs: number | null | undefined;
  readonly fullCron: string | null | undefined;
  readonly guardShare: number | undefined;
}

export type ReadDescriptionResult =
  | { readonly ok: true; readonly description: ConnectorDescription; readonly fingerprint: string }
  | { readonly ok: false; readonly reason: 'missing'; readonly fingerprint: string }
  | {
      readonly ok: false;
      readonly reason: 'invalid';
      readonly message: string;
      readonly fingerprint: string;
    };

const isMissing = (err: unknown): boolean => (err as { code?: unknown }).code === 'ENOENT';

/**
 * Reads the description and the secret files it points to. Never throws: a missing file, broken
 * JSON, a field of the wrong type or an unreadable secret file come back as a reason with a message
 * an operator can act on. The fingerprint covers the description and every secret file, so a
 * rotated password counts as a change even when the JSON stayed the same.
 */
export async function readConnectorDescription(path: string): Promise<ReadDescriptionResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isMissing(err)) return { ok: false, reason: 'missing', fingerprint: 'missing' };
    return invalid(`cannot read ${path}: ${(err as Error).message}`, `unreadable:${(err as Error).message}`);
  }
  const hash = createHash('sha256').update(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return invalid(`${path} is not valid JSON: ${(err as Error).message}`, hash.digest('hex'));
  }
  const parsed = descriptionSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    return invalid(`${path} is not a connector description (${problems.join('; ')})`, hash.digest('hex'));
  }
  const d = parsed.data;
  const settings: Record<string, unknown> = { ...d.settings };
  for (const [field, file] of Object.entries(d.secretFiles)) {
    const secretPath = isAbsolute(file) ? file : resolve(dirname(path), file);
    let value: string;
    try {
      value = (await readFile(secretPath, 'utf8')).trim();
    } catch (err) {
      hash.update(`\0${field}\0unreadable`);
      return invalid(
        `cannot read the secret file of ${field} (${secretPath}): ${(err as Error).message}`,
        hash.digest('hex'),
      );
    }
    hash.update(`\0${field}\0${value}`);
    if (value === '')
      return invalid(`the secret file of ${field} (${secretPath}) is empty`, hash.digest('hex'));
    settings[field] = value;
  }
  return {
    ok: true,
    fingerprint: hash.digest('hex'),
    description: {
      connector: d.connector,
      name: d.name,
      tenant: d.tenant,
      settings,
      secretFields: Object.keys(d.secretFiles),
      incrementalEveryMs:
        d.incrementalEveryMinutes === undefined || d.incrementalEveryMinutes === null
          ? d.incrementalEveryMinutes
          : d.incrementalEveryMinutes * 60_000,
      fullCron: d.fullCron,
      guardShare: d.guardPercent === undefined ? undefined : d.guardPercent / 100,
    },
  };
}

function invalid(message: string, fingerprint: string): ReadDescriptionResult {
  return { ok: false, reason: 'invalid', message, fingerprint };
}
