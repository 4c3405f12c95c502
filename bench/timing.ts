/**
 * Interleaved timing, free of Node APIs so that the browser benchmark page
 * (bench/browser/page.js, bundled for Chromium) uses the same code as Node's.
 */

/**
 * Times `ours` and `baseline` interleaved (A B A B ...), so that drift of a shared,
 * noisy machine hits both alike; returns the median ms of each.
 */
export async function compareMs(
  ours: () => unknown,
  baseline: () => unknown,
  iterations = 7,
  warmup = 1,
): Promise<{ ours: number; baseline: number }> {
  for (let i = 0; i < warmup; i++) {
    await baseline();
    await ours();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < iterations; i++) {
    let start = performance.now();
    await baseline();
    b.push(performance.now() - start);
    start = performance.now();
    await ours();
    a.push(performance.now() - start);
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { ours: median(a), baseline: median(b) };
}

/** How `compareAbbaMs` samples. */
export interface AbbaOptions {
  /** Samples of each side; rounded up to even, so each order occurs equally often. Default 20. */
  samples?: number;
  /** Calls per sample: a sample times `batch` calls back to back. Default 1. */
  batch?: number;
  /** Untimed calls of each side first. Default 2. */
  warmup?: number;
  /**
   * A second clock read on the same samples, in ms: in Node the process's CPU
   * time (`process.cpuUsage`, every thread, so a worker's and DuckDB's too).
   * Under load CPU time hides the time a thread waits for a core, which wall
   * time counts against whichever side happened to wait.
   */
  cpuClock?: () => number;
}

/** Median ms per call of each side; `oursCpu` / `baselineCpu` when a `cpuClock` was given. */
export interface AbbaResult {
  ours: number;
  baseline: number;
  oursCpu?: number;
  baselineCpu?: number;
}

/**
 * Times `ours` and `baseline` in ABBA order (B A, A B, B A, ...), so that neither
 * side always runs right after the other: drift of a shared, noisy machine, and
 * whatever one side leaves behind (GC debt, a busy worker) hit both alike.
 * Each sample is `batch` calls, which lifts short operations above the timer's
 * resolution (100 µs in a page that is not cross-origin isolated) and scheduling
 * jitter. Returns the median ms per call of each side.
 */
export async function compareAbbaMs(ours: () => unknown, baseline: () => unknown, options: AbbaOptions = {}): Promise<AbbaResult> {
  const samples = Math.ceil((options.samples ?? 20) / 2) * 2;
  const batch = options.batch ?? 1;
  const warmup = options.warmup ?? 2;
  const cpuClock = options.cpuClock;
  for (let i = 0; i < warmup; i++) {
    await baseline();
    await ours();
  }
  const sample = async (fn: () => unknown, into: number[], cpuInto: number[]) => {
    const cpuStart = cpuClock?.() ?? 0;
    const start = performance.now();
    for (let j = 0; j < batch; j++) await fn();
    into.push((performance.now() - start) / batch);
    if (cpuClock) cpuInto.push((cpuClock() - cpuStart) / batch);
  };
  const a: number[] = [];
  const b: number[] = [];
  const aCpu: number[] = [];
  const bCpu: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i % 2 === 0) {
      await sample(baseline, b, bCpu);
      await sample(ours, a, aCpu);
    } else {
      await sample(ours, a, aCpu);
      await sample(baseline, b, bCpu);
    }
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { ours: median(a), baseline: median(b), ...(cpuClock ? { oursCpu: median(aCpu), baselineCpu: median(bCpu) } : {}) };
}
