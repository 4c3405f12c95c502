/**
 * Browser benchmarks in Chromium: the orchestrator against raw duckdb-wasm in the
 * same page (initialize, SELECT 1 ×1000, GROUP BY over 1M rows, loadData), and
 * the bundle cost of the core entry — what `@dataprism/orchestration` adds to an
 * app beyond xstate, apache-arrow and duckdb-wasm's own JS, gzipped.
 *
 * The page is bundled with esbuild from the package itself (its exports and
 * browser field, as an app gets it), so run after `npm run build`.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type OutputFile } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, browserAvailable } from '../tests/support/browser.js';
import { serveStatic } from '../tests/support/staticServer.js';
import type { BenchRow } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, whether this runs from bench/ or from dist/bench/. */
const ROOT = /[\\/]dist[\\/]bench$/.test(here) ? resolve(here, '../..') : resolve(here, '..');
const DUCKDB_DIST = join(ROOT, 'node_modules', '@duckdb', 'duckdb-wasm', 'dist');

/** What workerTrace.js's summarize() reports of one side's starts. */
interface StartPhases {
  requests: number;
  phases: Record<string, number>;
  outsideWorker: number;
}

interface PageResults {
  initialize: { ours: number; baseline: number };
  initializePhases: { ours: StartPhases; baseline: StartPhases };
  select1: { ours: number; baseline: number };
  groupBy: { ours: number; baseline: number };
  loadData: { ours: number; baseline: number };
  loadedRows: number;
}

/** Bundles `entry` (source text) for the browser, minified, split; returns the output files. */
async function bundle(entry: string, outdir: string): Promise<{ files: OutputFile[]; metafile: Metafile }> {
  mkdirSync(outdir, { recursive: true });
  const entryFile = join(outdir, 'entry.js');
  writeFileSync(entryFile, entry);
  const result = await build({
    entryPoints: [entryFile],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    splitting: true,
    outdir: join(outdir, 'out'),
    nodePaths: [join(ROOT, 'node_modules')],
    // The package as an app gets it (exports, browser field), not the repository's source paths.
    tsconfigRaw: '{}',
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  return { files: result.outputFiles, metafile: result.metafile };
}

/** Gzipped bytes of the chunks a page loads at start (the entry and its static imports), and of every chunk. */
function gzipSizes(files: OutputFile[], metafile: Metafile): { initial: number; all: number } {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o]!.entryPoint !== undefined && o.endsWith('.js'))!;
  const initial = new Set<string>();
  const visit = (out: string) => {
    if (initial.has(out)) return;
    initial.add(out);
    for (const imp of outputs[out]!.imports) if (imp.kind === 'import-statement') visit(imp.path);
  };
  visit(entry);
  const gz = (out: string) => gzipSync(byPath.get(resolve(out))!.contents, { level: 9 }).length;
  let first = 0;
  for (const out of initial) first += gz(out);
  let all = 0;
  for (const out of Object.keys(outputs)) if (out.endsWith('.js')) all += gz(out);
  return { initial: first, all };
}

async function bundleCost(work: string): Promise<BenchRow[]> {
  const base = "import * as x from 'xstate'; import * as a from 'apache-arrow'; import * as d from '@duckdb/duckdb-wasm';";
  const baseline = await bundle(`${base}\nglobalThis.keep = [x, a, d];\n`, join(work, 'baseline'));
  const ours = await bundle(
    `${base}\nimport * as dp from '@dataprism/orchestration';\nglobalThis.keep = [x, a, d, dp];\n`,
    join(work, 'ours'),
  );
  const b = gzipSizes(baseline.files, baseline.metafile);
  const o = gzipSizes(ours.files, ours.metafile);
  const kB = (bytes: number) => bytes / 1000;
  const row = (what: string, ours: number, alone: number, target: string, met?: boolean): BenchRow => ({
    name: `bundle cost of the core entry, ${what} (browser, esbuild --minify, gzip): app − (xstate + apache-arrow + duckdb-wasm)`,
    baselineName: `target; xstate + apache-arrow + duckdb-wasm alone: ${kB(alone).toFixed(0)} kB`,
    ours: kB(ours),
    baseline: 150,
    unit: 'kB',
    higherIsBetter: false,
    target,
    ...(met === undefined ? {} : { met }),
  });
  return [
    row('at page load', o.initial - b.initial, b.initial, '≤ 150 kB gzip', kB(o.initial - b.initial) <= 150),
    row('every chunk incl. lazy ones', o.all - b.all, b.all, 'reported (lazy chunks load on use)'),
  ];
}

