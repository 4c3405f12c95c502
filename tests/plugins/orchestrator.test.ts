// The spec's example, end to end: plugins registered on an orchestrator's registry run as
// children of its root actor, and engine.executePlugin reaches them.
import { describe, expect, test } from 'vitest';
import { DataPrismOrchestrator } from '../../src/orchestrator/index.js';
import { createAnalyticsPlugin, createVisualizationPlugin, type ChartResult } from '@dataprism/plugins';
import { recordEvents, testPlugin } from './helpers.js';

const salesData = [
  { region: 'North', sales: 120 },
  { region: 'South', sales: 80 },
  { region: 'East', sales: 150 },
];

describe('plugins inside an orchestrator', () => {
  test('the spec example: register, initializeAll, engine.executePlugin', async () => {
    const orchestrator = new DataPrismOrchestrator({ maxConcurrency: 4, memoryLimit: 256 * 1024 * 1024, enablePlugins: true });
    try {
      await orchestrator.initialize();
      const events = recordEvents(orchestrator.getEventBus());
      const loaded: unknown[] = [];
      orchestrator.getEventBus().on('plugin:loaded', (e) => void loaded.push(e));
      const registry = orchestrator.getPluginRegistry();
      await registry.register(createVisualizationPlugin());
      await registry.register(createAnalyticsPlugin());
      await registry.initializeAll();
      expect(loaded).toEqual([
        { name: 'visualization', version: '1.0.0' },
        { name: 'analytics', version: '1.0.0' },
      ]);
      const engine = orchestrator.getEngine();
      const chart = (await engine.executePlugin('visualization', 'create_chart', { type: 'bar', data: salesData })) as ChartResult;
      expect((chart.svg.match(/<path\b/g) ?? []).length).toBeGreaterThanOrEqual(3);
      const stats = (await engine.executePlugin('analytics', 'describe', { data: salesData, columns: ['sales'] })) as { columns: { mean: number }[] };
      expect(stats.columns[0]!.mean).toBeCloseTo(116.667, 2);
      expect(events.log).toContain('plugin:executed visualization');
      expect(registry.stateOf('visualization')).toBe('initialized');
    } finally {
      await orchestrator.shutdown();
    }
  });

  test('a plugin that throws does not hurt the orchestrator; disposed actors are stopped', async () => {
    const orchestrator = new DataPrismOrchestrator({ memoryLimit: 256 * 1024 * 1024 });
    try {
      await orchestrator.initialize();
      const registry = orchestrator.getPluginRegistry();
      await registry.register(testPlugin('thrower', { execute: () => { throw new Error('plugin bug'); } }));
      await registry.initializeAll();
      await expect(orchestrator.getEngine().executePlugin('thrower', 'run', {})).rejects.toThrow(/plugin bug/);
      expect(orchestrator.getState()).not.toBe('failed');
      expect(registry.getServices().actors.get('plugin:thrower')).toBeDefined();
      await registry.unregister('thrower');
      expect(registry.list()).toEqual([]);
      expect(registry.getServices().actors.get('plugin:thrower')).toBeUndefined();
    } finally {
      await orchestrator.shutdown();
    }
  });
});
