// A hook's signal and its context are made as cheaply as the hook allows (no
// AbortController until `context.signal` is read, no error until a reason is
// read, no copy of an empty config), and none of that is visible: a signal read
// late is already aborted with the right reason, a spread context keeps its
// signal, an aborted call's context refuses loadFile like every engine call,
// and a declaration copied by hand is the same snapshot structuredClone took.
import { describe, expect, it } from 'vitest';
import { LifecycleError } from '../../src/errors/LifecycleError.js';
import { LazySignal } from '../../src/plugins/hookSignal.js';
import { PluginRegistry } from '../../src/plugins/PluginRegistry.js';
import type { DataPrismPlugin, PluginContext } from '../../src/plugins/types.js';
import { gate, testPlugin } from './helpers.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('LazySignal', () => {
  it('read after the abort: the signal is already aborted, with the reason given', () => {
    const stop = new LazySignal();
    const reason = new Error('stop');
    stop.abort(reason);
    expect(stop.signal.aborted).toBe(true);
    expect(stop.signal.reason).toBe(reason);
  });

  it('read before the abort: the AbortSignal fires its listeners when it comes', () => {
    const stop = new LazySignal();
    const seen: unknown[] = [];
    stop.signal.addEventListener('abort', () => seen.push(stop.signal.reason));
    stop.abortLazily(() => new Error('late'));
    expect(seen).toHaveLength(1);
    expect((seen[0] as Error).message).toBe('late');
  });

  it('a lazy reason is made once, only when read, and the first abort wins', () => {
    let made = 0;
    const stop = new LazySignal();
    stop.abortLazily(() => {
      made++;
      return new Error('first');
    });
    stop.abort(new Error('second'));
    stop.abortLazily(() => new Error('third'));
    expect(made).toBe(0);
    expect(stop.aborted).toBe(true);
    expect((stop.reason as Error).message).toBe('first');
    expect(stop.reason).toBe(stop.reason);
    expect(made).toBe(1);
  });

  it('onAbort runs once per listener, at once when already aborted, and a listener that registers another during the abort does not lose it', () => {
    const stop = new LazySignal();
    const calls: string[] = [];
    stop.onAbort(() => {
      calls.push('a');
      stop.onAbort(() => calls.push('inner'));
    });
    stop.onAbort((reason) => calls.push(`b:${(reason() as Error).message}`));
    stop.abort(new Error('x'));
    stop.abort(new Error('y'));
    stop.onAbort(() => calls.push('after'));
    expect(calls).toEqual(['a', 'inner', 'b:x', 'after']);
  });
});

