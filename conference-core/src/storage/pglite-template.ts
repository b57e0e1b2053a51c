import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { PGlite } from '@electric-sql/pglite';

import type { Logger } from '../logging/logger.js';

/**
 * A new embedded database starts as a copy of a freshly initialised one instead of running
 * PostgreSQL's initdb inside WebAssembly again: initdb costs seconds of CPU, loading its result a
 * fraction of that. The first new database a machine creates is dumped (`dumpDataDir`) into the
 * cache folder; later ones load it (`loadDataDir`). The file name carries the PGlite version, so an
 * upgrade never loads another version's files. Any problem with the cache only costs the initdb.
 */
export function pgliteTemplateFile(cacheDir: string): string {
  return join(cacheDir, `pglite-initdb-${pgliteVersion()}.tar.gz`);
}

function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  // .../@electric-sql/pglite/dist/index.cjs -> .../@electric-sql/pglite/package.json
  const manifest = join(dirname(dirname(require.resolve('@electric-sql/pglite'))), 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The template's bytes, or undefined when there is none (or it cannot be read). */
export function readPGliteTemplate(file: string, log: Logger): Blob | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return new Blob([readFileSync(file)]);
  } catch (err) {
    log.warn({ file, error: String(err) }, 'the embedded database template cannot be read; running initdb');
    return undefined;
  }
}

/** Writes a new database's files as the template, atomically; failures are logged and ignored. */
export async function savePGliteTemplate(pglite: PGlite, file: string, log: Logger): Promise<void> {
  const partial = `${file}.${process.pid}.partial`;
  try {
    const dump = await pglite.dumpDataDir('gzip');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    log.info(
      { file, error: String(err) },
      'could not keep the embedded database template (next start runs initdb too)',
    );
  }
}

/** Whether `directory` already holds a database (PostgreSQL writes PG_VERSION at initdb). */
export function holdsDatabase(directory: string): boolean {
  return existsSync(join(directory, 'PG_VERSION'));
}
