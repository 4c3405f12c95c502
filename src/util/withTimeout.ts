/**
 * Races a promise against a time budget. When the budget runs out the result
 * rejects with a TimeoutError and `onTimeout` runs (to cancel the work, e.g. a
 * DuckDB query); the work's late outcome is ignored.
 */
import { TimeoutError } from '../errors/TimeoutError.js';

export interface WithTimeoutOptions {
  /** What is running, for the error: `query`, `loadData`, ... */
  operation: string;
  /** The component named in the error. Default `engine`. */
  component?: string;
  /** Called once when the budget runs out, e.g. to cancel the work. Its errors are ignored. */
  onTimeout?: () => unknown;
  /** Extra words for the error message, saying what to do. Default: raise timeoutMs or make the work smaller. */
  hint?: string;
}

/** True when `timeoutMs` is a limit at all: missing, zero, negative or infinite means none. */
export function isTimeLimit(timeoutMs: number | undefined): timeoutMs is number {
  return timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs);
}

/** The TimeoutError `withTimeout` rejects with, for callers that watch a deadline themselves; `cancelled`: the work was stopped. */
export function timeoutError(timeoutMs: number, options: WithTimeoutOptions, cancelled = options.onTimeout !== undefined): TimeoutError {
  return new TimeoutError(
    `${options.operation} did not finish within ${timeoutMs} ms${cancelled ? ' and was cancelled' : ''}; ${options.hint ?? 'raise timeoutMs or make the work smaller'}`,
    { timeoutMs, operation: options.operation, component: options.component ?? 'engine' },
  );
}

/**
 * Resolves with `work`'s value, or rejects with a TimeoutError after `timeoutMs`.
 * A missing, zero, negative or infinite `timeoutMs` means no limit.
 */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number | undefined, options: WithTimeoutOptions): Promise<T> {
  if (!isTimeLimit(timeoutMs)) return work;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      try {
        const cancelled = options.onTimeout?.();
        if (cancelled instanceof Promise) cancelled.catch(() => undefined);
      } catch {
        // Cancelling is best effort: the caller already gets the TimeoutError.
      }
      reject(timeoutError(timeoutMs, options));
    }, timeoutMs);
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Calls `run` and bounds what it returns by `timeoutMs`, like `withTimeout`. A
 * synchronous result (or throw) settles at once with no timer, which keeps hooks
 * that return plain values cheap.
 */
export function runWithTimeout<T>(run: () => T | Promise<T>, timeoutMs: number | undefined, options: WithTimeoutOptions): Promise<T> {
  let result: T | Promise<T>;
  try {
    result = run();
  } catch (error) {
    return Promise.reject(error);
  }
  if (!isThenable(result)) return Promise.resolve(result);
  return withTimeout(Promise.resolve(result), timeoutMs, options);
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
