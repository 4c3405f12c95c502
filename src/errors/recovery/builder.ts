/**
 * An immutable builder for retry strategies, in the manner of cockatiel's policies:
 * `retry().attempts(3).exponential({ initialDelayMs: 100, maxDelayMs: 2000, jitter: 0.2 }).orElse(fallbackStrategy(0))`.
 * Every method returns a new builder; `build()` gives the RecoveryStrategy.
 */
import { compose } from './compose.js';
import { retryStrategy, type RetryParams } from './strategies.js';
import type { RecoveryStrategy } from './types.js';

/** Exponential backoff settings (defaults as retryStrategy's: 100 ms, 2000 ms, ×2, ±20%). */
export interface ExponentialBackoff {
  initialDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  jitter?: number;
}

export class RetryBuilder {
  /** @param params the retry parameters gathered so far (defaults as retryStrategy's). */
  constructor(private readonly params: Readonly<RetryParams> = {}) {}

  /** At most `count` attempts (default 3). */
  attempts(count: number): RetryBuilder {
    return new RetryBuilder({ ...this.params, maxAttempts: count });
  }

  /** Waits growing by `factor` from `initialDelayMs` up to `maxDelayMs`, spread by ±`jitter`. */
  exponential(backoff: ExponentialBackoff = {}): RetryBuilder {
    return new RetryBuilder({ ...this.params, ...backoff });
  }

  /** The same wait, `delayMs`, before every attempt (no growth, no jitter). */
  constant(delayMs: number): RetryBuilder {
    return new RetryBuilder({ ...this.params, initialDelayMs: delayMs, maxDelayMs: delayMs, factor: 1, jitter: 0 });
  }

  /** No wait at all between attempts. */
  immediate(): RetryBuilder {
    return new RetryBuilder({ ...this.params, initialDelayMs: 0, jitter: 0 });
  }

  /** Reports the strategy as `name` (default `retry`). */
  named(name: string): RetryBuilder {
    return new RetryBuilder({ ...this.params, name });
  }

  /** The retry strategy (ValidationError for out-of-range parameters). */
  build(): RecoveryStrategy {
    return retryStrategy(this.params);
  }

  /** The retry strategy, then `next` in order when it escalates (see `compose`). */
  orElse(...next: RecoveryStrategy[]): RecoveryStrategy {
    return compose(this.build(), ...next);
  }
}

/** A retry builder with the defaults of retryStrategy. */
export function retry(): RetryBuilder {
  return new RetryBuilder();
}
