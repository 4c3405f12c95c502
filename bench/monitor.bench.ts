/**
 * The monitor's hot paths against the cheapest thing that could do their job
 * in the same process: `recordMetric` vs a Map sum and vs hdr-histogram-js's own
 * `recordValue`, `incrementCounter` vs a Map counter, `startTimer`+`stop` vs two `performance.now()` calls pushed to an array.
 * Target: recordMetric ≥ 5M calls/s. Last, the orchestrator's per-query
 * monitoring (a timer, a counter, a gauge) as a fraction of a real DuckDB-WASM
 * `SELECT 1` (blocking API, the cheapest query there is): target ≤ 2 %.
 * Run alone with `npx tsx bench/monitor.bench.ts`.
 */
import { createRequire } from 'node:module';
import hdr from 'hdr-histogram-js';
import { compareMs, runWhenMain, type BenchRow } from './harness.js';
import { PerformanceMonitor } from '../src/monitor/index.js';

const CALLS = 2_000_000;
const NAMES = ['query_time', 'plugin_execution_time', 'rows_loaded', 'batch_size'];

/** Latency-like values (ms): a fixed pseudo-random spread, precomputed so the loop measures only the call. */
function values(n: number): Float64Array {
  const out = new Float64Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = ((x >>> 0) % 100_000) / 100; // 0 .. 1000 ms, 10 µs steps
  }
  return out;
}

const opsPerSec = (calls: number, ms: number) => (calls / ms) * 1000;

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const vals = values(4096);

  {
    const monitor = new PerformanceMonitor();
    const sums = new Map<string, number>();
    const t = await compareMs(
      () => {
        for (let i = 0; i < CALLS; i++) monitor.recordMetric(NAMES[i & 3]!, vals[i & 4095]!);
      },
      () => {
        for (let i = 0; i < CALLS; i++) {
          const name = NAMES[i & 3]!;
          sums.set(name, (sums.get(name) ?? 0) + vals[i & 4095]!);
        }
      },
    );
    const ours = opsPerSec(CALLS, t.ours);
    rows.push({
      name: 'monitor.recordMetric (4 names)',
      baselineName: 'Map<string, number> sum',
      ours,
      baseline: opsPerSec(CALLS, t.baseline),
      unit: 'ops/s',
      higherIsBetter: true,
      target: '≥ 5M calls/s',
      met: ours >= 5_000_000,
    });
  }

  {
    const monitor = new PerformanceMonitor();
    const histograms = new Map(NAMES.map((n) => [n, hdr.build({ useWebAssembly: false, numberOfSignificantValueDigits: 3 })]));
    const t = await compareMs(
      () => {
        for (let i = 0; i < CALLS; i++) monitor.recordMetric(NAMES[i & 3]!, vals[i & 4095]!);
      },
      () => {
        for (let i = 0; i < CALLS; i++) histograms.get(NAMES[i & 3]!)!.recordValue(Math.round(vals[i & 4095]! * 1000));
      },
    );
    rows.push({
      name: 'monitor.recordMetric (4 names), vs hdr',
      baselineName: 'hdr-histogram-js recordValue, histogram per name',
      ours: opsPerSec(CALLS, t.ours),
      baseline: opsPerSec(CALLS, t.baseline),
      unit: 'ops/s',
      higherIsBetter: true,
    });
  }

  {
    const monitor = new PerformanceMonitor();
    const counts = new Map<string, number>();
    const t = await compareMs(
      () => {
        for (let i = 0; i < CALLS; i++) monitor.incrementCounter(NAMES[i & 3]!);
      },
      () => {
        for (let i = 0; i < CALLS; i++) {
          const name = NAMES[i & 3]!;
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
      },
    );
    rows.push({
      name: 'monitor.incrementCounter (4 names)',
      baselineName: 'Map<string, number> increment',
      ours: opsPerSec(CALLS, t.ours),
      baseline: opsPerSec(CALLS, t.baseline),
      unit: 'ops/s',
      higherIsBetter: true,
    });
  }

  {
    const monitor = new PerformanceMonitor();
    const TIMERS = 500_000;
    let sink: number[] = [];
    const t = await compareMs(
      () => {
        for (let i = 0; i < TIMERS; i++) monitor.startTimer('query_time').stop();
      },
      () => {
        sink = [];
        for (let i = 0; i < TIMERS; i++) {
          const start = performance.now();
          sink.push(performance.now() - start);
        }
      },
    );
    rows.push({
      name: 'monitor.startTimer + stop',
      baselineName: '2× performance.now() + array push',
      ours: opsPerSec(TIMERS, t.ours),
      baseline: opsPerSec(TIMERS, t.baseline),
      unit: 'ops/s',
      higherIsBetter: true,
    });
  }

  rows.push(await queryOverhead());
  return rows;
}

/**
 * The monitor's per-query bookkeeping as a fraction of the cheapest real query.
 * Timing "query + bookkeeping" against "query" cannot resolve 2 % here: on a
 * shared 2-core machine two identical query loops differ by 5-25 % (measured),
 * so the bookkeeping is timed alone and compared with the bare query's time;
 * the ratio is the fraction it adds to each query.
 */
async function queryOverhead(): Promise<BenchRow> {
  const duckdb = await import('@duckdb/duckdb-wasm/blocking');
  const require = createRequire(import.meta.url);
  const bundle = (name: string) => ({ mainModule: require.resolve(`@duckdb/duckdb-wasm/dist/duckdb-${name}.wasm`), mainWorker: '' });
  const db = await duckdb.createDuckDB({ mvp: bundle('mvp'), eh: bundle('eh') }, { log: () => undefined }, duckdb.NODE_RUNTIME);
  await db.instantiate(() => undefined);
  db.open({});
  const conn = db.connect();
  try {
    // Offline, extension autoload would hang forever.
    conn.query('SET autoload_known_extensions=false');
    conn.query('SET autoinstall_known_extensions=false');
    const QUERIES = 2000;
    const BOOKKEEPING = 200_000;
    const monitor = new PerformanceMonitor();
    let rowsSeen = 0;
    const t = await compareMs(
      () => {
        for (let i = 0; i < BOOKKEEPING; i++) {
          const timer = monitor.startTimer('query_time');
          timer.stop();
          monitor.incrementCounter('queries');
          monitor.setGauge('memory_usage', i);
        }
      },
      () => {
        for (let i = 0; i < QUERIES; i++) rowsSeen += conn.query('SELECT 1').numRows;
      },
      9,
    );
    if (rowsSeen !== QUERIES * 10) throw new Error(`expected ${QUERIES * 10} rows from the queries, saw ${rowsSeen}`);
    const ours = (t.ours / BOOKKEEPING) * 1000;
    const baseline = (t.baseline / QUERIES) * 1000;
    return {
      name: 'per-query monitoring alone (timer + counter + gauge)',
      baselineName: 'one SELECT 1, duckdb-wasm blocking',
      ours,
      baseline,
      unit: 'µs/op',
      higherIsBetter: false,
      target: 'ratio ≤ 0.02 (≤ 2 % of a query)',
      met: ours / baseline <= 0.02,
    };
  } finally {
    conn.close();
    db.reset();
  }
}

runWhenMain(import.meta.url, run);
