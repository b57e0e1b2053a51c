import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Logger } from '@vc/conference-core';

/**
 * Encrypts connector secrets at rest with AES-256-GCM. The context (tenant and field name) is
 * bound in as additional data, so a ciphertext copied to another tenant's or field's row does not
 * open there.
 */
export interface SecretBox {
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
}

const VERSION = 'v1';

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the connector secret key must be 32 bytes');
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), data]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || data === undefined) {
        throw new Error('not a sealed connector secret');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

export const secretKeyFileName = 'connector-secret.key';

/**
 * The configured key, or (no CONNECTOR_SECRET_KEY) the one generated into DATA_DIR on first start
 * and reused after. The key itself is never logged, only where it lives.
 */
export function loadConnectorSecretKey(options: {
  readonly configured: string | undefined;
  readonly dataDir: string;
  readonly clusterMode: boolean;
  readonly logger: Logger;
}): Buffer {
  if (options.configured !== undefined) return Buffer.from(options.configured, 'base64');
  const file = join(options.dataDir, secretKeyFileName);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  const message = `generated the connector secret key in ${file}; keep it with the database (losing it makes stored connector secrets unreadable)`;
  if (options.clusterMode) {
    options.logger.warn(
      { file },
      `${message}; in cluster mode set CONNECTOR_SECRET_KEY, the same on every node`,
    );
  } else options.logger.info({ file }, message);
  return key;
}
