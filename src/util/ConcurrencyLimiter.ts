/**
 * A FIFO bound on concurrent async work: at most `limit` tasks run at once and
 * the rest start in the order they were submitted. Used by the engine (queries,
 * loads) and reusable by anything else that must not flood a shared resource.
 */
import { ValidationError } from '../errors/ValidationError.js';

interface Waiter {
  start(): void;
}

export class ConcurrencyLimiter {
  private limit: number;
  private running = 0;
  // A ring would avoid shift()'s O(n); queues here stay short, and shift is fast for small arrays.
  private readonly queue: Waiter[] = [];

  /** `limit`: how many tasks may run at once; a positive integer (default 4). */
  constructor(limit = 4) {
    this.limit = checkConcurrencyLimit(limit);
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get pending(): number {
    return this.queue.length;
  }

  /** The current bound. */
  get maxConcurrency(): number {
    return this.limit;
  }

  /**
   * Changes the bound. Raising it starts waiting tasks at once; lowering it lets
   * running tasks finish and holds new ones until fewer than `limit` run.
   */
  setLimit(limit: number): void {
    this.limit = checkConcurrencyLimit(limit);
    this.drain();
  }

  /**
   * Runs `fn` when a slot is free (immediately if one is), and settles with its
   * result. A task that throws frees its slot like one that returns; so does a
   * task that is not async and returns a plain value.
   */
  run<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    if (this.running < this.limit && this.queue.length === 0) return this.execute(fn);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ start: () => void this.execute(fn).then(resolve, reject) });
    });
  }

  private execute<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    this.running++;
    // The executor adopts a value, a promise or any thenable, and turns a synchronous throw into a rejection.
    return new Promise<T>((resolve) => resolve(fn())).finally(() => {
      this.running--;
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < this.limit && this.queue.length > 0) this.queue.shift()!.start();
  }
}

/** `limit` when it is a positive integer; a ValidationError saying so otherwise. */
export function checkConcurrencyLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError(`maxConcurrency must be a positive integer, got ${String(limit)}; pass 1 or more`, {
      issues: [{ path: 'maxConcurrency', message: 'must be a positive integer' }],
    });
  }
  return limit;
}
