/**
 * Writes a chart file for the visualization plugin's `export` action (Node).
 * A browser build gets writeTextFile.browser.ts instead (package.json `browser`
 * field), so `create_chart` bundles for the web without `node:fs`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Writes `text` to `path`, creating its directory. */
export async function writeTextFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, text, 'utf8');
}
