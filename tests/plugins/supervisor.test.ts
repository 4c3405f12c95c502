// The plugin supervisor under load, as a user meets it: execution slots that a
// recovery must not deadlock, no restart once shutdown began, every call answered.
// A standalone registry with a real ErrorHandler and real recovery actors: the
// engine is not the subject here.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LifecycleError, retry } from '../../src/errors/index.js';
import { seededRandom } from '../../machines/random.js';
import { supervised, testPlugin } from './helpers.js';

/** A plugin whose first `failures` calls throw. */
function failingFirst(failures: number) {
  let calls = 0;
  return testPlugin('flaky', {
    execute: async (_action, params) => {
      calls++;
      await Promise.resolve();
      if (calls <= failures) throw new Error(`failure ${calls}`);
      return params;
    },
  });
}

/** A hook per plugin that records its start and hangs until `finish.get(name)()` is called. */
function heldHooks(): { started: string[]; finish: Map<string, () => void>; hook(name: string): () => Promise<void> } {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const hook = (name: string) => () =>
    new Promise<void>((resolve) => {
      started.push(name);
      finish.set(name, resolve);
    });
  return { started, finish, hook };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('execution slots and recovery', () => {
  it('maxConcurrency 2, two concurrent failing calls, default restart recovery: both are answered', async () => {
    const { registry } = supervised({ maxConcurrency: 2 });
    await registry.register(failingFirst(2));
    await registry.initializeAll();
    const calls = [registry.execute('flaky', 'run', 1), registry.execute('flaky', 'run', 2)];
    // Each failure restarts the plugin and runs the call once more, in a slot of its own.
    const results = await Promise.allSettled(calls);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(results.map((r) => (r as PromiseFulfilledResult<unknown>).value).sort()).toEqual([1, 2]);
    await registry.shutdownAll();
  });

  it('maxConcurrency 2, two concurrent failing calls under retry().attempts(3): both are answered', async () => {
    const { registry } = supervised({ maxConcurrency: 2, strategies: [retry().attempts(3).immediate().build()] });
    await registry.register(failingFirst(2));
    await registry.initializeAll();
    const results = await Promise.allSettled([registry.execute('flaky', 'run', 1), registry.execute('flaky', 'run', 2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    await registry.shutdownAll();
  });

  it('200 calls on 2 slots, the first 100 failing, under retry: every call settles, none stays queued', async () => {
    const { registry } = supervised({ maxConcurrency: 2, strategies: [retry().attempts(3).immediate().build()] });
    await registry.register(failingFirst(100));
    await registry.initializeAll();
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => registry.execute('flaky', 'run', i)));
    expect(results).toHaveLength(200);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(100);
    expect(registry.slots()).toEqual({ inUse: 0, waiting: 0, maxConcurrency: 2 });
    await registry.shutdownAll();
  });

  it('10,000 calls with 20% random failures under retry all settle: resolved + rejected = issued', async () => {
    const random = seededRandom(7);
    const { registry } = supervised({ maxConcurrency: 4, strategies: [retry().attempts(3).immediate().build()] });
    await registry.register(
      testPlugin('noisy', {
        execute: async (_action, params) => {
          await Promise.resolve();
          if (random() < 0.2) throw new Error('random failure');
          return params;
        },
      }),
    );
    await registry.initializeAll();
    const issued = 10_000;
    const results = await Promise.allSettled(Array.from({ length: issued }, (_, i) => registry.execute('noisy', 'run', i)));
    const resolved = results.filter((r) => r.status === 'fulfilled').length;
    const rejected = results.filter((r) => r.status === 'rejected').length;
    expect(resolved + rejected).toBe(issued);
    // Three attempts at 20% each: well under 1% of the calls fail for good.
    expect(rejected).toBeLessThan(issued / 50);
    expect(registry.slots().inUse).toBe(0);
    await registry.shutdownAll();
  });

  it('a call that arrives while both slots are held waits in FIFO order and runs once one is free', async () => {
    const { registry } = supervised({ maxConcurrency: 2 });
    const order: number[] = [];
    const opened: Array<() => void> = [];
    await registry.register(
      testPlugin('slow', {
        execute: (_a, params) =>
          new Promise((resolve) => {
            order.push(params as number);
            opened.push(() => resolve(params));
          }),
      }),
    );
    await registry.initializeAll();
    const calls = [1, 2, 3, 4].map((i) => registry.execute('slow', 'run', i));
    await Promise.resolve();
    expect(order).toEqual([1, 2]);
    expect(registry.slots()).toEqual({ inUse: 2, waiting: 2, maxConcurrency: 2 });
    opened[1]!();
    await calls[1];
    expect(order).toEqual([1, 2, 3]);
    opened[0]!();
    opened[2]!();
    await calls[0];
    expect(order).toEqual([1, 2, 3, 4]);
    opened[3]!();
    await Promise.all(calls);
    await registry.shutdownAll();
  });
});

describe('restarts', () => {
  it('a plugin whose initialize always fails, under retry: each failed restart answers its recovery and starts no new one', async () => {
    const { registry } = supervised({ maxConcurrency: 2, strategies: [retry().attempts(3).immediate().build()] });
    let starts = 0;
    await registry.register(testPlugin('broken', { initialize: () => { starts++; throw new Error('no luck'); } }));
    await expect(registry.initializeAll()).rejects.toThrow(/1 plugin failed to initialize/);
    await new Promise((r) => setTimeout(r, 50));
    // The first start, then the recovery's attempts: bounded, not a storm.
    expect(starts).toBeLessThanOrEqual(4);
    const settledAt = starts;
    await new Promise((r) => setTimeout(r, 50));
    expect(starts).toBe(settledAt);
    expect(registry.stateOf('broken')).toBe('error');
    await registry.shutdownAll();
  });
});

describe('start order', () => {
  it('initializeAll runs at most maxConcurrency initialize hooks at once, the others in FIFO order; shutdown drops the waiting ones', async () => {
    const { registry } = supervised({ maxConcurrency: 2 });
    const { started, finish, hook } = heldHooks();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await registry.register(testPlugin(name, { initialize: hook(name) }));
    const initializing = registry.initializeAll({ onFailure: 'report' });
    await vi.waitFor(() => expect(started).toEqual(['a', 'b']));
    // A freed start slot goes to the oldest waiting plugin.
    finish.get('b')!();
    await vi.waitFor(() => expect(started).toEqual(['a', 'b', 'c']));
    const shutdown = registry.shutdownAll();
    finish.get('a')!();
    finish.get('c')!();
    const report = await initializing;
    // d and e were waiting for a start slot at SHUTDOWN: refused, never started.
    expect(started).toEqual(['a', 'b', 'c']);
    expect(report.failed.map((f) => f.name).sort()).toEqual(['d', 'e']);
    for (const failure of report.failed) expect(failure.error).toBeInstanceOf(LifecycleError);
    await shutdown;
    expect(registry.list()).toEqual([]);
  });
});

describe('stop order', () => {
  it('shutdownAll runs at most maxConcurrency dispose hooks at once, the others in FIFO order', async () => {
    const { registry } = supervised({ maxConcurrency: 2 });
    const { started: disposing, finish, hook } = heldHooks();
    for (const name of ['a', 'b', 'c', 'd']) await registry.register(testPlugin(name, { dispose: hook(name) }));
    await registry.initializeAll();
    const shutdown = registry.shutdownAll();
    await vi.waitFor(() => expect(disposing).toEqual(['a', 'b']));
    finish.get('a')!();
    await vi.waitFor(() => expect(disposing).toEqual(['a', 'b', 'c']));
    finish.get('c')!();
    await vi.waitFor(() => expect(disposing).toEqual(['a', 'b', 'c', 'd']));
    finish.get('b')!();
    finish.get('d')!();
    await shutdown;
    expect(registry.list()).toEqual([]);
  });
});

describe('shutdown', () => {
  it('a hanging initialize is not restarted after shutdown, and shutdown ends within one hook budget', async () => {
    vi.useFakeTimers();
    const { registry } = supervised({ maxConcurrency: 2, timeoutMs: 1000 });
    let starts = 0;
    await registry.register(testPlugin('stuck', { initialize: () => new Promise<void>(() => void starts++) }));
    const initializing = registry.initializeAll().catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    expect(starts).toBe(1);
    let done = false;
    const shutdown = registry.shutdownAll().then(() => (done = true));
    // The hook's budget ends 900 ms later; its recovery may not restart it any more.
    await vi.advanceTimersByTimeAsync(900);
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    await shutdown;
    await vi.advanceTimersByTimeAsync(3000);
    expect(starts).toBe(1);
    expect(await initializing).toBeInstanceOf(Error);
    expect(registry.list()).toEqual([]);
  });

  it('calls queued behind busy slots when shutdown begins are rejected with a LifecycleError, and nothing starts after it', async () => {
    const { registry } = supervised({ maxConcurrency: 1 });
    let started = 0;
    const opened: Array<() => void> = [];
    await registry.register(
      testPlugin('slow', {
        execute: (_a, params) =>
          new Promise((resolve) => {
            started++;
            opened.push(() => resolve(params));
          }),
      }),
    );
    await registry.initializeAll();
    const first = registry.execute('slow', 'run', 1);
    const queued = [registry.execute('slow', 'run', 2), registry.execute('slow', 'run', 3)];
    const shutdown = registry.shutdownAll();
    for (const call of queued) await expect(call).rejects.toBeInstanceOf(LifecycleError);
    await expect(registry.execute('slow', 'run', 4)).rejects.toBeInstanceOf(LifecycleError);
    opened[0]!();
    await expect(first).resolves.toBe(1);
    await shutdown;
    expect(started).toBe(1);
  });

  it('restart() after shutdown began is refused with a LifecycleError', async () => {
    const { registry } = supervised({ maxConcurrency: 1 });
    const held = { open: () => {} };
    await registry.register(testPlugin('a', { dispose: () => new Promise<void>((resolve) => (held.open = resolve)) }));
    await registry.initializeAll();
    const shutdown = registry.shutdownAll();
    await expect(registry.restart('a')).rejects.toBeInstanceOf(LifecycleError);
    held.open();
    await shutdown;
  });
});