async function pageBenchmarks(work: string): Promise<BenchRow[]> {
  const site = join(work, 'site');
  mkdirSync(join(site, 'duckdb'), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'bench', 'browser', 'page.js')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    outfile: join(site, 'page.js'),
    nodePaths: [join(ROOT, 'node_modules')],
    tsconfigRaw: '{}',
    logLevel: 'error',
  });
  for (const file of ['duckdb-eh.wasm', 'duckdb-mvp.wasm', 'duckdb-browser-eh.worker.js', 'duckdb-browser-mvp.worker.js']) {
    cpSync(join(DUCKDB_DIST, file), join(site, 'duckdb', file));
  }
  writeFileSync(join(site, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./page.js"></script>');
  const server = await serveStatic({ '/': site });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/`);
    const outcome = (await page.evaluate(() => (window as unknown as { __bench: Promise<unknown> }).__bench)) as
      | { ok: true; value: PageResults }
      | { ok: false; error: string };
    if (!outcome.ok) throw new Error(`the benchmark page failed: ${outcome.error}`);
    const r = outcome.value;
    if (r.loadedRows !== 1_000_000) throw new Error(`loadData loaded ${r.loadedRows} rows, not 1000000`);
    const within = (x: { ours: number; baseline: number }, limit: number) => x.ours / x.baseline <= limit;
    printPhases(r.initializePhases);
    return [
      {
        name: 'orchestrator initialize() + SELECT 1 + shutdown() (browser, Chromium)',
        baselineName: 'raw AsyncDuckDB: Worker + instantiate + open + connect + SELECT 1 + terminate',
        ...r.initialize,
        unit: 'ms',
        higherIsBetter: false,
        target: 'ratio ≤ 1.1',
        met: within(r.initialize, 1.1),
      },
      {
        name: 'orchestrated engine.query SELECT 1 ×1000 (browser, Chromium)',
        baselineName: 'raw duckdb-wasm conn.query, same page',
        ...r.select1,
        unit: 'ms',
        higherIsBetter: false,
        target: 'ratio ≤ 1.15',
        met: within(r.select1, 1.15),
      },
      {
        name: 'orchestrated engine.query GROUP BY over 1M rows (browser, Chromium)',
        baselineName: 'raw duckdb-wasm conn.query, same page',
        ...r.groupBy,
        unit: 'ms',
        higherIsBetter: false,
        target: 'ratio ≤ 1.05',
        met: within(r.groupBy, 1.05),
      },
      {
        name: 'loadData 1M row objects (browser, Chromium)',
        baselineName: 'tableFromArrays + insertArrowTable, same page',
        ...r.loadData,
        unit: 'rows/s',
        higherIsBetter: true,
        target: '≥ 1M rows/s',
        met: r.loadData.ours >= 1_000_000,
      },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The phases of a start, each side's median ms per worker request type: where a difference in the totals comes from. */
function printPhases({ ours, baseline }: PageResults['initializePhases']): void {
  const line = (who: string, p: StartPhases) =>
    `  ${who}: ${p.requests} worker requests; ${Object.entries(p.phases)
      .map(([type, ms]) => `${type} ${ms}`)
      .join(', ')}; outside any request ${p.outsideWorker}`;
  console.log(`browser start, median ms per start:\n${line('ours', ours)}\n${line('raw ', baseline)}`);
}

export async function run(): Promise<BenchRow[]> {
  if (!browserAvailable) throw new Error(`no chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const work = mkdtempSync(join(tmpdir(), 'dataprism-bench-browser-'));
  try {
    return [...(await pageBenchmarks(work)), ...(await bundleCost(work))];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
