import {
  generateKeyPair as generateKeyPairCallback,
  createPublicKey,
  randomBytes,
  type JsonWebKey,
} from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { calculateJwkThumbprint, type JSONWebKeySet, type JWK } from 'jose';
import { z } from 'zod';

const generateKeyPair = promisify(generateKeyPairCallback);

/** The clients whose secrets live in the state folder. */
export const callInClientId = 'vc-call-in';
export const tokenCliClientId = 'vc-dev-cli';

/**
 * What the development issuer keeps across restarts, under `<DATA_DIR>/dev-idp/` (folder 0700,
 * files 0600): signing keys, so tokens survive a restart; cookie keys, so sign-ins do; client
 * secrets, so the call-in gateway and `npm run token` keep working.
 */
export interface DevIdpState {
  /** Private JWKs; the first one signs, the others still verify (after a rotation). */
  readonly signingKeys: readonly JWK[];
  readonly cookieKeys: readonly string[];
  readonly clientSecrets: Readonly<Record<typeof callInClientId | typeof tokenCliClientId, string>>;
}

const keysFile = 'signing-keys.json';
const secretsFile = 'secrets.json';
/** How many keys a rotation keeps: the new one and two predecessors, so tokens already out verify. */
const keptKeys = 3;

const privateJwkSchema = z.looseObject({
  kty: z.literal('RSA'),
  kid: z.string().min(1),
  d: z.string().min(1),
});
const keysSchema = z.object({ keys: z.array(privateJwkSchema).min(1) });
const secretsSchema = z.object({
  cookieKeys: z.array(z.string().min(32)).min(1),
  clientSecrets: z.object({ [callInClientId]: z.string().min(16), [tokenCliClientId]: z.string().min(16) }),
});

export function devIdpDirectory(dataDir: string): string {
  return join(dataDir, 'dev-idp');
}

/**
 * Loads the state, creating what is missing. `callInSecret` (from config) wins over a stored one,
 * so an operator can fix the secret the SIP gateway is configured with.
 */
export async function loadOrCreateState(
  dataDir: string,
  options: { callInSecret?: string | undefined } = {},
): Promise<DevIdpState> {
  const dir = devIdpDirectory(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const storedKeys = await readJson(join(dir, keysFile), keysSchema);
  const signingKeys = storedKeys?.keys ?? [await generateSigningKey()];
  if (storedKeys === undefined) await writeSecretFile(join(dir, keysFile), { keys: signingKeys });

  const storedSecrets = await readJson(join(dir, secretsFile), secretsSchema);
  const secrets = storedSecrets ?? {
    cookieKeys: [randomSecret(), randomSecret()],
    clientSecrets: { [callInClientId]: randomSecret(), [tokenCliClientId]: randomSecret() },
  };
  if (storedSecrets === undefined) await writeSecretFile(join(dir, secretsFile), secrets);

  return {
    signingKeys,
    cookieKeys: secrets.cookieKeys,
    clientSecrets: {
      ...secrets.clientSecrets,
      ...(options.callInSecret === undefined ? {} : { [callInClientId]: options.callInSecret }),
    },
  };
}

/** Puts a new signing key first and keeps its predecessors for verification; returns the new set. */
export async function rotateSigningKey(dataDir: string): Promise<readonly JWK[]> {
  const file = join(devIdpDirectory(dataDir), keysFile);
  const stored = await readJson(file, keysSchema);
  const keys = [await generateSigningKey(), ...(stored?.keys ?? [])].slice(0, keptKeys);
  await writeSecretFile(file, { keys });
  return keys;
}

/** The secret `npm run token` authenticates with; read synchronously by the CLI. Undefined when absent. */
export function readTokenCliSecret(dataDir: string): string | undefined {
  try {
    const parsed = secretsSchema.safeParse(
      JSON.parse(readFileSync(join(devIdpDirectory(dataDir), secretsFile), 'utf8')),
    );
    return parsed.success ? parsed.data.clientSecrets[tokenCliClientId] : undefined;
  } catch {
    return undefined;
  }
}

/** The public halves, as the issuer publishes them at its `certs` endpoint. */
export function publicKeySet(signingKeys: readonly JWK[]): JSONWebKeySet {
  return {
    keys: signingKeys.map((jwk) => {
      const publicJwk = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({ format: 'jwk' });
      return { ...publicJwk, kid: jwk.kid, alg: jwk.alg ?? 'RS256', use: 'sig' } as JWK;
    }),
  };
}

async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n ?? '', e: jwk.e ?? '' });
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // Whatever umask was in force when it was written: these files hold private keys and secrets.
  await chmod(file, 0o600);
  let parsed: ReturnType<typeof schema.safeParse>;
  try {
    parsed = schema.safeParse(JSON.parse(text));
  } catch {
    parsed = { success: false } as ReturnType<typeof schema.safeParse>;
  }
  if (!parsed.success) {
    throw new Error(`${file} is damaged; delete it and start again to generate a new one`);
  }
  return parsed.data;
}

/** Written to a temporary file first and renamed, so a crash never leaves half a key. */
async function writeSecretFile(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}
