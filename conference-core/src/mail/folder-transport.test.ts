import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createFolderTransport, emlFileName } from './folder-transport.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the folder transport', () => {
  it('writes the very bytes of a mail, whether it comes as text or already encoded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vc-folder-transport-'));
    dirs.push(dir);
    const transport = createFolderTransport(dir);
    const raw = 'Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\r\nGrüße\r\n';
    const base = { sender: 'noreply@example.org', recipient: 'bob@example.org', raw };
    await transport.send({ ...base, messageId: '<text@example.org>' });
    await transport.send({ ...base, messageId: '<bytes@example.org>', bytes: Buffer.from(raw, 'utf8') });
    for (const id of ['<text@example.org>', '<bytes@example.org>']) {
      expect(readFileSync(join(dir, emlFileName(id)), 'utf8')).toBe(raw);
    }
    expect(await transport.list()).toHaveLength(2);
  });
});
