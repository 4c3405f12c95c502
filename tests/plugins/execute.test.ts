// execute(): checks, concurrency bound, metrics, and requests that arrive at the wrong time.
import { describe, expect, test } from 'vitest';
import { PluginRegistry } from '../../src/plugins/index.js';
import { LifecycleError } from '../../src/errors/LifecycleError.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { recordEvents, testPlugin } from './helpers.js';

describe('execute', () => {
  test('names what is wrong: unknown plugin, unknown action, not initialized', async () => {
    const registry = new PluginRegistry();
    await expect(registry.execute('ghost', 'run')).rejects.toThrow(/no plugin named 'ghost'/);
    await registry.register(testPlugin('p', { capabilities: ['a', 'b'] }));
    const early = await registry.execute('p', 'a').catch((e: unknown) => e);
    expect(early).toBeInstanceOf(LifecycleError);
    expect((early as Error).message).toMatch(/call registry\.initializeAll\(\) first/);
    await registry.initializeAll();
    const unknown = await registry.execute('p', 'zzz').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(PluginError);
    expect((unknown as Error).message).toMatch(/no action 'zzz'; it answers: a, b/);
    expect(await registry.execute('p', 'b', 42)).toEqual({ action: 'b', params: 42 });
    await registry.shutdownAll();
  });

  test('concurrent calls run in parallel but never more than maxConcurrency at once', async () => {
    const registry = new PluginRegistry({ maxConcurrency: 3 });
    let running = 0;
    let peak = 0;
    await registry.register(
      testPlugin('worker', {
        execute: async (_a, params) => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 3));
          running--;
          return params;
        },
      }),
    );
    await registry.initializeAll();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => registry.execute('worker', 'run', i)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    const info = registry.list()[0]!;
    expect(info).toMatchObject({ executionCount: 20, activeExecutions: 0, state: 'initialized' });
    await registry.shutdownAll();
  });

  test('every request is answered once, with its own result, and emits executing/executed with its requestId', async () => {
    const registry = new PluginRegistry({ maxConcurrency: 8 });
    const events = recordEvents(registry.getEventBus());
    await registry.register(testPlugin('echo', { execute: async (_a, p) => { await new Promise((r) => setTimeout(r, Math.random() * 4)); return p; } }));
    await registry.initializeAll();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => registry.execute('echo', 'run', `r${i}`)));
    expect(results).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`));
    const executing = events.payloads.filter((p) => p.type === 'plugin:executing');
    const executed = events.payloads.filter((p) => p.type === 'plugin:executed');
    expect(executing).toHaveLength(30);
    expect(new Set(executed.map((p) => p.data.requestId))).toEqual(new Set(executing.map((p) => p.data.requestId)));
    expect(executed.every((p) => p.data.action === 'run' && typeof p.data.result === 'string')).toBe(true);
    await registry.shutdownAll();
  });

  test('records plugin_execution_time for successes and failures', async () => {
    const metrics: [string, number][] = [];
    const registry = new PluginRegistry({ monitor: { recordMetric: (n, v) => void metrics.push([n, v]) } });
    await registry.register(testPlugin('m', { capabilities: ['ok', 'fail'], execute: (a) => { if (a === 'fail') throw new Error('f'); return 1; } }));
    await registry.initializeAll();
    await registry.execute('m', 'ok');
    await registry.execute('m', 'fail').catch(() => undefined);
    expect(metrics.map(([n]) => n)).toEqual(['plugin_execution_time', 'plugin_execution_time']);
    expect(metrics.every(([, v]) => v >= 0)).toBe(true);
    await registry.shutdownAll();
  });

  test('requests waiting for a slot when the plugin is unregistered are refused, not left hanging', async () => {
    const registry = new PluginRegistry({ maxConcurrency: 1 });
    let release!: () => void;
    await registry.register(testPlugin('one', { execute: () => new Promise((r) => (release = () => r('first'))) }));
    await registry.initializeAll();
    const first = registry.execute('one', 'run');
    const queued = registry.execute('one', 'run');
    await new Promise((r) => setTimeout(r, 5));
    const unregistering = registry.unregister('one');
    release();
    expect(await first).toBe('first');
    await unregistering;
    await expect(queued).rejects.toThrow(LifecycleError);
  });

  test('a plugin exception never escapes as an uncaught error', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('thrower', { execute: () => { throw new TypeError('boom'); } }));
    await registry.initializeAll();
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => registry.execute('thrower', 'run')));
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(registry.stateOf('thrower')).toBe('initialized');
    expect(registry.list()[0]!.errorCount).toBe(10);
    await registry.shutdownAll();
  });
});
