/**
 * Races a hook against its time budget: a hook that never settles ends in a
 * TimeoutError, so no plugin state waits forever. The hook itself cannot be
 * cancelled (JavaScript has no way to), so its late result is ignored.
 */
import { TimeoutError } from '../errors/TimeoutError.js';

/** Resolves with `run()`'s value, or rejects with a TimeoutError after `timeoutMs` (no limit when not finite). */
export function withTimeout<T>(run: () => T | Promise<T>, timeoutMs: number, operation: string, component: string): Promise<T> {
  let result: T | Promise<T>;
  try {
    result = run();
  } catch (error) {
    return Promise.reject(error);
  }
  // A synchronous hook needs no timer: it already finished.
  if (!(result instanceof Promise) && !isThenable(result)) return Promise.resolve(result);
  if (!Number.isFinite(timeoutMs)) return Promise.resolve(result);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new TimeoutError(`${operation} did not finish within ${timeoutMs} ms; make the hook faster or raise its timeoutMs`, {
          timeoutMs,
          operation,
          component,
        }),
      );
    }, timeoutMs);
    Promise.resolve(result).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
