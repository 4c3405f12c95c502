/**
 * The one benchmark command (`npm run bench` → `node dist/bench/run.js`):
 * finds every `*.bench.js` / `*.bench.ts` beside this file, runs each one's
 * `run()` in turn (a module that fails is reported and the others still run),
 * prints ours / baseline / ratio, writes `bench/results.json` in the source
 * tree, and regenerates the README's performance table.
 *
 * Arguments filter modules by name: `node dist/bench/run.js engine monitor`.
 * Also runs from source: `npx tsx bench/run.ts [filter...]`.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable, type BenchRow } from './harness.js';
import { sourceBenchDir, updateReadme, type BenchResults, type MachineInfo } from './readme.js';

/** The benchmark modules beside this file, sorted, matching any of `filters` (all when none). */
export async function discover(dir: string, filters: readonly string[]): Promise<string[]> {
  const ext = import.meta.url.endsWith('.ts') ? '.bench.ts' : '.bench.js';
  const names = (await readdir(dir)).filter((f) => f.endsWith(ext)).sort();
  return filters.length === 0 ? names : names.filter((n) => filters.some((f) => n.toLowerCase().includes(f.toLowerCase())));
}

/** The machine this runs on, for results.json and the README. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list[0]?.model.trim() ?? 'unknown CPU',
    cores: list.length,
    memory: totalmem(),
    platform: process.platform,
    arch: process.arch,
  };
}

const moduleName = (file: string) => file.replace(/\.bench\.(js|ts)$/, '');

/** A module's time budget in ms: `BENCH_TIMEOUT_MS`, default 15 minutes. */
const MODULE_TIMEOUT_MS = Number(process.env['BENCH_TIMEOUT_MS'] ?? 15 * 60_000);

/**
 * `promise`, or a rejection when it cannot settle: when the event loop empties
 * while it is pending (Node would otherwise exit with code 13 in the middle of
 * the run), or when the time budget runs out.
 */
export function settleOrFail<T>(promise: Promise<T>, what: string, timeoutMs = MODULE_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stalled = () => finish(() => reject(new Error(`${what} never settled: it waits for nothing that is still running`)));
    // Unref'd: the budget alone must not keep the process alive, or a stall could not be seen.
    const timer = setTimeout(() => finish(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`))), timeoutMs);
    timer.unref();
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      process.off('beforeExit', stalled);
      settle();
    };
    process.once('beforeExit', stalled);
    promise.then((value) => finish(() => resolve(value)), (error: unknown) => finish(() => reject(error)));
  });
}

async function main(): Promise<number> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const filters = process.argv.slice(2);
  const files = await discover(here, filters);
  if (files.length === 0) {
    console.error(`No benchmark matches ${filters.map((f) => `'${f}'`).join(', ')} in ${here}`);
    return 1;
  }
  const rows: (BenchRow & { module: string })[] = [];
  const failures: { module: string; error: string }[] = [];
  for (const file of files) {
    const name = moduleName(file);
    console.log(`\n## ${name}`);
    const started = performance.now();
    try {
      const mod = (await import(pathToFileURL(resolve(here, file)).href)) as { run?: () => Promise<BenchRow[]> };
      if (typeof mod.run !== 'function') throw new Error(`${file} does not export run(): Promise<BenchRow[]>`);
      const result = await settleOrFail(mod.run(), `${file}'s run()`);
      if (!Array.isArray(result)) throw new Error(`${file}'s run() returned ${typeof result}, not BenchRow[]`);
      console.log(formatTable(result));
      console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
      for (const row of result) rows.push({ ...row, module: name });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`FAILED: ${message}`);
      failures.push({ module: name, error: message.split('\n')[0]! });
    }
  }

  // A filtered run keeps the previous rows of the modules it did not run.
  const resultsPath = resolve(sourceBenchDir(), 'results.json');
  const ran = new Set(files.map(moduleName));
  let kept: BenchResults['rows'] = [];
  if (filters.length > 0) {
    try {
      const previous = JSON.parse(await readFile(resultsPath, 'utf8')) as BenchResults;
      kept = previous.rows.filter((r) => r.module !== undefined && !ran.has(r.module));
    } catch {
      // No previous results: nothing to keep.
    }
  }
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    node: process.version,
    rows: [...kept, ...rows].sort((a, b) => (a.module ?? '').localeCompare(b.module ?? '')),
    ...(failures.length > 0 ? { failures } : {}),
  };
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${resultsPath} (${results.rows.length} rows${failures.length ? `, ${failures.length} failed module(s)` : ''})`);
  const readme = await updateReadme(resolve(sourceBenchDir(), '../README.md'), resultsPath);
  console.log(`README performance table: ${readme}`);
  const missed = rows.filter((r) => r.met === false);
  if (missed.length > 0) console.log(`Targets missed: ${missed.map((r) => r.name).join('; ')}`);
  return failures.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main();
  // Exit explicitly: a benchmark that leaves a worker or socket open must not hang the command.
  process.exit(code);
}
