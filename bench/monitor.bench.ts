/**
 * The monitor's hot paths against the cheapest thing that could do their job
 * in the same process: `recordMetric` vs a Map sum and vs hdr-histogram-js's own
 * `recordValue`, `incrementCounter` vs a Map counter, `startTimer`+`stop` vs two `performance.now()` calls pushed to an array.
 * Target: recordMetric ≥ 5M calls/s. Run alone with `npx tsx bench/monitor.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import hdr from 'hdr-histogram-js';
import { compareMs, formatTable, type BenchRow } from './harness.js';
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

  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatTable(await run()));
}
