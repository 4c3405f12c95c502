/**
 * The native backend against raw @duckdb/node-api on the same database, in one
 * process: per-query overhead (SELECT 1, plain and with timeoutMs set — the
 * cancellable path), a 1M-row GROUP BY, and loading 1M row objects (vs DuckDB's
 * appender fed straight from the rows). Then DuckDB-WASM and native side by side
 * on the same queries, so users can see what the switch buys.
 *
 * Run alone: `npx tsx bench/native.bench.ts`.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { abbaRows, compareAbbaMs, compareMs, medianMs, processCpuMs, runWhenMain, type BenchRow } from './harness.js';
import { createEngine, type DataPrismEngine } from '../src/engine/index.js';

const SELECTS = 1000;
const ROWS = 1_000_000;
const GROUP_BY = 'SELECT k, sum(v) AS s, count(*) AS c FROM g GROUP BY k';
const MAKE_G = `CREATE TABLE g AS SELECT range AS i, range % 1000 AS k, (range * 7 % 1013) / 3.0 AS v FROM range(${ROWS})`;

function row(name: string, baselineName: string, ours: number, baseline: number, unit: string, higherIsBetter: boolean, target: string, met?: boolean): BenchRow {
  return { name, baselineName, ours, baseline, unit, higherIsBetter, target, met };
}

async function times(n: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i++) await fn();
}

/** What a user of @duckdb/node-api writes for row objects. */
const rawRows = async (conn: DuckDBConnection, sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS();

async function nativeVsRaw(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const engine = await createEngine({ backend: 'native' });
  const timed = await createEngine({ backend: 'native', timeoutMs: 30_000 });
  try {
    const raw = await (engine.unsafeDuckDB() as DuckDBInstance).connect();
    const timedRaw = await (timed.unsafeDuckDB() as DuckDBInstance).connect();

    let m = await compareMs(() => times(SELECTS, () => engine.query('SELECT 1')), () => times(SELECTS, () => rawRows(raw, 'SELECT 1')), 5);
    out.push(row(`native engine.query SELECT 1 ×${SELECTS}`, 'raw @duckdb/node-api runAndReadAll + getRowObjectsJS', m.ours, m.baseline, 'ms', false, 'ratio ≤ 1.15', m.ours / m.baseline <= 1.15));
    m = await compareMs(() => times(SELECTS, () => timed.query('SELECT 1')), () => times(SELECTS, () => rawRows(timedRaw, 'SELECT 1')), 5);
    out.push(row(`native engine.query SELECT 1 ×${SELECTS} (timeoutMs set: cancellable path)`, 'raw @duckdb/node-api runAndReadAll + getRowObjectsJS', m.ours, m.baseline, 'ms', false, 'ratio ≤ 1.15', m.ours / m.baseline <= 1.15));

    await engine.query(MAKE_G);
    // A ~6 ms statement against a 5% target: ABBA, batches of 8, 40 samples, and CPU time of the same samples.
    const groupBy = await compareAbbaMs(() => engine.query(GROUP_BY), () => rawRows(raw, GROUP_BY), { samples: 40, batch: 8, warmup: 3, cpuClock: processCpuMs });
    out.push(
      ...abbaRows(groupBy, { name: 'native engine.query GROUP BY over 1M rows', baselineName: 'raw @duckdb/node-api runAndReadAll + getRowObjectsJS', maxSlowdown: 1.05, target: 'ratio ≤ 1.05' }),
    );

    // Loading 1M row objects: ours (rows → Arrow → appender) vs the appender fed from the rows directly.
    const ids = Array.from({ length: ROWS }, (_, i) => i);
    const rows = ids.map((i) => ({ id: i, value: i * 0.5, label: `label-${(i * 7919) % 1000}` }));
    const ours = () => engine.loadData(rows, 'load_ours', { mode: 'replace' });
    const baseline = async () => {
      await raw.run('CREATE OR REPLACE TABLE load_raw (id INTEGER, value DOUBLE, label VARCHAR)');
      const appender = await raw.createAppender('load_raw');
      for (const r of rows) {
        appender.appendInteger(r.id);
        appender.appendDouble(r.value);
        appender.appendVarchar(r.label);
        appender.endRow();
      }
      appender.flushSync();
      appender.closeSync();
    };
    m = await compareMs(ours, baseline, 3);
    const rate = (ms: number) => ROWS / (ms / 1000);
    out.push(row('native loadData 1M row objects', 'raw appender, one typed append per value', rate(m.ours), rate(m.baseline), 'rows/s', true, 'ratio ≥ 0.95', rate(m.ours) / rate(m.baseline) >= 0.95));

    raw.closeSync();
    timedRaw.closeSync();
  } finally {
    await engine.close();
    await timed.close();
  }
  return out;
}

/** The same queries on DuckDB-WASM (worker) and native: information, not a target. */
async function wasmBesideNative(): Promise<BenchRow[]> {
  const engines: DataPrismEngine[] = [];
  try {
    const wasm = await createEngine({ mode: 'worker' });
    engines.push(wasm);
    const native = await createEngine({ backend: 'native' });
    engines.push(native);
    await wasm.query(MAKE_G);
    await native.query(MAKE_G);
    const out: BenchRow[] = [];
    const select = async (engine: DataPrismEngine) => medianMs(() => times(SELECTS, () => engine.query('SELECT 1')), 5);
    out.push(row(`SELECT 1 ×${SELECTS}: native backend`, 'wasm backend (worker)', await select(native), await select(wasm), 'ms', false, 'information: which backend when'));
    const group = async (engine: DataPrismEngine) => medianMs(() => engine.query(GROUP_BY), 7);
    out.push(row('GROUP BY over 1M rows: native backend', 'wasm backend (worker)', await group(native), await group(wasm), 'ms', false, 'information: which backend when'));
    return out;
  } finally {
    for (const engine of engines) await engine.close();
  }
}

/** Every native-backend row. */
export async function run(): Promise<BenchRow[]> {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    return [...(await nativeVsRaw()), ...(await wasmBesideNative())];
  } finally {
    clearInterval(keepAlive);
  }
}

runWhenMain(import.meta.url, run);
