/**
 * Regenerates the README's performance table from `bench/results.json`,
 * replacing only what lies between `<!-- bench:start -->` and
 * `<!-- bench:end -->`. `bench/run.ts` calls it after every run; run it alone
 * with `npx tsx bench/readme.ts` (or `node dist/bench/readme.js`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable, type BenchRow } from './harness.js';

export const START_MARKER = '<!-- bench:start -->';
export const END_MARKER = '<!-- bench:end -->';

/** The machine a run was measured on. */
export interface MachineInfo {
  cpus: string;
  cores: number;
  memory: number;
  platform: string;
  arch: string;
}

/** What `bench/results.json` holds. */
export interface BenchResults {
  date: string;
  machine: MachineInfo;
  node: string;
  rows: (BenchRow & { module?: string })[];
  failures?: { module: string; error: string }[];
}

/** The folder of the benchmark sources (`bench/`), whether this runs from there or from `dist/bench/`. */
export function sourceBenchDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return /[\\/]dist[\\/]bench[\\/]?$/.test(here) ? resolve(here, '../../bench') : resolve(here);
}

/** The Markdown that goes between the markers. */
export function renderBenchSection(results: BenchResults): string {
  const gib = (results.machine.memory / 1024 ** 3).toFixed(1);
  const lines = [
    `Measured ${results.date.slice(0, 10)} on ${results.machine.cpus} (${results.machine.cores} cores, ${gib} GiB, ${results.machine.platform}/${results.machine.arch}), Node ${results.node}. ` +
      'Each row compares our code with a raw baseline measured in the same process; regenerate with `npm run bench`.',
    '',
    formatTable(results.rows),
  ];
  if (results.failures !== undefined && results.failures.length > 0) {
    lines.push('', `Benchmarks that failed on this run: ${results.failures.map((f) => `\`${f.module}\``).join(', ')}.`);
  }
  return lines.join('\n');
}

/**
 * Replaces the text between the markers of `readmePath` with the table of
 * `resultsPath`. Returns what happened; never touches text outside the markers.
 */
export async function updateReadme(
  readmePath = resolve(sourceBenchDir(), '../README.md'),
  resultsPath = resolve(sourceBenchDir(), 'results.json'),
): Promise<'updated' | 'unchanged' | 'no-readme' | 'no-markers' | 'no-results'> {
  let readme: string;
  try {
    readme = await readFile(readmePath, 'utf8');
  } catch {
    return 'no-readme';
  }
  let results: BenchResults;
  try {
    results = JSON.parse(await readFile(resultsPath, 'utf8')) as BenchResults;
  } catch {
    return 'no-results';
  }
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER, start + START_MARKER.length);
  if (start < 0 || end < 0) return 'no-markers';
  const next = `${readme.slice(0, start + START_MARKER.length)}\n${renderBenchSection(results)}\n${readme.slice(end)}`;
  if (next === readme) return 'unchanged';
  await writeFile(readmePath, next);
  return 'updated';
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outcome = await updateReadme();
  console.log(`README performance table: ${outcome}`);
  if (outcome !== 'updated' && outcome !== 'unchanged') process.exitCode = 1;
}
