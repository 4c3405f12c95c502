// Timers, counters, gauges and the errors a caller can cause.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { PerformanceMonitor } from '../../src/monitor/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timers', () => {
  it('stop() returns the elapsed ms and records it; a second stop() is a no-op', async () => {
    const monitor = new PerformanceMonitor();
    const timer = monitor.startTimer('work');
    expect(timer.stopped).toBe(false);
    await sleep(15);
    const ms = timer.stop();
    expect(ms).toBeGreaterThanOrEqual(10);
    expect(timer.stopped).toBe(true);
    expect(timer.stop()).toBe(ms);
    expect(timer.elapsed()).toBe(ms);
    const stats = monitor.getMetrics().timers['work']!;
    expect(stats.count).toBe(1);
    expect(stats.max).toBe(ms);
  });

  it('time() records even when the work throws', async () => {
    const monitor = new PerformanceMonitor();
    await expect(monitor.time('failing', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(monitor.time('ok', () => 7)).resolves.toBe(7);
    expect(monitor.getMetrics().timers['failing']!.count).toBe(1);
    expect(monitor.getMetrics().timers['ok']!.count).toBe(1);
  });
});

describe('counters and gauges', () => {
  it('incrementCounter adds 1 by default, or the given amount', () => {
    const monitor = new PerformanceMonitor();
    monitor.incrementCounter('events');
    monitor.incrementCounter('events');
    monitor.incrementCounter('events', 5);
    expect(monitor.getMetrics().counters).toEqual({ events: 7 });
  });

  it('setGauge keeps the last value, negative allowed', () => {
    const monitor = new PerformanceMonitor();
    monitor.setGauge('memory_usage', 100);
    monitor.setGauge('memory_usage', 42);
    monitor.setGauge('delta', -3);
    expect(monitor.getMetrics().gauges).toEqual({ memory_usage: 42, delta: -3 });
  });

  it('getMetrics returns independent copies', () => {
    const monitor = new PerformanceMonitor();
    monitor.incrementCounter('c');
    const first = monitor.getMetrics();
    first.counters['c'] = 99;
    expect(monitor.getMetrics().counters['c']).toBe(1);
  });
});

describe('mistakes a caller can make', () => {
  it('refuses negative, NaN and infinite histogram values with a ValidationError', () => {
    const monitor = new PerformanceMonitor();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => monitor.recordMetric('x', bad)).toThrow(ValidationError);
    }
    expect(() => monitor.incrementCounter('c', -1)).toThrow(/counters only grow/);
    expect(() => monitor.setGauge('g', Number.NaN)).toThrow(ValidationError);
    expect(monitor.getMetrics().histograms['x']!.count).toBe(0);
  });

  it('refuses to use one name as two kinds', () => {
    const monitor = new PerformanceMonitor();
    monitor.recordMetric('query_time', 3);
    expect(() => monitor.incrementCounter('query_time')).toThrow(/already a histogram/);
    expect(() => monitor.startTimer('query_time')).toThrow(ValidationError);
  });

  it('refuses an empty name', () => {
    const monitor = new PerformanceMonitor();
    expect(() => monitor.recordMetric('', 1)).toThrow(/non-empty string/);
  });
});

describe('enable, disable, reset', () => {
  it('records nothing while disabled, and reset() forgets data but keeps thresholds', () => {
    const monitor = new PerformanceMonitor({ enabled: false });
    monitor.recordMetric('h', 1);
    monitor.incrementCounter('c');
    monitor.startTimer('t').stop();
    expect(monitor.getMetrics()).toEqual({ timers: {}, counters: {}, gauges: {}, histograms: {} });
    monitor.setEnabled(true);
    monitor.incrementCounter('c');
    monitor.setThreshold('c', 0);
    expect(monitor.checkThresholds()).toHaveLength(1);
    monitor.reset();
    expect(monitor.getMetrics().counters).toEqual({});
    expect(monitor.getThresholds()).toHaveLength(1);
    expect(monitor.checkThresholds()).toEqual([]);
  });
});

describe('countEvents', () => {
  it('counts every event of a real EventBus by name until stopped', async () => {
    const { createEventBus } = await import('../../src/events/index.js');
    const { countEvents } = await import('../../src/monitor/index.js');
    const bus = createEventBus();
    const monitor = new PerformanceMonitor();
    const stop = countEvents(monitor, bus);
    bus.emit('plugin:loaded', { name: 'viz', version: '1.0.0' });
    bus.emit('plugin:loaded', { name: 'map', version: '1.0.0' });
    bus.emit('engine:ready', { version: '1.32' });
    stop();
    bus.emit('engine:ready', { version: '1.32' });
    expect(monitor.getMetrics().counters).toEqual({ 'events.plugin:loaded': 2, 'events.engine:ready': 1 });
    expect(bus.hasListeners('*')).toBe(false);
  });
});
