// The supervisor attacked from outside, through the registry's public methods:
// more failures at once than slots under the restart and the retry strategies,
// a hung hook that ignores its signal under restart recovery, unregister while a
// restart runs, the same name registered concurrently, a dispose that throws
// synchronously. Invariants: every call answered, slots given back, nothing
// started after shutdown, and every refusal says why.
import { describe, expect, it } from 'vitest';
import { LifecycleError, retry } from '../../src/errors/index.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { PluginRegistry } from '../../src/plugins/PluginRegistry.js';
import { supervised, testPlugin } from './helpers.js';

const alwaysFailing = () => testPlugin('bad', { execute: () => { throw new Error('always'); } });

describe('supervisor under attack', () => {
  it.each([
    ['the default restart recovery', undefined],
    ['retry().attempts(3)', [retry().attempts(3).immediate().build()]],
  ])('six calls that always fail on 2 slots under %s: each is answered, with a reason, and the slots are free', async (_what, strategies) => {
    const { registry } = supervised({ maxConcurrency: 2, ...(strategies ? { strategies } : {}) });
    await registry.register(alwaysFailing());
    await registry.initializeAll();
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => registry.execute('bad', 'run', i)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('rejected'));
    for (const { reason } of results as PromiseRejectedResult[]) {
      // Either the plugin's own failure, or a call refused while recovery restarted the plugin, saying so.
      if (reason instanceof LifecycleError) expect(reason.message).toMatch(/plugin 'bad' is about to restart or stop and takes no new call/);
      else expect(reason).toBeInstanceOf(PluginError);
    }
    expect(registry.slots()).toEqual({ inUse: 0, waiting: 0, maxConcurrency: 2 });
    await registry.shutdownAll();
  });

  it('a hung execute that ignores its signal, under restart recovery: the calls are answered, and nothing starts once they are and after shutdown', async () => {
    const { registry } = supervised({ maxConcurrency: 2, timeoutMs: 50 });
    const started = { execute: 0, initialize: 0 };
    await registry.register(
      testPlugin('hung', { initialize: () => void started.initialize++, execute: () => (started.execute++, new Promise(() => undefined)) }),
    );
    await registry.initializeAll();
    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => registry.execute('hung', 'run', i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const afterCalls = { ...started };
    expect(registry.list()[0]?.abandonedHooks).toBe(afterCalls.execute);
    await registry.shutdownAll();
    // The recoveries of those calls ended with them: no restart loop goes on behind the caller's back.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started).toEqual(afterCalls);
  });

  it.each(['a restart', 'initializeAll'])('unregister while %s initializes the plugin: its signal is aborted for the disposal, not left to run out its budget', async (during) => {
    const { registry } = supervised({ maxConcurrency: 2 });
    let initializes = 0;
    let reason: unknown;
    // The hanging initialize runs until it is told to stop; with the default 30 s budget a timeout would be the only other way out.
    const hang = (context: { signal: AbortSignal }) => new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(void (reason = context.signal.reason))));
    await registry.register(testPlugin('r', { initialize: (context) => (++initializes > 1 || during === 'initializeAll' ? hang(context) : undefined) }));
    if (during === 'a restart') await registry.initializeAll();
    const starting = (during === 'a restart' ? registry.restart('r') : registry.initializeAll()).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(registry.stateOf('r')).toBe('initializing');
    await registry.unregister('r');
    await starting;
    expect(reason).toBeInstanceOf(LifecycleError);
    expect((reason as Error).message).toMatch(/plugin 'r' is being disposed while it initializes/);
    expect(registry.has('r')).toBe(false);
    await expect(registry.execute('r', 'run')).rejects.toThrow(/no plugin named 'r' is registered/);
    await registry.shutdownAll();
    expect(initializes).toBe(during === 'a restart' ? 2 : 1);
  });

  it('unregister while an execute runs: its signal is aborted for the disposal, and the call is answered', async () => {
    const { registry } = supervised({ maxConcurrency: 2 });
    let reason: unknown;
    await registry.register(
      testPlugin('e', { execute: (_action, _params, context) => new Promise((resolve) => context.signal.addEventListener('abort', () => resolve((reason = context.signal.reason, 'stopped')))) }),
    );
    await registry.initializeAll();
    const call = registry.execute('e', 'run').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await registry.unregister('e');
    expect(await call).toBe('stopped');
    expect(reason).toBeInstanceOf(LifecycleError);
    expect((reason as Error).message).toMatch(/plugin 'e' is being disposed while it runs a call/);
    expect(registry.has('e')).toBe(false);
    await registry.shutdownAll();
  });

  it('the same name registered three times at once: one plugin, two ValidationErrors', async () => {
    const registry = new PluginRegistry();
    const results = await Promise.allSettled([registry.register(testPlugin('dup')), registry.register(testPlugin('dup')), registry.register(testPlugin('dup', { version: '2.0.0' }))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
    expect(registry.list().map((p) => p.name)).toEqual(['dup']);
    await registry.shutdownAll();
  });

  it('a dispose that throws synchronously does not stop shutdown, and the plugin is gone after it', async () => {
    const registry = new PluginRegistry();
    let otherDisposed = false;
    await registry.register(testPlugin('thrower', { dispose: () => { throw new Error('sync dispose'); } }));
    await registry.register(testPlugin('other', { dispose: () => void (otherDisposed = true) }));
    await registry.initializeAll();
    await registry.shutdownAll();
    expect(otherDisposed).toBe(true);
    expect(registry.stateOf('thrower')).toBeUndefined();
  });
});
