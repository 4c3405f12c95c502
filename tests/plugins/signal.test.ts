// Every hook is told when to stop: context.signal is aborted when the hook's
// budget runs out, when its plugin is restarted or disposed, and at shutdown;
// a context whose signal is aborted refuses engine calls; list() shows the
// hooks abandoned past their budget until they settle.
import { describe, expect, it } from 'vitest';
import { LifecycleError } from '../../src/errors/LifecycleError.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';
import { PluginRegistry } from '../../src/plugins/PluginRegistry.js';
import type { PluginContext } from '../../src/plugins/types.js';
import { gate, testPlugin } from './helpers.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
// Answers like an engine that enforces plugin rights (DataPrismEngine's queryAs).
const answer = async () => ({ data: [{ answer: 42 }] });
const engine = { query: answer, queryAs: answer };

/** Resolves once `signal` aborts, with its reason. */
function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });
}

describe('context.signal', () => {
  it('an execute past its budget sees its signal aborted with a TimeoutError, is counted abandoned until it settles, and its queries are refused', async () => {
    const gauges = new Map<string, number>();
    const monitor = { recordMetric() {}, setGauge: (name: string, value: number) => void gauges.set(name, value) };
    const registry = new PluginRegistry({ logger: quiet, engine, monitor });
    const held = gate();
    const seen: { signal?: AbortSignal; context?: PluginContext } = {};
    await registry.register(
      testPlugin('slow', {
        timeoutMs: 20,
        permissions: ['engine:read'],
        capabilities: ['hang', 'ok'],
        execute: async (action, _params, context) => {
          if (action === 'ok') return (await context.query('SELECT 42 AS answer')).data[0];
          seen.signal = context.signal;
          seen.context = context;
          await held.promise;
          return 'late';
        },
      }),
    );
    await registry.initializeAll();
    const error = await registry.execute('slow', 'hang').catch((e: unknown) => e);
    expect((error as Error).cause).toBeInstanceOf(TimeoutError);
    expect(seen.signal!.aborted).toBe(true);
    expect(seen.signal!.reason).toBeInstanceOf(TimeoutError);
    // The zombie still runs; users see it.
    expect(registry.list()[0]!.abandonedHooks).toBe(1);
    expect(gauges.get('plugin_abandoned_hooks')).toBe(1);
    expect(gauges.get('plugin_abandoned_hooks:slow')).toBe(1);
    // Through the aborted call's context, the engine is out of reach; the plugin itself goes on.
    const refused = await seen.context!.query('SELECT 1').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LifecycleError);
    expect((refused as Error).message).toMatch(/after its signal was aborted/);
    await expect(registry.execute('slow', 'ok')).resolves.toEqual({ answer: 42 });
    held.open();
    await new Promise((r) => setTimeout(r, 0));
    expect(registry.list()[0]!.abandonedHooks).toBe(0);
    expect(gauges.get('plugin_abandoned_hooks')).toBe(0);
    await registry.shutdownAll();
  });

  it('an initialize past its budget sees its signal aborted; its context refuses queries from then on', async () => {
    const registry = new PluginRegistry({ logger: quiet, engine });
    let context: PluginContext | undefined;
    await registry.register(
      testPlugin('stuck', {
        timeoutMs: 20,
        permissions: ['engine:read'],
        initialize: (c) => {
          context = c;
          return new Promise<void>(() => undefined);
        },
      }),
    );
    const report = await registry.initializeAll({ onFailure: 'report' });
    expect(report.failed.map((f) => f.name)).toEqual(['stuck']);
    expect(context!.signal.aborted).toBe(true);
    expect(context!.signal.reason).toBeInstanceOf(TimeoutError);
    expect(registry.list()[0]!.abandonedHooks).toBe(1);
    await expect(context!.query('SELECT 1')).rejects.toThrow(LifecycleError);
    await registry.shutdownAll();
  });

  it('a restart aborts the signal of the start it ends, and of the calls still running in it', async () => {
    const registry = new PluginRegistry({ logger: quiet });
    const contexts: PluginContext[] = [];
    await registry.register(testPlugin('p', { initialize: (c) => void contexts.push(c) }));
    await registry.initializeAll();
    expect(contexts[0]!.signal.aborted).toBe(false);
    await registry.restart('p');
    expect(contexts[0]!.signal.aborted).toBe(true);
    expect(contexts[1]!.signal.aborted).toBe(false);
    await registry.shutdownAll();
    expect(contexts[1]!.signal.aborted).toBe(true);
  });

  it('shutdown aborts the signal of every hook in flight: a hanging execute and a hanging initialize', async () => {
    const registry = new PluginRegistry({ logger: quiet, timeoutMs: 60_000 });
    const signals: AbortSignal[] = [];
    await registry.register(
      testPlugin('busy', {
        execute: (_a, _p, context) => {
          signals.push(context.signal);
          // Honours its signal: rejects as soon as it is told to stop.
          return aborted(context.signal).then((reason) => Promise.reject(reason));
        },
      }),
    );
    await registry.initializeAll();
    const call = registry.execute('busy', 'run');
    await new Promise((r) => setTimeout(r, 0));
    await registry.register(testPlugin('late', { initialize: (c) => aborted(c.signal).then(() => undefined) }));
    const initializing = registry.initializeAll({ onFailure: 'report' });
    await new Promise((r) => setTimeout(r, 0));
    await registry.shutdownAll();
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
    await expect(call).rejects.toThrow(/shutting down/);
    await initializing;
    expect(registry.list()).toEqual([]);
  });

  it('the dispose hook runs with the context still usable, and the signal aborts once it is disposed', async () => {
    const registry = new PluginRegistry({ logger: quiet });
    let context: PluginContext | undefined;
    let abortedDuringDispose: boolean | undefined;
    await registry.register(
      testPlugin('p', {
        initialize: (c) => void (context = c),
        dispose: () => void (abortedDuringDispose = context!.signal.aborted),
      }),
    );
    await registry.initializeAll();
    await registry.unregister('p');
    expect(abortedDuringDispose).toBe(false);
    expect(context!.signal.aborted).toBe(true);
    expect(context!.signal.reason).toBeInstanceOf(LifecycleError);
  });
});
