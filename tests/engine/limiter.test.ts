// The FIFO concurrency bound: never more than `limit` tasks at once, started in submission order.
import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/util/ConcurrencyLimiter.js';
import { withTimeout } from '../../src/util/withTimeout.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ConcurrencyLimiter', () => {
  it('runs at most `limit` tasks at once and starts the rest in FIFO order', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const started: number[] = [];
    const gates = Array.from({ length: 6 }, deferred);
    let running = 0;
    let peak = 0;
    const results = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
        return i * 10;
      }),
    );
    await Promise.resolve();
    expect(limiter.active).toBe(2);
    expect(limiter.pending).toBe(4);
    // Finish out of order: later tasks still start in submission order.
    gates[1]!.resolve();
    await results[1];
    gates[0]!.resolve();
    await results[0];
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(results)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(limiter.active).toBe(0);
  });

  it('frees the slot of a task that throws, synchronously or not', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(limiter.run(() => { throw new Error('sync'); })).rejects.toThrow('sync');
    await expect(limiter.run(async () => { throw new Error('async'); })).rejects.toThrow('async');
    expect(await limiter.run(async () => 'ok')).toBe('ok');
    expect(limiter.active).toBe(0);
  });

  it('setLimit raises the bound for waiting tasks', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    let secondStarted = false;
    const second = limiter.run(async () => { secondStarted = true; });
    await Promise.resolve();
    expect(secondStarted).toBe(false);
    limiter.setLimit(2);
    await second;
    expect(secondStarted).toBe(true);
    gate.resolve();
    await first;
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(ValidationError);
    expect(() => new ConcurrencyLimiter(1.5)).toThrow(/positive integer/);
  });

  it('takes a task that returns a plain value or throws synchronously, and frees its slot either way', async () => {
    const limiter = new ConcurrencyLimiter(1);
    // A JavaScript caller (or one typed loosely) may hand in a function that is not async.
    const plain = (() => 5) as unknown as () => Promise<number>;
    await expect(limiter.run(plain)).resolves.toBe(5);
    expect(limiter.active).toBe(0);
    const throwing = (() => {
      throw new Error('sync');
    }) as unknown as () => Promise<number>;
    await expect(limiter.run(throwing)).rejects.toThrow('sync');
    expect(limiter.active).toBe(0);
    // The single slot is free again: a queued task still runs.
    await expect(limiter.run(async () => 'after')).resolves.toBe('after');
    expect(limiter.active).toBe(0);
  });
});

describe('withTimeout', () => {
  it('rejects with a TimeoutError and calls onTimeout when the work is too slow', async () => {
    let cancelled = 0;
    const never = new Promise<never>(() => undefined);
    const error = await withTimeout(never, 5, { operation: 'query', onTimeout: () => cancelled++ }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(5);
    expect(cancelled).toBe(1);
  });

  it('passes the result and errors through when there is no limit or the work is fast', async () => {
    expect(await withTimeout(Promise.resolve(1), undefined, { operation: 'x' })).toBe(1);
    expect(await withTimeout(Promise.resolve(2), 10_000, { operation: 'x' })).toBe(2);
    await expect(withTimeout(Promise.reject(new Error('boom')), 10_000, { operation: 'x' })).rejects.toThrow('boom');
  });
});
