/**
 * A counting limiter: at most `max` tasks run at once, the rest wait in FIFO
 * order. The fast path (a free slot) costs a counter increment, no allocation
 * beyond the task's own promise.
 */
export interface Limiter {
  /** Runs `fn` when a slot is free; resolves or rejects with it. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
}

/** A limiter allowing `max` concurrent tasks (at least 1). */
export function createLimiter(max: number): Limiter {
  const limit = Math.max(1, Math.floor(max));
  let active = 0;
  const queue: (() => void)[] = [];
  let head = 0;
  const release = () => {
    active--;
    if (head < queue.length) {
      const next = queue[head]!;
      queue[head++] = undefined as never;
      // Compact once the consumed prefix dominates, so the array does not grow forever.
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      active++;
      next();
    }
  };
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      if (active < limit) {
        active++;
        let promise: Promise<T>;
        try {
          promise = fn();
        } catch (error) {
          release();
          return Promise.reject(error);
        }
        return promise.finally(release);
      }
      return new Promise<T>((resolve, reject) => {
        queue.push(() => {
          let promise: Promise<T>;
          try {
            promise = fn();
          } catch (error) {
            release();
            reject(error);
            return;
          }
          promise.then(resolve, reject).finally(release);
        });
      });
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length - head;
    },
  };
}
