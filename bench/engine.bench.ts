/**
 * The engine against raw DuckDB-WASM, in one process and on the same database:
 * per-query overhead (SELECT 1, worker and blocking), a 1M-row GROUP BY, loading
 * 1M row objects (vs insertArrowTable of a tableFromArrays table, and vs the JSON
 * path), converting a 100k-row result to objects (vs Arrow's toJSON), opening an
 * engine (vs instantiating duckdb-wasm), and the process RSS after the 1M-row load.
 *
 * Run alone: `npx tsx bench/engine.bench.ts`.
 */
import { createRequire } from 'node:module';
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { rawWorkerStartAndStop } from './rawDuckDB.js';
import { abbaRows, compareAbbaMs, compareMs, processCpuMs, runWhenMain, type BenchRow } from './harness.js';
import { createEngine } from '../src/engine/index.js';
import { tableToRows } from '../src/engine/convert.js';

const require = createRequire(import.meta.url);
// duckdb-wasm's Node build loads the CommonJS copy of apache-arrow; its insertArrowTable
// only understands Tables from that copy, so the baseline builds them with it.
const arrowCjs = require('apache-arrow') as typeof import('apache-arrow');

const ROWS = 1_000_000;
const SELECTS = 1000;

interface LoadRow {
  id: number;
  value: number;
  label: string;
  at: Date;
}

function loadRows(n: number): LoadRow[] {
  const labels = Array.from({ length: 1000 }, (_, i) => `label-${i}`);
  const start = Date.UTC(2024, 0, 1);
  const rows = new Array<LoadRow>(n);
  for (let i = 0; i < n; i++) rows[i] = { id: i, value: i * 0.5, label: labels[(i * 7919) % 1000]!, at: new Date(start + i * 1000) };
  return rows;
}

function row(name: string, baselineName: string, ours: number, baseline: number, unit: string, higherIsBetter: boolean, target: string, met: boolean): BenchRow {
  return { name, baselineName, ours, baseline, unit, higherIsBetter, target, met };
}

async function selectOnes(query: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < SELECTS; i++) await query();
}

async function workerRows(rows: LoadRow[]): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const engine = await createEngine({ mode: 'worker' });
  const timed = await createEngine({ mode: 'worker', timeoutMs: 30_000 });
  try {
    const db = engine.unsafeDuckDB() as AsyncDuckDB;
    const raw: AsyncDuckDBConnection = await db.connect();
    const timedDb = timed.unsafeDuckDB() as AsyncDuckDB;
    const timedRaw: AsyncDuckDBConnection = await timedDb.connect();

    // ABBA, 12 samples a side: five samples of ~0.4 s each, ours first, read anywhere from 1.1 to 1.25 on a quiet machine.
    const abba = { samples: 12, cpuClock: processCpuMs };
    const plain = await compareAbbaMs(() => selectOnes(() => engine.query('SELECT 1')), () => selectOnes(() => raw.query('SELECT 1')), abba);
    out.push(...abbaRows(plain, { name: `engine.query SELECT 1 ×${SELECTS} (worker)`, baselineName: 'raw conn.query', maxSlowdown: 1.15, target: 'ratio ≤ 1.15' }));
    const cancellable = await compareAbbaMs(() => selectOnes(() => timed.query('SELECT 1')), () => selectOnes(() => timedRaw.query('SELECT 1')), abba);
    out.push(
      ...abbaRows(cancellable, { name: `engine.query SELECT 1 ×${SELECTS} (worker, timeoutMs set: cancellable path)`, baselineName: 'raw conn.query', maxSlowdown: 1.15, target: 'ratio ≤ 1.15' }),
    );

    await engine.query(`CREATE TABLE g AS SELECT range AS i, range % 1000 AS k, (range * 7 % 1013) / 3.0 AS v FROM range(${ROWS})`);
    const groupBy = 'SELECT k, sum(v) AS s, count(*) AS c FROM g GROUP BY k';
    const grouped = await compareAbbaMs(() => engine.query(groupBy), () => raw.query(groupBy), { samples: 30, batch: 4, warmup: 3, cpuClock: processCpuMs });
    out.push(...abbaRows(grouped, { name: 'engine.query GROUP BY over 1M rows (worker)', baselineName: 'raw conn.query', maxSlowdown: 1.05, target: 'ratio ≤ 1.05' }));

    // Loading 1M row objects, end to end from the same rows.
    let n = 0;
    const ours = () => engine.loadData(rows, 'load_ours', { mode: 'replace' });
    const viaArrow = async () => {
      const ids = new Int32Array(rows.length);
      const values = new Float64Array(rows.length);
      const labels = new Array<string>(rows.length);
      const ats = new Array<Date>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        ids[i] = r.id;
        values[i] = r.value;
        labels[i] = r.label;
        ats[i] = r.at;
      }
      const table = arrowCjs.tableFromArrays({ id: ids, value: values, label: labels, at: ats });
      await raw.query('DROP TABLE IF EXISTS load_arrow');
      await raw.insertArrowTable(table, { name: `load_arrow`, create: true });
    };
    const viaJson = async () => {
      const file = `rows_${++n}.json`;
      await db.registerFileText(file, JSON.stringify(rows));
      await raw.query('DROP TABLE IF EXISTS load_json');
      await raw.insertJSONFromPath(file, { name: 'load_json', create: true });
      await db.dropFile(file);
    };
    // RSS after our load alone (before the baselines add their own tables and JSON text).
    await ours();
    const rss = process.memoryUsage().rss / (1024 * 1024);
    const arrowLoad = await compareMs(ours, viaArrow, 3);
    const jsonLoad = await compareMs(ours, viaJson, 2, 0);
    const counts = await engine.query<{ a: number; b: number; c: number }>(
      'SELECT (SELECT count(*) FROM load_ours) AS a, (SELECT count(*) FROM load_arrow) AS b, (SELECT count(*) FROM load_json) AS c',
    );
    const c = counts.data[0]!;
    if (c.a !== ROWS || c.b !== ROWS || c.c !== ROWS) throw new Error(`a load lost rows: ${JSON.stringify(c)}`);
    const rate = (ms: number) => ROWS / (ms / 1000);
    const oursRate = rate(Math.min(arrowLoad.ours, jsonLoad.ours));
    out.push(row('loadData 1M row objects (worker)', 'tableFromArrays + insertArrowTable', oursRate, rate(arrowLoad.baseline), 'rows/s', true, '≥ 2M rows/s', oursRate >= 2e6));
    out.push(row('loadData 1M row objects (worker)', 'JSON.stringify + registerFileText + insertJSONFromPath', oursRate, rate(jsonLoad.baseline), 'rows/s', true, '≥ 10× the JSON path', oursRate >= 10 * rate(jsonLoad.baseline)));

    out.push(row('process RSS after loadData of 1M rows (worker; JS rows + DuckDB table)', 'budget 1 GiB', rss, 1024, 'MB', false, '≤ 1024 MB', rss <= 1024));

    // Result → objects, on the same 100k-row Arrow table.
    const table = await engine.queryArrow('SELECT * FROM load_ours LIMIT 100000');
    const m = await compareMs(() => tableToRows(table), () => table.toArray().map((r) => r.toJSON()), 7);
    out.push(row('100k-row result → row objects', 'table.toArray().map(r => r.toJSON())', m.ours, m.baseline, 'ms', false, 'baseline/ours ≥ 3', m.baseline / m.ours >= 3));

    await raw.close();
    await timedRaw.close();
  } finally {
    await engine.close();
    await timed.close();
  }
  return out;
}

