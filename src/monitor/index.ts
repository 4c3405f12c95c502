/** The performance monitor's public API: the class, its options and every data type it hands out. */
export { PerformanceMonitor, type PerformanceMonitorOptions } from './PerformanceMonitor.js';
export { countEvents, type WildcardSource } from './countEvents.js';
export { DEFAULT_VALUE_SCALE, SIGNIFICANT_DIGITS } from './Distribution.js';
export type {
  HistogramStats,
  MetricKind,
  PerformanceMetrics,
  PerformanceReport,
  Threshold,
  ThresholdOptions,
  ThresholdStatistic,
  ThresholdViolation,
  Timer,
  TimerStats,
} from './types.js';
