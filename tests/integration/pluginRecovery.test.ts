/**
 * Recovery of plugin failures end to end: a real orchestrator on DuckDB-WASM,
 * real plugin and recovery actors. A call that fails is answered with what the
 * recovery produced, or with the original error when the recovery gives up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  DataPrismOrchestrator,
  compose,
  PluginError,
  restartPluginStrategy,
  retryStrategy,
  type DataPrismPlugin,
  type Logger,
  type OrchestratorOptions,
} from '@dataprism/orchestration';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const live: DataPrismOrchestrator[] = [];

async function started(options: OrchestratorOptions = {}) {
  const o = new DataPrismOrchestrator({ logger: quiet, engineOptions: { mode: 'blocking' }, ...options });
  live.push(o);
  const events: Array<{ event: string; data: Record<string, unknown> }> = [];
  o.getEventBus().on('*', (data, event) => void events.push({ event, data: data as Record<string, unknown> }));
  await o.initialize();
  return { o, events, engine: o.getEngine(), registry: o.getPluginRegistry() };
}

/** A plugin whose `run` action fails the first `failures` times it is called, then counts rows. */
function flaky(failures: number): DataPrismPlugin & { calls: number; initializations: number } {
  const plugin = {
    name: 'flaky',
    version: '1.0.0',
    description: 'fails a few times, then answers',
    capabilities: ['run'],
    permissions: ['engine:read'],
    calls: 0,
    initializations: 0,
    async initialize() {
      plugin.initializations++;
    },
    async execute(_action: string, _params: unknown, context: { query(sql: string): Promise<{ data: Array<Record<string, unknown>> }> }) {
      plugin.calls++;
      if (plugin.calls <= failures) throw new Error(`transient failure ${plugin.calls}`);
      const result = await context.query('SELECT 21 * 2 AS answer');
      return result.data[0]!['answer'];
    },
    async dispose() {},
  };
  return plugin as unknown as DataPrismPlugin & { calls: number; initializations: number };
}

const retryFlaky = () => ({
  ...retryStrategy({ name: 'retry_flaky', maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 }),
  appliesTo: (error: Error) => (error as { plugin?: string }).plugin === 'flaky',
});

afterEach(async () => {
  await Promise.all(live.splice(0).map((o) => o.shutdown()));
});

describe('plugin recovery through the orchestrator', () => {
  it('a call that fails twice is retried by the strategy and answered with the third attempt’s result', async () => {
    const { engine, registry, events } = await started({ recoveryStrategies: [retryFlaky()] });
    const plugin = flaky(2);
    await registry.register(plugin);
    await registry.initializeAll();

    await expect(engine.executePlugin('flaky', 'run', {})).resolves.toBe(42);
    expect(plugin.calls).toBe(3);
    const recovered = events.filter((e) => e.event === 'error:recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.data['recovery']).toBe('retry_flaky');
    expect((recovered[0]!.data['error'] as Error).message).toMatch(/transient failure 1/);
    // One failure, one recovery: the failed re-run inside the recovery is not reported again.
    expect(events.filter((e) => e.event === 'error:reported')).toHaveLength(1);
  });

  it('by default a failed call restarts the plugin from a clean state and is then run once more', async () => {
    const { engine, registry, events } = await started();
    const plugin = flaky(1);
    await registry.register(plugin);
    await registry.initializeAll();
    expect(plugin.initializations).toBe(1);

    await expect(engine.executePlugin('flaky', 'run', {})).resolves.toBe(42);
    expect(plugin.initializations).toBe(2);
    const sequence = events.map((e) => e.event).filter((e) => e.startsWith('plugin:') || e === 'error:recovered');
    // A restart disposes the instance (disposing, disposed) and initializes it again, without leaving the registry.
    expect(sequence.slice(sequence.indexOf('plugin:error'))).toEqual([
      'plugin:error',
      'plugin:disposing',
      'plugin:disposed',
      'plugin:initializing',
      'plugin:initialized',
      'error:recovered',
      'plugin:executing',
      'plugin:executed',
    ]);
    expect(events.find((e) => e.event === 'error:recovered')!.data['recovery']).toBe('plugin_restart');
    expect(registry.stateOf('flaky')).toBe('initialized');
  });

  it('calls failing together restart the plugin no more often than its restart intensity allows; the supervisor’s log shows it', async () => {
    // Each recovery re-runs its call first and restarts only when that failed too: long after it read the restart log.
    const strategy = { ...compose(retryStrategy({ maxAttempts: 1, initialDelayMs: 1, jitter: 0 }), restartPluginStrategy({ maxRestarts: 1, withinMs: 60_000 })), appliesTo: () => true };
    const { engine, registry, events } = await started({ recoveryStrategies: [strategy], maxConcurrency: 3 });
    const plugin = flaky(Number.POSITIVE_INFINITY);
    await registry.register(plugin);
    await registry.initializeAll();

    const results = await Promise.allSettled([1, 2, 3].map(() => engine.executePlugin('flaky', 'run', {})));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(plugin.initializations).toBe(2);
    const [info] = registry.list();
    expect(info!.restartLog).toHaveLength(1);
    const refused = events.filter((e) => e.event === 'error:escalated' && /^restart intensity exceeded: plugin 'flaky' was restarted 1 times within 60000 ms \(limit 1\)$/.test(String(e.data['reason'])));
    expect(refused).toHaveLength(2);
  });

  it('a plugin that always fails escalates once the strategy gives up, and the caller gets the PluginError', async () => {
    const { engine, registry, events } = await started({ recoveryStrategies: [retryFlaky()] });
    await registry.register(flaky(Number.POSITIVE_INFINITY));
    await registry.initializeAll();

    const error = await engine.executePlugin('flaky', 'run', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).plugin).toBe('flaky');
    expect(events.map((e) => e.event)).toContain('error:escalated');
    expect(events.map((e) => e.event)).not.toContain('error:recovered');
    // The orchestrator itself is untouched by a plugin's failure.
    expect((await engine.query('SELECT 1 AS ok')).data).toEqual([{ ok: 1 }]);
  });

  it('with enableErrorRecovery: false a failure is reported and never retried', async () => {
    const { engine, registry, o } = await started({ enableErrorRecovery: false, recoveryStrategies: [retryFlaky()] });
    const plugin = flaky(1);
    await registry.register(plugin);
    await registry.initializeAll();
    await expect(engine.executePlugin('flaky', 'run', {})).rejects.toBeInstanceOf(PluginError);
    expect(plugin.calls).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(plugin.calls).toBe(1);
    expect(o.getErrorHandler().getHistory().map((r) => r.error.message)).toEqual([expect.stringContaining('transient failure 1')]);
  });

  it("the spec's user errorHandler: its recover answering 'plugin_restart' really restarts the plugin", async () => {
    const handled: string[] = [];
    const { engine, registry } = await started({
      errorHandler: {
        handle: async (error, context) => {
          handled.push(`${context!.component}: ${error.message}`);
        },
        recover: async (error) => {
          if (error.name === 'PluginError') return { success: true, strategy: 'plugin_restart' };
          return { success: false, strategy: 'none' };
        },
      },
    });
    const plugin = flaky(1);
    await registry.register(plugin);
    await registry.initializeAll();
    await expect(engine.executePlugin('flaky', 'run', {})).resolves.toBe(42);
    expect(plugin.initializations).toBe(2);
    expect(handled).toEqual([expect.stringMatching(/^plugin:flaky: .*transient failure 1/)]);
  });
});
