/**
 * One metric's distribution: exact count/sum/min/max beside an HDR histogram
 * for percentiles, so memory stays bounded however many values are recorded.
 *
 * HDR histograms store non-negative integers, so values are scaled by
 * `valueScale` (default 1000: 0.001 units, i.e. 1 µs when values are ms) and
 * rounded; percentiles keep 3 significant digits of the scaled value.
 *
 * Recording is the hot path, so it does not call hdr-histogram-js per value
 * (its `recordValue` computes the bucket with `log2` and `pow` and runs range,
 * resize and min/max checks). Instead it counts into a typed array laid out
 * exactly like that HDR histogram (lowest discernible value 1, 3 significant
 * digits: 2048 sub-buckets, half of them per power of two above the first), with
 * the index found by `Math.clz32`. Reading replays the non-empty buckets into
 * the real hdr-histogram-js histogram (`recordValueWithCount`), which computes
 * percentiles and the standard deviation — the same answers as recording every
 * value into it directly.
 *
 * It imports hdr-histogram-js's `Float64Histogram` module alone, not the
 * package's entry: the entry also brings the WebAssembly build (a base64 wasm)
 * and log encoding (pako) — some 40 kB gzip in a browser bundle, and an `eval`
 * that Vite warns about — none of which this uses.
 */
import Float64HistogramModule from 'hdr-histogram-js/dist/Float64Histogram.js';
import type { HistogramStats } from './types.js';

/** Values are multiplied by this before they enter the histogram. Default 1000. */
export const DEFAULT_VALUE_SCALE = 1000;

/** Significant decimal digits kept by the histogram (relative error ≤ 0.1 %). */
export const SIGNIFICANT_DIGITS = 3;

// HDR's layout for SIGNIFICANT_DIGITS = 3 and a lowest discernible value of 1.
const SUB_BUCKET_COUNT = 2048;
const HALF_MAGNITUDE = 10; // log2(SUB_BUCKET_COUNT / 2)
const TWO_POW_32 = 4294967296;

// A CommonJS module with `exports.default`, on which tools disagree: Node (and bundlers
// in Node mode) hand its exports object to a default import, Vite's transform its `default`.
type Float64HistogramClass = (typeof Float64HistogramModule)['default'];
const imported = Float64HistogramModule as Float64HistogramClass | typeof Float64HistogramModule;
const Float64Histogram: Float64HistogramClass = 'default' in imported ? imported.default : imported;
type HdrHistogram = InstanceType<Float64HistogramClass>;

const EMPTY: HistogramStats = Object.freeze({
  count: 0, sum: 0, min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p95: 0, p99: 0,
});

/** The counts-array index HDR uses for the non-negative integer `v`. */
export function bucketIndex(v: number): number {
  if (v < SUB_BUCKET_COUNT) return v;
  if (v < TWO_POW_32) {
    const shift = 31 - Math.clz32(v) - HALF_MAGNITUDE;
    return (shift << HALF_MAGNITUDE) + (v >>> shift);
  }
  // Beyond 32 bits: log2 may round at the edge of a power of two, so correct the shift.
  let shift = Math.floor(Math.log2(v)) - HALF_MAGNITUDE;
  let sub = Math.floor(v / 2 ** shift);
  if (sub < SUB_BUCKET_COUNT / 2) sub = Math.floor(v / 2 ** --shift);
  else if (sub >= SUB_BUCKET_COUNT) sub = Math.floor(v / 2 ** ++shift);
  return shift * (SUB_BUCKET_COUNT / 2) + sub;
}

/** The smallest integer that falls in bucket `index`. */
export function bucketLowValue(index: number): number {
  if (index < SUB_BUCKET_COUNT) return index;
  const shift = Math.floor(index / (SUB_BUCKET_COUNT / 2)) - 1;
  return (index - shift * (SUB_BUCKET_COUNT / 2)) * 2 ** shift;
}

/** The recorder behind one timer or histogram: exact moments plus HDR buckets. */
export class Distribution {
  /** Values recorded. Starts at 0. */
  count = 0;
  /** Exact sum of the values. Starts at 0. */
  sum = 0;
  /** Exact smallest value; `Infinity` while empty. */
  min = Number.POSITIVE_INFINITY;
  /** Exact largest value; `-Infinity` while empty. */
  max = Number.NEGATIVE_INFINITY;
  /** The largest value that can be scaled without losing integer precision. */
  readonly maxRecordable: number;
  private counts = new Float64Array(SUB_BUCKET_COUNT * 2);
  private highestIndex = 0;
  private readonly histogram: HdrHistogram;
  private replayed = true;

  /** `scale`: values are multiplied by it and rounded before bucketing. Default 1000. */
  constructor(readonly scale: number = DEFAULT_VALUE_SCALE) {
    this.maxRecordable = Number.MAX_SAFE_INTEGER / scale;
    // What hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3 }) makes: the
    // pure-JS histogram with 64-bit float counts, lowest value 1, growing as values come.
    // (The WebAssembly one needs an async init, and reads are rare.)
    this.histogram = new Float64Histogram(1, 2, SIGNIFICANT_DIGITS);
    this.histogram.autoResize = true;
  }

  /** Records one value. The caller has checked `0 <= value <= maxRecordable`. */
  record(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    const index = bucketIndex(Math.round(value * this.scale));
    if (index >= this.counts.length) this.grow(index);
    this.counts[index]!++;
    if (index > this.highestIndex) this.highestIndex = index;
    this.replayed = false;
  }

  /** The value at `percentile` (0..100), clamped to the exact min/max. */
  percentile(percentile: number): number {
    if (this.count === 0) return 0;
    const value = this.hdr().getValueAtPercentile(percentile) / this.scale;
    // The histogram answers with the top of a bucket, which can lie outside the samples' range.
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
      stddev: this.hdr().stdDeviation / this.scale,
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
    this.counts.fill(0);
    this.highestIndex = 0;
    this.histogram.reset();
    this.replayed = true;
  }

  /** The hdr-histogram-js histogram holding every recorded value (replayed from the counts when stale). */
  private hdr(): HdrHistogram {
    if (!this.replayed) {
      this.histogram.reset();
      const counts = this.counts;
      for (let i = 0; i <= this.highestIndex; i++) {
        const n = counts[i]!;
        if (n !== 0) this.histogram.recordValueWithCount(bucketLowValue(i), n);
      }
      this.replayed = true;
    }
    return this.histogram;
  }

  private grow(index: number): void {
    let length = this.counts.length;
    while (length <= index) length *= 2;
    const next = new Float64Array(length);
    next.set(this.counts);
    this.counts = next;
  }
}