async function blockingRows(): Promise<BenchRow[]> {
  const engine = await createEngine({ mode: 'blocking' });
  const timed = await createEngine({ mode: 'blocking', timeoutMs: 30_000 });
  try {
    const raw = (engine.unsafeDuckDB() as DuckDBBindings).connect();
    const timedRaw = (timed.unsafeDuckDB() as DuckDBBindings).connect();
    const m = await compareAbbaMs(() => selectOnes(() => engine.query('SELECT 1')), () => selectOnes(async () => raw.query('SELECT 1')), { samples: 12, cpuClock: processCpuMs });
    const out = abbaRows(m, { name: `engine.query SELECT 1 ×${SELECTS} (blocking)`, baselineName: 'raw conn.query', maxSlowdown: 1.15, target: 'ratio ≤ 1.15' });
    const timedM = await compareAbbaMs(() => selectOnes(() => timed.query('SELECT 1')), () => selectOnes(async () => timedRaw.query('SELECT 1')), {
      samples: 12,
      cpuClock: processCpuMs,
    });
    out.push(...abbaRows(timedM, { name: `engine.query SELECT 1 ×${SELECTS} (blocking, timeoutMs set: cancellable path)`, baselineName: 'raw conn.query', maxSlowdown: 1.15, target: 'ratio ≤ 1.15' }));
    raw.close();
    timedRaw.close();
    return out;
  } finally {
    await engine.close();
    await timed.close();
  }
}

async function openRows(): Promise<BenchRow[]> {
  // Both sides run one statement: DuckDB-WASM compiles much of its code on first use,
  // so the first statement of a start costs ~100 ms, and a side without one would not
  // have been measured doing the same work. A start is ~1 s and drifts with the
  // machine's load: ABBA order, a warm-up and 8 samples a side.
  const ours = async () => {
    const engine = await createEngine({ mode: 'worker' });
    await engine.query('SELECT 1');
    await engine.close();
  };
  const m = await compareAbbaMs(ours, rawWorkerStartAndStop, { samples: 8, warmup: 1, cpuClock: processCpuMs });
  return abbaRows(m, {
    name: 'createEngine + SELECT 1 + close (worker)',
    baselineName: 'raw AsyncDuckDB instantiate + open + connect + SELECT 1 + terminate',
    maxSlowdown: 1.15,
    target: 'ratio ≤ 1.15',
  });
}

/** Every engine benchmark row. */
export async function run(): Promise<BenchRow[]> {
  // The engine's worker is referenced only while the engine itself has work in
  // flight; the raw baselines bypass the engine, so hold the process open here.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    const rows = loadRows(ROWS);
    const out = await workerRows(rows);
    out.push(...(await blockingRows()));
    out.push(...(await openRows()));
    return out;
  } finally {
    clearInterval(keepAlive);
  }
}

runWhenMain(import.meta.url, run);
