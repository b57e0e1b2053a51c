import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

/** The Office.js stub as one browser script (IIFE), built from its TypeScript on demand. */
export async function officeStubScript(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../../browser/office-stub.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no stub');
  return file.text;
}
