import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';

import type { Logger } from '../logging/logger.js';
import { openDatabase } from './database.js';
import { pgliteTemplateFile } from './pglite-template.js';

const work = mkdtempSync(join(tmpdir(), 'vc-pglite-template-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function linesLogger(lines: string[]): Logger {
  const logger: Logger = {
    debug: (_, message) => lines.push(message),
    info: (_, message) => lines.push(message),
    warn: (_, message) => lines.push(message),
    error: (_, message) => lines.push(message),
    child: () => logger,
  };
  return logger;
}

/** Opens a new embedded database in its own folder, writes and reads a row, closes it. */
async function newDatabase(name: string, templateDir: string | undefined): Promise<string[]> {
  const lines: string[] = [];
  const handle = await openDatabase({
    dataDir: join(work, name),
    logger: linesLogger(lines),
    pgliteTemplateDir: templateDir,
  });
  try {
    await sql`create table t (v text)`.execute(handle.db);
    await sql`insert into t values (${name})`.execute(handle.db);
    const rows = await sql<{ v: string }>`select v from t`.execute(handle.db);
    expect(rows.rows).toEqual([{ v: name }]);
  } finally {
    await handle.close();
  }
  return lines;
}

describe('new embedded databases from the initdb template', () => {
  const templates = join(work, 'cache');

  it('keeps the first new database as the template and creates the next ones from it', async () => {
    expect(await newDatabase('first', templates)).toContain('new embedded database initialised (initdb)');
    expect(existsSync(pgliteTemplateFile(templates))).toBe(true);

    const second = await newDatabase('second', templates);
    expect(second).toContain('new embedded database created from the initdb template');
    expect(second).not.toContain('new embedded database initialised (initdb)');

    // A database made from the template is an ordinary one: it keeps its data across a reopen.
    const reopened = await openDatabase({
      dataDir: join(work, 'second'),
      logger: linesLogger([]),
      pgliteTemplateDir: templates,
    });
    try {
      const rows = await sql<{ v: string }>`select v from t`.execute(reopened.db);
      expect(rows.rows).toEqual([{ v: 'second' }]);
    } finally {
      await reopened.close();
    }
  });

  it('falls back to initdb when the template is damaged, and replaces it', async () => {
    writeFileSync(pgliteTemplateFile(templates), 'not a tar archive');
    const lines = await newDatabase('after-damage', templates);
    expect(lines).toContain('the embedded database template did not load; running initdb');
    expect(lines).toContain('new embedded database initialised (initdb)');
    expect(await newDatabase('repaired', templates)).toContain(
      'new embedded database created from the initdb template',
    );
  });

  it('writes no template without a template folder', async () => {
    const none = join(work, 'no-cache');
    expect(await newDatabase('plain', undefined)).toContain('new embedded database initialised (initdb)');
    expect(existsSync(none)).toBe(false);
  });
});
