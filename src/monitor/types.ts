/**
 * The public data shapes of the PerformanceMonitor: statistics of timers and
 * histograms, the metrics snapshot, thresholds and their violations, and the report.
 * Every shape is plain data (JSON-serialisable) except the report's two renderers.
 */

/** What kind of metric a name refers to. A name belongs to exactly one kind. */
export type MetricKind = 'timer' | 'histogram' | 'counter' | 'gauge';

/**
 * Statistics of a distribution (a timer's durations or a histogram's values).
 * `count`, `sum`, `min`, `max` and `mean` are exact; the percentiles and `stddev`
 * come from an HDR histogram and are accurate to 3 significant digits (0.1 %)
 * after values are quantised to `1 / valueScale` (default 0.001 units, i.e. 1 µs
 * for milliseconds). With no samples every field is 0.
 */
export interface HistogramStats {
  /** Number of recorded values. */
  count: number;
  /** Exact sum of the recorded values. */
  sum: number;
  /** Exact smallest recorded value. */
  min: number;
  /** Exact largest recorded value. */
  max: number;
  /** Exact arithmetic mean (`sum / count`). */
  mean: number;
  /** Standard deviation (population), from the histogram. */
  stddev: number;
  /** Median. */
  p50: number;
  /** 90th percentile. */
  p90: number;
  /** 95th percentile. */
  p95: number;
  /** 99th percentile. */
  p99: number;
}

/** Statistics of a timer: the same as a histogram's, every value in milliseconds. */
export type TimerStats = HistogramStats;

/** The spec's metrics snapshot: every metric by kind, then by name. */
export interface PerformanceMetrics {
  /** Durations measured with `startTimer` / `recordTime`, in ms. */
  timers: { [name: string]: TimerStats };
  /** Monotonic counts from `incrementCounter`. */
  counters: { [name: string]: number };
  /** Last values set with `setGauge`. */
  gauges: { [name: string]: number };
  /** Distributions of values given to `recordMetric`. */
  histograms: { [name: string]: HistogramStats };
}

/** A running stopwatch returned by `startTimer`. */
export interface Timer {
  /** The timer's metric name. */
  readonly name: string;
  /** `performance.now()` when the timer started. */
  readonly startedAt: number;
  /**
   * Stops the timer, records the elapsed time under its name and returns it in ms.
   * Stopping again records nothing and returns the same value.
   */
  stop(): number;
  /** Milliseconds since the start (or the final duration once stopped); records nothing. */
  elapsed(): number;
  /** True once `stop()` has been called. */
  readonly stopped: boolean;
}

/** The statistic a threshold compares: a distribution's field, or a counter's / gauge's `value`. */
export type ThresholdStatistic = 'value' | 'count' | 'sum' | 'min' | 'max' | 'mean' | 'p50' | 'p90' | 'p95' | 'p99';

/** Options of `setThreshold`. */
export interface ThresholdOptions {
  /**
   * Which statistic is compared. Default: `max` for timers and histograms (a
   * limit is broken as soon as one sample breaks it), `value` for gauges and counters.
   */
  statistic?: ThresholdStatistic;
  /**
   * `above` (default): violated when the statistic is greater than the threshold;
   * `below`: violated when it is smaller (e.g. a minimum throughput).
   */
  direction?: 'above' | 'below';
  /**
   * The kind the metric is expected to be. Default: whichever kind the name was
   * recorded as (looked up at check time, so a threshold may be set first).
   */
  kind?: MetricKind;
}

/** A threshold as stored: the limit plus the resolved options. */
export interface Threshold {
  metric: string;
  threshold: number;
  statistic?: ThresholdStatistic;
  direction: 'above' | 'below';
  kind?: MetricKind;
}

/** One broken threshold, found by `checkThresholds()`. */
export interface ThresholdViolation {
  /** The metric's name. */
  metric: string;
  /** The limit that was set. */
  threshold: number;
  /** The statistic's value when checked. */
  actual: number;
  /** The metric's kind. */
  kind: MetricKind;
  /** Which statistic was compared (`max`, `p95`, `value`, ...). */
  statistic: ThresholdStatistic;
  /** `above` or `below`, as set. */
  direction: 'above' | 'below';
  /** `Date.now()` when the violation was found. */
  timestamp: number;
}

/** A point-in-time report: data fields, plus `toText()` / `toMarkdown()` renderers. */
export interface PerformanceReport {
  /** `Date.now()` when the report was generated. */
  generatedAt: number;
  /** Milliseconds since the monitor was created or last reset. */
  uptime: number;
  /** Every metric. */
  metrics: PerformanceMetrics;
  /** Every threshold that is set. */
  thresholds: Threshold[];
  /** The thresholds broken when the report was generated. */
  violations: ThresholdViolation[];
  /** A plain-text rendering for logs and terminals. */
  toText(): string;
  /** A Markdown rendering (tables) for issues and docs. */
  toMarkdown(): string;
}
