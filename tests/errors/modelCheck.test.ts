// Every built-in strategy, and a composition, keeps the strategy shape as the
// model checker sees it: bounded attempts, backoff respected, no restart after
// dispose, always ending in `recovered` or `escalated`, under every injected fault.
import { describe, expect, it } from 'vitest';
import { checkStrategy } from '../../src/check/index.js';
import {
  CircuitBreakers,
  circuitBreakerStrategy,
  cleanupAndRetryStrategy,
  cleanupStrategy,
  compose,
  escalateStrategy,
  fallbackStrategy,
  restartPluginStrategy,
  retryStrategy,
  type RecoveryStrategy,
} from '../../src/errors/recovery/index.js';
import { createStandaloneActorHost } from '../../src/orchestrator/ActorHost.js';

describe('built-in strategies under the model checker', () => {
  const breakers = new CircuitBreakers(createStandaloneActorHost());
  const strategies: RecoveryStrategy[] = [
    retryStrategy(),
    retryStrategy({ maxAttempts: 5, initialDelayMs: 0 }),
    restartPluginStrategy(),
    restartPluginStrategy({ mode: 'rest_for_one', maxRestarts: 1 }),
    cleanupAndRetryStrategy(),
    cleanupStrategy(),
    fallbackStrategy('cached'),
    escalateStrategy(),
    circuitBreakerStrategy(breakers.for('engine')),
    compose(retryStrategy({ maxAttempts: 2 }), restartPluginStrategy(), fallbackStrategy(0)),
  ];

  for (const strategy of strategies) {
    it(`${strategy.name} (bound ${strategy.bound ?? 'none'}) satisfies every strategy property`, () => {
      const result = checkStrategy(strategy, { maxStates: 100_000 });
      expect(result.violations).toEqual([]);
      expect(result.complete).toBe(true);
      expect(result.ok).toBe(true);
    });
  }
});
