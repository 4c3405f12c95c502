/**
 * The spec's PerformanceMonitor: timers, histograms (`recordMetric`), counters
 * and gauges, thresholds and reports. Recording is the hot path (the
 * orchestrator records per query, per plugin action and per event), so each
 * name's record is created once and cached in a Map; a record call is one Map
 * lookup plus a few arithmetic operations, with no allocation. Reading
 * (`getMetrics`, `generateReport`, `checkThresholds`) does the work instead.
 */
import { ValidationError } from '../errors/ValidationError.js';
import { DEFAULT_VALUE_SCALE, Distribution } from './Distribution.js';
import { renderMarkdown, renderText, type ReportData } from './report.js';
import { RunningTimer } from './RunningTimer.js';
import { defaultStatistic, evaluate, readStatistic, statisticFits } from './thresholds.js';
import type {
  MetricKind,
  PerformanceMetrics,
  PerformanceReport,
  Threshold,
  ThresholdOptions,
  ThresholdViolation,
  Timer,
} from './types.js';

export interface PerformanceMonitorOptions {
  /** Record anything at all. When false every record call returns at once. Default `true`. */
  enabled?: boolean;
  /**
   * Values are multiplied by this and rounded before entering a histogram, which
   * stores integers: 1000 keeps 0.001 units (1 µs for ms). Default 1000.
   */
  valueScale?: number;
  /** The clock for timestamps (`generatedAt`, violations). Default `Date.now`. */
  now?: () => number;
}

/** A mutable number cell, so a counter increment is one lookup and one add. */
interface Cell {
  value: number;
}

const NO_TIMER_DISTRIBUTION = undefined;

/**
 * Collects timers, histograms, counters and gauges, checks thresholds and
 * writes reports. Cheap enough to call per query and per event; see the file header.
 */
export class PerformanceMonitor {
  private readonly timers = new Map<string, Distribution>();
  private readonly histograms = new Map<string, Distribution>();
  private readonly counters = new Map<string, Cell>();
  private readonly gauges = new Map<string, Cell>();
  private readonly thresholds = new Map<string, Threshold>();
  private readonly scale: number;
  private readonly now: () => number;
  private enabled: boolean;
  private startedAt: number;

  constructor(options: PerformanceMonitorOptions = {}) {
    const scale = options.valueScale ?? DEFAULT_VALUE_SCALE;
    if (!(scale > 0 && Number.isFinite(scale))) {
      throw new ValidationError(`PerformanceMonitor: valueScale must be a positive finite number, got ${String(scale)}`, { component: 'monitor' });
    }
    this.scale = scale;
    this.now = options.now ?? Date.now;
    this.enabled = options.enabled ?? true;
    this.startedAt = performance.now();
  }

  /** Whether recording is on. Default `true`. */
  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Turns recording on or off; data already recorded is kept. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  /**
   * Starts a stopwatch for `name`. Its `stop()` records the elapsed milliseconds
   * (from `performance.now()`) into the timer `name` and returns them; a second
   * `stop()` is a no-op returning the same value.
   */
  startTimer(name: string): Timer {
    if (!this.enabled) return new RunningTimer(name, NO_TIMER_DISTRIBUTION);
    return new RunningTimer(name, this.timers.get(name) ?? this.create(this.timers, 'timer', name));
  }

  /** Records a duration in ms measured elsewhere into the timer `name`. */
  recordTime(name: string, ms: number): void {
    if (!this.enabled) return;
    const d = this.timers.get(name) ?? this.create(this.timers, 'timer', name);
    if (!(ms >= 0 && ms <= d.maxRecordable)) throw this.badValue('recordTime', name, ms, d);
    d.record(ms);
  }

