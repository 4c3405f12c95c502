// Thresholds: which statistic is compared for each kind, violated and not.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { PerformanceMonitor } from '../../src/monitor/index.js';

const at = (t: number) => () => t;

describe('thresholds', () => {
  it("the spec's example: query_time (timer, max) and memory_usage (gauge, value)", () => {
    const monitor = new PerformanceMonitor({ now: at(1234) });
    monitor.setThreshold('query_time', 2000);
    monitor.setThreshold('memory_usage', 500 * 1024 * 1024);
    monitor.recordTime('query_time', 150);
    monitor.recordTime('query_time', 1900);
    monitor.setGauge('memory_usage', 100 * 1024 * 1024);
    expect(monitor.checkThresholds()).toEqual([]);

    monitor.recordTime('query_time', 2500);
    monitor.setGauge('memory_usage', 600 * 1024 * 1024);
    const violations = monitor.checkThresholds();
    expect(violations).toEqual([
      { metric: 'query_time', threshold: 2000, actual: 2500, kind: 'timer', statistic: 'max', direction: 'above', timestamp: 1234 },
      { metric: 'memory_usage', threshold: 500 * 1024 * 1024, actual: 600 * 1024 * 1024, kind: 'gauge', statistic: 'value', direction: 'above', timestamp: 1234 },
    ]);
  });

  it('a p95 threshold ignores a single outlier that a max threshold reports', () => {
    const monitor = new PerformanceMonitor();
    for (let i = 0; i < 99; i++) monitor.recordMetric('latency', 10);
    monitor.recordMetric('latency', 5000);
    monitor.setThreshold('latency', 100, { statistic: 'p95' });
    expect(monitor.checkThresholds()).toEqual([]);
    monitor.setThreshold('latency', 100);
    expect(monitor.checkThresholds().map((v) => [v.statistic, v.actual])).toEqual([['max', 5000]]);
  });

  it('counters compare their value; the boundary itself is not a violation', () => {
    const monitor = new PerformanceMonitor();
    monitor.setThreshold('errors', 2);
    monitor.incrementCounter('errors', 2);
    expect(monitor.checkThresholds()).toEqual([]);
    monitor.incrementCounter('errors');
    expect(monitor.checkThresholds()[0]).toMatchObject({ metric: 'errors', kind: 'counter', actual: 3 });
  });

  it("direction 'below' reports a value under the limit", () => {
    const monitor = new PerformanceMonitor();
    monitor.setThreshold('throughput', 1000, { direction: 'below' });
    monitor.setGauge('throughput', 1500);
    expect(monitor.checkThresholds()).toEqual([]);
    monitor.setGauge('throughput', 900);
    expect(monitor.checkThresholds()[0]).toMatchObject({ actual: 900, direction: 'below' });
  });

  it('a threshold on a metric with no data, or of another kind, is not violated', () => {
    const monitor = new PerformanceMonitor();
    monitor.setThreshold('nothing_yet', 0);
    monitor.setThreshold('g', 0, { kind: 'timer' });
    monitor.setGauge('g', 5);
    expect(monitor.checkThresholds()).toEqual([]);
    monitor.clearThreshold('g');
    monitor.setThreshold('g', 0);
    expect(monitor.checkThresholds()).toHaveLength(1);
  });

  it('refuses a non-finite threshold and a statistic the kind does not have', () => {
    const monitor = new PerformanceMonitor();
    expect(() => monitor.setThreshold('x', Number.NaN)).toThrow(ValidationError);
    expect(() => monitor.setThreshold('x', 1, { kind: 'gauge', statistic: 'p95' })).toThrow(/no statistic 'p95'/);
  });
});

describe('reports', () => {
  it('holds metrics and violations, renders text and markdown, serialises as plain data', () => {
    const monitor = new PerformanceMonitor({ now: at(Date.UTC(2024, 0, 2)) });
    monitor.recordTime('query_time', 12.5);
    monitor.recordMetric('rows', 1000);
    monitor.incrementCounter('events', 3);
    monitor.setGauge('memory_usage', 2048);
    monitor.setThreshold('query_time', 10);
    const report = monitor.generateReport();
    expect(report.generatedAt).toBe(Date.UTC(2024, 0, 2));
    expect(report.uptime).toBeGreaterThanOrEqual(0);
    expect(report.violations).toHaveLength(1);
    expect(report.metrics.counters['events']).toBe(3);

    const text = report.toText();
    expect(text).toContain('2024-01-02T00:00:00.000Z');
    expect(text).toContain('query_time: count=1');
    expect(text).toContain('memory_usage: 2048');
    expect(text).toContain('query_time (timer) max = 12.500 > 10');

    const md = report.toMarkdown();
    expect(md).toContain('| name | count | min | mean | p50 | p90 | p95 | p99 | max |');
    expect(md).toContain('| query_time | ≤ 10 | max = 12.500 | **violated** |');

    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['generatedAt', 'metrics', 'thresholds', 'uptime', 'violations']);
  });
});
