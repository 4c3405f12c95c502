/**
 * The orchestrated path against raw DuckDB-WASM on the same database: queries
 * through `orchestrator.getEngine()` (actor-derived state checks, the FIFO bound,
 * the `query_time` metric) vs the raw connection, and `initialize()` + `shutdown()`
 * vs the raw instantiate.
 */
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { DataPrismOrchestrator } from '../src/orchestrator/DataPrismOrchestrator.js';
import type { Logger } from '../src/events/types.js';
import { rawWorkerStartAndStop } from './rawDuckDB.js';
import { abbaRows, compareAbbaMs, compareMs, processCpuMs, runWhenMain, type BenchRow } from './harness.js';

const SELECTS = 1000;
const ROWS = 1_000_000;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function row(name: string, ours: number, baseline: number, target: string, limit: number): BenchRow {
  return { name, baselineName: 'raw duckdb-wasm, same database', ours, baseline, unit: 'ms', higherIsBetter: false, target, met: ours / baseline <= limit };
}

async function selectOnes(query: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < SELECTS; i++) await query();
}

async function workerRows(): Promise<BenchRow[]> {
  const orchestrator = new DataPrismOrchestrator({ logger: quiet, engineOptions: { mode: 'worker' } });
  await orchestrator.initialize();
  // The engine holds its worker only while it has work in flight; the raw baseline needs it all along.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const engine = orchestrator.getEngine();
    const raw: AsyncDuckDBConnection = await (engine.unsafeDuckDB() as AsyncDuckDB).connect();
    const rows: BenchRow[] = [];
    let m = await compareMs(() => selectOnes(() => engine.query('SELECT 1')), () => selectOnes(() => raw.query('SELECT 1')), 5);
    rows.push(row(`orchestrated engine.query SELECT 1 ×${SELECTS} (worker)`, m.ours, m.baseline, 'ratio ≤ 1.15', 1.15));
    await engine.query(`CREATE TABLE g AS SELECT range AS i, range % 1000 AS k, (range * 7 % 1013) / 3.0 AS v FROM range(${ROWS})`);
    const groupBy = 'SELECT k, sum(v) AS s, count(*) AS c FROM g GROUP BY k';
    m = await compareMs(() => engine.query(groupBy), () => raw.query(groupBy), 9);
    rows.push(row('orchestrated engine.query GROUP BY over 1M rows (worker)', m.ours, m.baseline, 'ratio ≤ 1.05', 1.05));
    await raw.close();
    return rows;
  } finally {
    clearInterval(keepAlive);
    await orchestrator.shutdown();
  }
}

async function blockingRow(): Promise<BenchRow> {
  const orchestrator = new DataPrismOrchestrator({ logger: quiet, engineOptions: { mode: 'blocking' } });
  await orchestrator.initialize();
  try {
    const engine = orchestrator.getEngine();
    const raw = (engine.unsafeDuckDB() as DuckDBBindings).connect();
    const m = await compareMs(() => selectOnes(() => engine.query('SELECT 1')), () => selectOnes(async () => raw.query('SELECT 1')), 5);
    raw.close();
    return row(`orchestrated engine.query SELECT 1 ×${SELECTS} (blocking)`, m.ours, m.baseline, 'ratio ≤ 1.15', 1.15);
  } finally {
    await orchestrator.shutdown();
  }
}

async function initializeRows(): Promise<BenchRow[]> {
  const ours = async () => {
    const orchestrator = new DataPrismOrchestrator({ logger: quiet, engineOptions: { mode: 'worker' } });
    await orchestrator.initialize();
    await orchestrator.getEngine().query('SELECT 1');
    await orchestrator.shutdown();
  };
  // A start is ~1 s and drifts with the machine's load: ABBA order, a warm-up and 8 samples a side.
  const m = await compareAbbaMs(ours, rawWorkerStartAndStop, { samples: 8, warmup: 1, cpuClock: processCpuMs });
  return abbaRows(m, {
    name: 'orchestrator initialize() + SELECT 1 + shutdown() (worker)',
    baselineName: 'raw AsyncDuckDB instantiate + open + connect + SELECT 1 + terminate',
    maxSlowdown: 1.15,
    target: 'ratio ≤ 1.15',
  });
}

/** Every orchestrated-path benchmark row. */
export async function run(): Promise<BenchRow[]> {
  return [...(await workerRows()), await blockingRow(), ...(await initializeRows())];
}

runWhenMain(import.meta.url, run);