  /** Runs `fn` and records how long it took (until its promise settles, if it returns one) into the timer `name`. */
  async time<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const timer = this.startTimer(name);
    try {
      return await fn();
    } finally {
      timer.stop();
    }
  }

  /**
   * Records `value` into the histogram `name` (count, sum, min, max, mean and
   * percentiles are reported). Values must be finite and ≥ 0.
   */
  recordMetric(name: string, value: number): void {
    if (!this.enabled) return;
    const d = this.histograms.get(name) ?? this.create(this.histograms, 'histogram', name);
    if (!(value >= 0 && value <= d.maxRecordable)) throw this.badValue('recordMetric', name, value, d);
    d.record(value);
  }

  /** Adds `by` (default 1, must be ≥ 0) to the counter `name`, which starts at 0. */
  incrementCounter(name: string, by = 1): void {
    if (!this.enabled) return;
    const c = this.counters.get(name) ?? this.create(this.counters, 'counter', name);
    if (!(by >= 0 && by < Number.POSITIVE_INFINITY)) {
      throw new ValidationError(`PerformanceMonitor.incrementCounter('${name}'): the increment must be a finite number ≥ 0, got ${String(by)}; counters only grow — use setGauge for values that go down`, { component: 'monitor' });
    }
    c.value += by;
  }

  /** Sets the gauge `name` to `value` (any finite number; the last value wins). */
  setGauge(name: string, value: number): void {
    if (!this.enabled) return;
    const g = this.gauges.get(name) ?? this.create(this.gauges, 'gauge', name);
    if (!Number.isFinite(value)) {
      throw new ValidationError(`PerformanceMonitor.setGauge('${name}'): the value must be a finite number, got ${String(value)}`, { component: 'monitor' });
    }
    g.value = value;
  }

  /** The kind `name` was recorded as, or undefined if it never was. */
  kindOf(name: string): MetricKind | undefined {
    if (this.timers.has(name)) return 'timer';
    if (this.histograms.has(name)) return 'histogram';
    if (this.counters.has(name)) return 'counter';
    if (this.gauges.has(name)) return 'gauge';
    return undefined;
  }

  /** A fresh snapshot of every metric (plain objects, safe to keep or mutate). */
  getMetrics(): PerformanceMetrics {
    const metrics: PerformanceMetrics = { timers: {}, counters: {}, gauges: {}, histograms: {} };
    for (const [name, d] of this.timers) metrics.timers[name] = d.stats();
    for (const [name, d] of this.histograms) metrics.histograms[name] = d.stats();
    for (const [name, c] of this.counters) metrics.counters[name] = c.value;
    for (const [name, g] of this.gauges) metrics.gauges[name] = g.value;
    return metrics;
  }

  /**
   * Sets (or replaces) the limit of `metric`. What is compared: see
   * `ThresholdOptions` — by default a timer's or histogram's `max`, a gauge's or
   * counter's current `value`, violated when it is above `threshold`.
   */
  setThreshold(metric: string, threshold: number, options: ThresholdOptions = {}): void {
    assertName('setThreshold', metric);
    if (!Number.isFinite(threshold)) {
      throw new ValidationError(`PerformanceMonitor.setThreshold('${metric}'): the threshold must be a finite number, got ${String(threshold)}`, { component: 'monitor' });
    }
    const direction = options.direction ?? 'above';
    if (direction !== 'above' && direction !== 'below') {
      throw new ValidationError(`PerformanceMonitor.setThreshold('${metric}'): direction must be 'above' or 'below', got ${String(direction)}`, { component: 'monitor' });
    }
    if (options.kind !== undefined && options.statistic !== undefined && !statisticFits(options.kind, options.statistic)) {
      throw new ValidationError(`PerformanceMonitor.setThreshold('${metric}'): a ${options.kind} has no statistic '${options.statistic}'`, { component: 'monitor' });
    }
    const entry: Threshold = { metric, threshold, direction };
    if (options.statistic !== undefined) entry.statistic = options.statistic;
    if (options.kind !== undefined) entry.kind = options.kind;
    this.thresholds.set(metric, entry);
  }

  /** Removes the limit of `metric`; returns whether there was one. */
  clearThreshold(metric: string): boolean {
    return this.thresholds.delete(metric);
  }

  /** Every threshold that is set (copies). */
  getThresholds(): Threshold[] {
    return [...this.thresholds.values()].map((t) => ({ ...t }));
  }

  /**
   * The thresholds broken now. A threshold on a metric that has no data yet (or
   * whose kind differs from the one it was set for) is not broken.
   */
  checkThresholds(): ThresholdViolation[] {
    const violations: ThresholdViolation[] = [];
    const now = this.now();
    for (const t of this.thresholds.values()) {
      const kind = this.kindOf(t.metric);
      if (kind === undefined || (t.kind !== undefined && t.kind !== kind)) continue;
      const statistic = t.statistic ?? defaultStatistic(kind);
      if (!statisticFits(kind, statistic)) continue;
      let actual: number;
      if (kind === 'counter') actual = this.counters.get(t.metric)!.value;
      else if (kind === 'gauge') actual = this.gauges.get(t.metric)!.value;
      else {
        const d = (kind === 'timer' ? this.timers : this.histograms).get(t.metric)!;
        if (d.count === 0) continue;
        actual = readStatistic(d.stats(), statistic as Exclude<typeof statistic, 'value'>);
      }
      const v = evaluate(t, kind, statistic, actual, now);
      if (v !== undefined) violations.push(v);
    }
    return violations;
  }

  /** A report of everything now: data plus `toText()` / `toMarkdown()`. */
  generateReport(): PerformanceReport {
    const data: ReportData = {
      generatedAt: this.now(),
      uptime: performance.now() - this.startedAt,
      metrics: this.getMetrics(),
      thresholds: this.getThresholds(),
      violations: this.checkThresholds(),
    };
    const report = data as PerformanceReport;
    // Renderers are non-enumerable so JSON.stringify(report) is the data alone.
    Object.defineProperty(report, 'toText', { value: () => renderText(data), enumerable: false });
    Object.defineProperty(report, 'toMarkdown', { value: () => renderMarkdown(data), enumerable: false });
    return report;
  }

  /** Forgets every recorded value and restarts `uptime`; thresholds stay. */
  reset(): void {
    this.timers.clear();
    this.histograms.clear();
    this.counters.clear();
    this.gauges.clear();
    this.startedAt = performance.now();
  }

  private create(map: Map<string, Distribution>, kind: 'timer' | 'histogram', name: string): Distribution;
  private create(map: Map<string, Cell>, kind: 'counter' | 'gauge', name: string): Cell;
  private create(map: Map<string, Distribution | Cell>, kind: MetricKind, name: string): Distribution | Cell {
    assertName(kind, name);
    const existing = this.kindOf(name);
    if (existing !== undefined && existing !== kind) {
      throw new ValidationError(`PerformanceMonitor: '${name}' is already a ${existing}; it cannot also be a ${kind}. Use another name.`, { component: 'monitor' });
    }
    const record = kind === 'timer' || kind === 'histogram' ? new Distribution(this.scale) : { value: 0 };
    map.set(name, record);
    return record;
  }

  private badValue(method: string, name: string, value: number, d: Distribution): ValidationError {
    return new ValidationError(
      `PerformanceMonitor.${method}('${name}'): the value must be a finite number between 0 and ${d.maxRecordable}, got ${String(value)}; record negative or unbounded quantities with setGauge`,
      { component: 'monitor' },
    );
  }
}

function assertName(what: string, name: unknown): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValidationError(`PerformanceMonitor (${what}): a metric name must be a non-empty string, got ${String(name)}`, { component: 'monitor' });
  }
}
