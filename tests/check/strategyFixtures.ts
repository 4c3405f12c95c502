// The built-in recovery strategies as the checker tests use them: every factory
// with the options that give it a different machine or a different bound.
import { createActor } from 'xstate';
import {
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
import { CircuitBreaker } from '../../src/errors/recovery/CircuitBreaker.js';
import { circuitBreakerMachine } from '../../machines/circuitBreaker.machine.js';

const breaker = () => new CircuitBreaker('engine', createActor(circuitBreakerMachine, { input: { name: 'engine' } }));

export const builtins: Array<[string, () => RecoveryStrategy]> = [
  ['retry (defaults)', () => retryStrategy()],
  ['retry, 6 attempts, no jitter', () => retryStrategy({ maxAttempts: 6, jitter: 0, initialDelayMs: 50 })],
  ['retry, 5 attempts, no initial delay', () => retryStrategy({ maxAttempts: 5, initialDelayMs: 0 })],
  ['restart plugin, one_for_one', () => restartPluginStrategy()],
  ['restart plugin, rest_for_one', () => restartPluginStrategy({ mode: 'rest_for_one', maxRestarts: 2 })],
  ['restart plugin, rest_for_one, 1 restart', () => restartPluginStrategy({ mode: 'rest_for_one', maxRestarts: 1 })],
  ['cleanup and retry', () => cleanupAndRetryStrategy()],
  ['cleanup', () => cleanupStrategy()],
  ['fallback', () => fallbackStrategy(0)],
  ['fallback to a cached value', () => fallbackStrategy('cached')],
  ['escalate', () => escalateStrategy()],
  ['circuit breaker', () => circuitBreakerStrategy(breaker(), { maxAttempts: 3 })],
  ['compose(retry, restart, fallback)', () => compose(retryStrategy({ maxAttempts: 2 }), restartPluginStrategy(), fallbackStrategy(1))],
];

