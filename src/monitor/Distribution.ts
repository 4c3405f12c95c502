/**
 * One metric's distribution: exact count/sum/min/max beside an HDR histogram
 * for percentiles, so memory stays constant however many values are recorded
 * and `record` costs a few arithmetic operations and one array increment.
 *
 * HDR histograms store non-negative integers, so values are scaled by
 * `valueScale` (default 1000: 0.001 units, i.e. 1 µs when values are ms) and
 * rounded. Percentiles keep 3 significant digits of that scaled value.
 */
import hdr from 'hdr-histogram-js';
import type { HistogramStats } from './types.js';

/** Values are multiplied by this before they enter the histogram. Default 1000. */
export const DEFAULT_VALUE_SCALE = 1000;

/** Significant decimal digits kept by the histogram (relative error ≤ 0.1 %). */
export const SIGNIFICANT_DIGITS = 3;

const EMPTY: HistogramStats = Object.freeze({
  count: 0, sum: 0, min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p95: 0, p99: 0,
});

export class Distribution {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** The largest value that can be scaled without losing integer precision. */
  readonly maxRecordable: number;
  private readonly histogram: hdr.Histogram;

  constructor(readonly scale: number = DEFAULT_VALUE_SCALE) {
    this.maxRecordable = Number.MAX_SAFE_INTEGER / scale;
    // The pure-JS build: the WebAssembly one needs an async init and is not faster for single records.
    this.histogram = hdr.build({ useWebAssembly: false, numberOfSignificantValueDigits: SIGNIFICANT_DIGITS });
  }

  /** Records one value. The caller has checked `0 <= value <= maxRecordable`. */
  record(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.histogram.recordValue(Math.round(value * this.scale));
  }

  /** The value at `percentile` (0..100), clamped to the exact min/max. */
  percentile(percentile: number): number {
    if (this.count === 0) return 0;
    // The histogram answers with the top of a bucket, which can lie outside the samples' range.
    const value = this.histogram.getValueAtPercentile(percentile) / this.scale;
    return value < this.min ? this.min : value > this.max ? this.max : value;
  }

  /** A fresh statistics object. */
  stats(): HistogramStats {
    if (this.count === 0) return { ...EMPTY };
    return {
      count: this.count,
      sum: this.sum,
      min: this.min,
      max: this.max,
      mean: this.sum / this.count,
      stddev: this.histogram.stdDeviation / this.scale,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
    };
  }

  /** Forgets every value. */
  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.histogram.reset();
  }
}