describe("a plugin's context", () => {
  it('a context spread into another object keeps a signal that aborts at disposal, with a LifecycleError', async () => {
    let spread: PluginContext | undefined;
    let direct: PluginContext | undefined;
    const registry = new PluginRegistry({ logger: quiet });
    await registry.register(
      testPlugin('spread', {
        initialize: (context) => {
          direct = context;
          spread = { ...context };
        },
      }),
    );
    await registry.initializeAll();
    expect(spread!.signal.aborted).toBe(false);
    expect(Object.keys(direct!)).toContain('signal');
    expect(Object.isFrozen(direct)).toBe(true);
    expect(() => {
      (direct as { signal: unknown }).signal = undefined;
    }).toThrow(TypeError);
    await registry.shutdownAll();
    expect(spread!.signal.aborted).toBe(true);
    expect(spread!.signal.reason).toBeInstanceOf(LifecycleError);
    // Never read during the plugin's life: made now, already aborted.
    expect(direct!.signal.aborted).toBe(true);
    expect((direct!.signal.reason as Error).message).toMatch(/'spread' was disposed/);
  });

  it('the calls running when their plugin is disposed see their signals aborted with its reason', async () => {
    const held = gate();
    const signals: AbortSignal[] = [];
    const registry = new PluginRegistry({ logger: quiet });
    await registry.register(
      testPlugin('busy', {
        execute: async (_action, _params, context) => {
          signals.push(context.signal);
          await held.promise;
          return 'done';
        },
      }),
    );
    await registry.initializeAll();
    const calls = [registry.execute('busy', 'run'), registry.execute('busy', 'run')];
    await new Promise((r) => setTimeout(r, 0));
    const stopping = registry.unregister('busy');
    await new Promise((r) => setTimeout(r, 0));
    expect(signals).toHaveLength(2);
    for (const signal of signals) {
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBeInstanceOf(LifecycleError);
    }
    held.open();
    await Promise.allSettled(calls);
    await stopping;
  });

  it("an aborted call's context refuses loadFile, as it refuses queries", async () => {
    let loads = 0;
    const engine = {
      query: async () => ({ data: [] }),
      queryAs: async () => ({ data: [] }),
      loadFileAs: async () => {
        loads++;
        return { rows: 0 };
      },
    };
    const held = gate();
    let late: PluginContext | undefined;
    const registry = new PluginRegistry({ logger: quiet, engine });
    await registry.register(
      testPlugin('loader', {
        timeoutMs: 20,
        permissions: ['engine:read', 'engine:write'],
        capabilities: ['hang'],
        execute: async (_action, _params, context) => {
          late = context;
          await held.promise;
        },
      }),
    );
    await registry.initializeAll();
    await registry.execute('loader', 'hang').catch(() => undefined);
    const refused = await late!.loadFile(new Uint8Array([1]), 't').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LifecycleError);
    expect((refused as Error).message).toMatch(/loadFile.*after its signal was aborted/);
    expect(loads).toBe(0);
    held.open();
    await registry.shutdownAll();
  });

  it('plugins without a config section share one frozen empty config; a section is a frozen copy of its own', async () => {
    const configs: Record<string, unknown>[] = [];
    const section = { nested: { limit: 3 } };
    const registry = new PluginRegistry({ logger: quiet, pluginConfig: { withSection: section } });
    const grab = (name: string) => testPlugin(name, { initialize: (context) => void configs.push(context.config as Record<string, unknown>) });
    for (const name of ['a', 'b', 'withSection']) await registry.register(grab(name));
    await registry.initializeAll();
    expect(configs[0]).toEqual({});
    expect(Object.isFrozen(configs[0])).toBe(true);
    expect(configs[2]).toEqual(section);
    expect(configs[2]).not.toBe(section);
    expect(Object.isFrozen((configs[2] as { nested: object }).nested)).toBe(true);
    section.nested.limit = 99;
    expect((configs[2] as { nested: { limit: number } }).nested.limit).toBe(3);
    await registry.shutdownAll();
  });
});

describe('the registered declaration is a snapshot', () => {
  it('a getter in a dependency is read once; later answers change nothing', async () => {
    let reads = 0;
    const dependency = {
      get name() {
        reads++;
        return reads === 1 ? 'base' : 'evil';
      },
      range: '^1.0.0',
    };
    const registry = new PluginRegistry({ logger: quiet });
    await registry.register(testPlugin('base'));
    await registry.register(testPlugin('child', { dependencies: [dependency] } as Partial<DataPrismPlugin>));
    expect(reads).toBe(1);
    expect(registry.get('child')!.dependencies![0]!.name).toBe('base');
    expect(Object.isFrozen(registry.get('child')!.dependencies![0])).toBe(true);
    await registry.shutdownAll();
  });

  it("a dependency with an own '__proto__' field is copied as data, not as the copy's prototype", async () => {
    const dependency = JSON.parse('{"name":"base","range":"^1.0.0","__proto__":{"optional":true}}') as { name: string; range: string };
    const registry = new PluginRegistry({ logger: quiet });
    await registry.register(testPlugin('base'));
    await registry.register(testPlugin('child', { dependencies: [dependency] } as Partial<DataPrismPlugin>));
    const copied = registry.get('child')!.dependencies![0]!;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(copied.optional).toBeUndefined();
    await registry.shutdownAll();
  });

  it('a sparse capabilities array keeps its hole, as structuredClone keeps it', async () => {
    // eslint-disable-next-line no-sparse-arrays
    const capabilities = ['run', , 'other'] as string[];
    const registry = new PluginRegistry({ logger: quiet });
    await registry.register(testPlugin('holey', { capabilities }));
    const copied = registry.get('holey')!.capabilities;
    expect(copied).toHaveLength(3);
    expect(1 in copied).toBe(false);
    expect(Object.isFrozen(copied)).toBe(true);
  });
});
