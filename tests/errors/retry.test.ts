// The retry strategy as a real actor: recovers a flaky operation, gives up after its
// bound, stops on SHUTDOWN, and waits its (seeded, jittered) backoff between attempts.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { PluginError, QueryError } from '../../src/errors/index.js';
import { RecoveryRuntime, retryStrategy } from '../../src/errors/recovery/index.js';
import { backoffDelay, createRetryMachine, retryMinBackoffMs } from '../../machines/strategies/retry.machine.js';
import { fakeHost, recordingBus } from './support.js';

function flaky(failures: number) {
  const calls = { count: 0 };
  const operation = async () => {
    calls.count++;
    if (calls.count <= failures) throw new PluginError(`render failed (call ${calls.count})`, { plugin: 'viz', phase: 'execute' });
    return { rows: 3 };
  };
  return { calls, operation };
}

describe('retry strategy', () => {
  it('recovers an operation that fails twice then succeeds, and emits error:recovered with the payload', async () => {
    const { bus, named } = recordingBus();
    const host = fakeHost(bus);
    const runtime = new RecoveryRuntime(host);
    const { calls, operation } = flaky(2);
    const original = await operation().catch((e: Error) => e);
    expect(original).toBeInstanceOf(PluginError);

    const outcome = await runtime.run(retryStrategy({ maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 }), {
      error: original as Error,
      category: 'transient',
      component: 'plugin:viz',
      plugin: 'viz',
      retry: operation,
    });

    expect(outcome).toMatchObject({ success: true, strategy: 'retry', attempts: 2, recovered: { rows: 3 }, produced: true });
    expect(calls.count).toBe(3);
    expect(named('error:recovered')).toEqual([{ error: original, recovery: 'retry' }]);
    expect(named('error:escalated')).toEqual([]);
    expect(host.actors.get('recovery:1')).toBeUndefined();
    expect(runtime.active).toBe(0);
  });

  it('with no backoff re-attempts at once (re-entering attempting) and still stops at its bound', async () => {
    const { bus } = recordingBus();
    const runtime = new RecoveryRuntime(fakeHost(bus));
    const { calls, operation } = flaky(2);
    const outcome = await runtime.run(retryStrategy({ maxAttempts: 3, initialDelayMs: 0 }), { error: new Error('x'), category: 'transient', component: 'engine', retry: operation });
    expect(outcome).toMatchObject({ success: true, attempts: 3 });
    expect(calls.count).toBe(3);
    const never = flaky(Infinity);
    const failed = await runtime.run(retryStrategy({ maxAttempts: 4, initialDelayMs: 0 }), { error: new Error('x'), category: 'transient', component: 'engine', retry: never.operation });
    expect(failed).toMatchObject({ success: false, attempts: 4 });
    expect(never.calls.count).toBe(4);
  });

  it('escalates after maxAttempts, naming the last error, and reports plugin:error for a plugin', async () => {
    const { bus, named } = recordingBus();
    const runtime = new RecoveryRuntime(fakeHost(bus));
    const { calls, operation } = flaky(Infinity);
    const error = new PluginError('render failed', { plugin: 'viz', phase: 'execute' });
    const outcome = await runtime.run(retryStrategy({ maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 }), {
      error,
      category: 'transient',
      component: 'plugin:viz',
      plugin: 'viz',
      retry: operation,
    });
    expect(outcome.success).toBe(false);
    expect(outcome.attempts).toBe(2);
    expect(calls.count).toBe(2);
    expect(outcome.message).toMatch(/gave up after 2 of 2 attempts; last error: render failed \(call 2\)/);
    expect(named('error:escalated')).toEqual([{ error, recovery: 'retry', reason: outcome.message }]);
    expect(named('plugin:error')).toEqual([{ name: 'viz', error, phase: 'execute' }]);
  });

  it('does not retry an error that fails the same way every time', async () => {
    const { bus } = recordingBus();
    const runtime = new RecoveryRuntime(fakeHost(bus));
    let calls = 0;
    const outcome = await runtime.run(retryStrategy({ initialDelayMs: 1 }), {
      error: new Error('network blip'),
      category: 'transient',
      component: 'engine',
      retry: async () => {
        calls++;
        throw new QueryError('Binder Error: column x not found', { sql: 'SELECT x' });
      },
    });
    expect(outcome.success).toBe(false);
    expect(calls).toBe(1);
    expect(outcome.message).toMatch(/not retryable/);
  });

  it('escalates at once without an operation to re-run', async () => {
    const { bus } = recordingBus();
    const outcome = await new RecoveryRuntime(fakeHost(bus)).run(retryStrategy(), { error: new Error('x'), category: 'transient', component: 'engine' });
    expect(outcome).toMatchObject({ success: false, attempts: 0 });
    expect(outcome.message).toMatch(/no operation to retry/);
  });

  it('escalates promptly with reason shutdown while waiting its backoff', async () => {
    const { bus, named } = recordingBus();
    const runtime = new RecoveryRuntime(fakeHost(bus));
    const pending = runtime.run(retryStrategy({ initialDelayMs: 60_000, maxDelayMs: 60_000 }), {
      error: new Error('x'),
      category: 'transient',
      component: 'engine',
      retry: async () => 1,
    });
    expect(runtime.active).toBe(1);
    runtime.shutdown();
    const outcome = await pending;
    expect(outcome).toMatchObject({ success: false, message: 'shutdown', attempts: 0 });
    expect(named('error:escalated')[0]).toMatchObject({ reason: 'shutdown' });
  });

  it('waits a backoff between attempts that grows, stays within its jitter, and is deterministic given the seed', () => {
    const params = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.2 };
    for (let rng = -5; rng < 200; rng += 7) {
      for (let attempts = 0; attempts < 6; attempts++) {
        const base = Math.min(1000, 100 * 2 ** attempts);
        const delay = backoffDelay({ ...params, attempts, rng });
        expect(delay).toBeGreaterThanOrEqual(base * 0.8 - 1e-9);
        expect(delay).toBeLessThanOrEqual(Math.min(1000, base * 1.2));
        expect(delay).toBeGreaterThanOrEqual(retryMinBackoffMs(params));
        expect(backoffDelay({ ...params, attempts, rng })).toBe(delay);
      }
    }
  });

  it('runs its attempts through the named `backoff` delay (real timers, small delays)', async () => {
    const starts: number[] = [];
    let calls = 0;
    const machine = createRetryMachine({ maxAttempts: 3, initialDelayMs: 15, maxDelayMs: 15, jitter: 0 }).provide({
      actors: {
        attempt: fromPromise(async () => {
          starts.push(performance.now());
          if (++calls < 3) throw new Error('again');
          return 'done';
        }),
      },
    });
    const began = performance.now();
    const actor = createActor(machine, { input: { error: new Error('x'), category: 'transient', component: 'engine' } });
    const done = new Promise((resolve, reject) => actor.subscribe({ complete: () => resolve(actor.getSnapshot().output), error: reject }));
    actor.start();
    expect(actor.getSnapshot().value).toBe('waiting');
    await expect(done).resolves.toMatchObject({ success: true, attempts: 3, recovered: 'done' });
    // Each attempt waited at least its backoff (a lower bound: timers may only be late).
    expect(starts[0]! - began).toBeGreaterThanOrEqual(14);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(14);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(14);
  });
});
