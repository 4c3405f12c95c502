/**
 * Threshold evaluation: which statistic of a metric is compared with its limit,
 * and whether it is broken. Pure functions over statistics, so the monitor only
 * gathers the numbers.
 */
import type { HistogramStats, MetricKind, Threshold, ThresholdStatistic, ThresholdViolation } from './types.js';

const DISTRIBUTION_STATISTICS: readonly ThresholdStatistic[] = ['count', 'sum', 'min', 'max', 'mean', 'p50', 'p90', 'p95', 'p99'];

/** The statistic compared when none is given: `max` for distributions, `value` for counters and gauges. */
export function defaultStatistic(kind: MetricKind): ThresholdStatistic {
  return kind === 'timer' || kind === 'histogram' ? 'max' : 'value';
}

/** True when `statistic` can be read from a metric of `kind`. */
export function statisticFits(kind: MetricKind, statistic: ThresholdStatistic): boolean {
  return kind === 'timer' || kind === 'histogram' ? DISTRIBUTION_STATISTICS.includes(statistic) : statistic === 'value';
}

/** The statistic's value from a distribution's stats. */
export function readStatistic(stats: HistogramStats, statistic: Exclude<ThresholdStatistic, 'value'>): number {
  return stats[statistic];
}

/** A violation when `actual` breaks `threshold`, else undefined. */
export function evaluate(
  threshold: Threshold,
  kind: MetricKind,
  statistic: ThresholdStatistic,
  actual: number,
  now: number,
): ThresholdViolation | undefined {
  const broken = threshold.direction === 'above' ? actual > threshold.threshold : actual < threshold.threshold;
  if (!broken) return undefined;
  return {
    metric: threshold.metric,
    threshold: threshold.threshold,
    actual,
    kind,
    statistic,
    direction: threshold.direction,
    timestamp: now,
  };
}
