/**
 * The shared shape of every benchmark: each `bench/*.bench.ts` exports
 * `run(): Promise<BenchRow[]>`, measuring ours and the baseline in the same
 * process. `bench/run.ts` runs them all, prints one table and writes
 * `bench/results.json`, from which the README's table is generated.
 */
import { pathToFileURL } from 'node:url';
import type { AbbaResult } from './timing.js';

export { compareAbbaMs, compareMs, type AbbaResult } from './timing.js';

/** CPU time of this process so far, ms: every thread's (the worker's, DuckDB's), for `compareAbbaMs`'s `cpuClock`. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export interface BenchRow {
  /** What was measured, e.g. `engine.query SELECT 1 ×1000 (worker)`. */
  name: string;
  /** The baseline it is compared with, e.g. `raw duckdb-wasm conn.query`. */
  baselineName: string;
  /** Our measurement, in `unit`. */
  ours: number;
  /** The baseline's measurement, in `unit`. */
  baseline: number;
  /** `ms`, `µs/op`, `ops/s`, `rows/s`, `MB`, ... */
  unit: string;
  /** True when a larger number is better (throughput); false for times. */
  higherIsBetter: boolean;
  /** The target, in words, e.g. `ratio ≤ 1.15`. */
  target?: string;
  /** Whether the target was met on this run. */
  met?: boolean;
}

/** What `abbaRows` needs to know about a comparison besides its numbers. */
export interface AbbaRowSpec {
  name: string;
  baselineName: string;
  /** Applied to ours / baseline (times) or baseline / ours (`perMs` given): a slowdown bound, e.g. 1.15. */
  maxSlowdown: number;
  /** The target in words, e.g. `ratio ≤ 1.15`. */
  target: string;
  /** Reports throughput (`perMs / ms`, in `unit`) instead of ms. */
  perMs?: number;
  unit?: string;
}

/**
 * The rows of one `compareAbbaMs` run with a `cpuClock`: wall time (the target's
 * row) and CPU time of the very same samples, so a reader of a table measured on
 * a busy machine can tell waiting for a core from work. The CPU row is
 * information, not judged: the targets are about the time a user waits, and CPU
 * time also counts work that overlaps on other threads (DuckDB's worker, the
 * decoder) without making anyone wait longer.
 */
export function abbaRows(m: AbbaResult, spec: AbbaRowSpec): BenchRow[] {
  const make = (ours: number, baseline: number, suffix: string, judged: boolean): BenchRow => {
    const throughput = spec.perMs !== undefined;
    const o = throughput ? spec.perMs! / ours : ours;
    const b = throughput ? spec.perMs! / baseline : baseline;
    const slow = ours / baseline;
    return {
      name: `${spec.name}${suffix}`,
      baselineName: spec.baselineName,
      ours: o,
      baseline: b,
      unit: spec.unit ?? 'ms',
      higherIsBetter: throughput,
      ...(judged ? { target: spec.target, met: slow <= spec.maxSlowdown } : { target: `information: CPU time of the same samples, every thread (the wall row is judged: ${spec.target})` }),
    };
  };
  const rows = [make(m.ours, m.baseline, '', true)];
  if (m.oursCpu !== undefined && m.baselineCpu !== undefined) rows.push(make(m.oursCpu, m.baselineCpu, ', CPU time', false));
  return rows;
}

/** ours / baseline for times, baseline / ours for throughputs: > 1 means we are slower. */
export function slowdown(row: Pick<BenchRow, 'ours' | 'baseline' | 'higherIsBetter'>): number {
  return row.higherIsBetter ? row.baseline / row.ours : row.ours / row.baseline;
}

/** Runs `fn` `iterations` times after `warmup` runs and returns the median time in ms. */
export async function medianMs(fn: () => unknown, iterations = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6) return value.toExponential(3);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Renders rows as a markdown table: name | ours | baseline | ratio | target | met. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = '| benchmark | ours | baseline | ratio (ours/baseline) | target | met |\n|---|---|---|---|---|---|';
  const lines = rows.map((r) => {
    const ratio = r.ours / r.baseline;
    return `| ${r.name} | ${fmt(r.ours)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} (${r.baselineName}) | ${fmt(ratio)} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |`;
  });
  return [header, ...lines].join('\n');
}

/**
 * Runs a benchmark module's `run()` and prints its table when the module is the
 * program itself (`npx tsx bench/x.bench.ts`), not when `bench/run.ts` imports it.
 */
export function runWhenMain(moduleUrl: string, run: () => Promise<BenchRow[]>): void {
  const script = process.argv[1];
  if (script === undefined || moduleUrl !== pathToFileURL(script).href) return;
  run().then(
    (rows) => console.log(formatTable(rows)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
