// Percentiles come from an HDR histogram: check them against known distributions
// and against exact order statistics of the same samples.
import { describe, expect, it } from 'vitest';
import { PerformanceMonitor } from '../../src/monitor/index.js';
import { seededRandom } from '../../machines/random.js';

function exactPercentile(sorted: number[], p: number): number {
  // HDR's definition: the smallest value such that p % of samples are ≤ it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

describe('histogram percentiles', () => {
  it('uniform 1..10000: p50 ≈ 5000, p90 ≈ 9000, p99 ≈ 9900, exact count/min/max/mean', () => {
    const monitor = new PerformanceMonitor();
    for (let v = 1; v <= 10_000; v++) monitor.recordMetric('uniform', v);
    const s = monitor.getMetrics().histograms['uniform']!;
    expect(s.count).toBe(10_000);
    expect(s.min).toBe(1);
    expect(s.max).toBe(10_000);
    expect(s.sum).toBe(50_005_000);
    expect(s.mean).toBe(5000.5);
    // 3 significant digits: relative error ≤ 0.1 %.
    expect(Math.abs(s.p50 - 5000) / 5000).toBeLessThanOrEqual(0.001);
    expect(Math.abs(s.p90 - 9000) / 9000).toBeLessThanOrEqual(0.001);
    expect(Math.abs(s.p95 - 9500) / 9500).toBeLessThanOrEqual(0.001);
    expect(Math.abs(s.p99 - 9900) / 9900).toBeLessThanOrEqual(0.001);
    // Population stddev of 1..n is sqrt((n²-1)/12).
    expect(Math.abs(s.stddev - Math.sqrt((10_000 ** 2 - 1) / 12)) / 2886.75).toBeLessThan(0.002);
  });

  it('exponential sample: percentiles match exact order statistics and the theoretical quantiles', () => {
    const rand = seededRandom(42);
    const mean = 100;
    const samples: number[] = [];
    const monitor = new PerformanceMonitor();
    for (let i = 0; i < 200_000; i++) {
      const v = -mean * Math.log(1 - rand());
      samples.push(v);
      monitor.recordMetric('latency', v);
    }
    samples.sort((a, b) => a - b);
    const s = monitor.getMetrics().histograms['latency']!;
    for (const p of [50, 90, 95, 99] as const) {
      const exact = exactPercentile(samples, p);
      const ours = s[`p${p}`];
      // Histogram precision (0.1 %) plus the 0.001-unit quantum.
      expect(Math.abs(ours - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.001);
      // And the sample follows the distribution: quantile(p) = -mean·ln(1 - p).
      const theoretical = -mean * Math.log(1 - p / 100);
      expect(Math.abs(ours - theoretical) / theoretical).toBeLessThan(0.03);
    }
    expect(s.min).toBe(samples[0]);
    expect(s.max).toBe(samples[samples.length - 1]);
    expect(Math.abs(s.mean - mean) / mean).toBeLessThan(0.01);
    expect(Math.abs(s.stddev - mean) / mean).toBeLessThan(0.02);
  });

  it('fractional milliseconds keep 1 µs resolution', () => {
    const monitor = new PerformanceMonitor();
    monitor.recordTime('t', 0.25);
    monitor.recordTime('t', 0.25);
    monitor.recordTime('t', 0.75);
    const s = monitor.getMetrics().timers['t']!;
    expect(s.p50).toBeCloseTo(0.25, 3);
    expect(s.p99).toBeCloseTo(0.75, 3);
    expect(s.mean).toBeCloseTo(1.25 / 3, 12);
  });

  it('percentiles never fall outside the recorded range', () => {
    const monitor = new PerformanceMonitor();
    monitor.recordMetric('one', 123.456789);
    const s = monitor.getMetrics().histograms['one']!;
    for (const p of [s.p50, s.p90, s.p95, s.p99]) expect(p).toBe(123.456789);
    expect(s.stddev).toBe(0);
  });

  it('an empty histogram reports zeros', () => {
    const monitor = new PerformanceMonitor();
    monitor.startTimer('never');
    expect(monitor.getMetrics().timers['never']).toEqual({ count: 0, sum: 0, min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p95: 0, p99: 0 });
  });
});
