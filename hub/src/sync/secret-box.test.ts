import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { silentLogger, type Logger } from '@vc/conference-core';

import { createSecretBox, loadConnectorSecretKey, secretKeyFileName } from './secret-box.js';

describe('secret box', () => {
  const box = createSecretBox(Buffer.alloc(32, 1));

  it('seals a value so that only the same key and context open it', () => {
    const sealed = box.seal('bind-password', 'tenant-a/password');
    expect(sealed).not.toContain('bind-password');
    expect(box.open(sealed, 'tenant-a/password')).toBe('bind-password');
    expect(() => box.open(sealed, 'tenant-b/password')).toThrow();
    expect(() => createSecretBox(Buffer.alloc(32, 2)).open(sealed, 'tenant-a/password')).toThrow();
  });

  it('seals the same value differently each time (fresh nonce)', () => {
    expect(box.seal('x', 'c')).not.toBe(box.seal('x', 'c'));
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = box.seal('secret', 'c');
    const parts = sealed.split('.');
    const data = Buffer.from(parts[3]!, 'base64url');
    data[0] = data[0]! ^ 1;
    parts[3] = data.toString('base64url');
    expect(() => box.open(parts.join('.'), 'c')).toThrow();
  });
});

describe('connector secret key', () => {
  it('is generated once into DATA_DIR (mode 0600), logged by location only, and reused', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vc-key-'));
    const lines: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      info: (fields, message) => void lines.push(JSON.stringify({ fields, message })),
    };
    try {
      const first = loadConnectorSecretKey({ configured: undefined, dataDir, clusterMode: false, logger });
      const second = loadConnectorSecretKey({ configured: undefined, dataDir, clusterMode: false, logger });
      expect(first.equals(second)).toBe(true);
      expect(statSync(join(dataDir, secretKeyFileName)).mode & 0o777).toBe(0o600);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(secretKeyFileName);
      expect(lines[0]).not.toContain(readFileSync(join(dataDir, secretKeyFileName), 'utf8').trim());
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('uses the configured key when there is one', () => {
    const configured = Buffer.alloc(32, 9).toString('base64');
    const key = loadConnectorSecretKey({
      configured,
      dataDir: '/nonexistent',
      clusterMode: true,
      logger: silentLogger,
    });
    expect(key.equals(Buffer.alloc(32, 9))).toBe(true);
  });
});
