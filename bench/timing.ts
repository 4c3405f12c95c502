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
