// The orchestrator on the native backend: chosen in engineOptions or in config,
// and the orchestrator's own engine defaults (mode) do not get in its way.
import { describe, expect, it } from 'vitest';
import { ConfigManager, DataPrismOrchestrator } from '../../src/index.js';

describe('an orchestrator on native DuckDB', () => {
  it('runs on the backend named in engineOptions', async () => {
    const orchestrator = new DataPrismOrchestrator({ engineOptions: { backend: 'native' } });
    await orchestrator.initialize();
    try {
      const engine = orchestrator.getEngine();
      expect(engine.getStatus()).toMatchObject({ backend: 'native', mode: 'native', state: 'ready', version: expect.stringMatching(/^v1\.\d+/) });
      await engine.loadData([{ region: 'north', amount: 3 }, { region: 'north', amount: 4 }, { region: 'south', amount: 5 }], 'sales');
      const { data } = await engine.query('SELECT region, sum(amount)::INTEGER AS total FROM sales GROUP BY region ORDER BY region');
      expect(data).toEqual([{ region: 'north', total: 7 }, { region: 'south', total: 5 }]);
    } finally {
      await orchestrator.shutdown();
    }
    expect(orchestrator.getState()).toBe('shutdown');
  });

  it('runs on the backend named in config (engine.backend)', async () => {
    const config = new ConfigManager();
    await config.load({ type: 'object', source: { engine: { backend: 'native' } } });
    expect(config.get('engine.backend')).toBe('native');
    const orchestrator = new DataPrismOrchestrator({ config });
    await orchestrator.initialize();
    try {
      expect(orchestrator.getEngine().getStatus().backend).toBe('native');
    } finally {
      await orchestrator.shutdown();
    }
  });

  it('refuses an unknown backend in config with a ValidationError naming the key', async () => {
    const config = new ConfigManager();
    await expect(config.load({ type: 'object', source: { engine: { backend: 'gpu' } } })).rejects.toThrow(/engine\.backend/);
  });
});
