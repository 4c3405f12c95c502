/**
 * The built-in recovery strategies: factories that bake parameters into a strategy
 * machine (machines/strategies/) and say which errors each fits.
 */
import { createRetryMachine, resolveRetryParams, retryMinBackoffMs, type RetryParams } from '../../../machines/strategies/retry.machine.js';
import { createRestartPluginMachine, type RestartPluginParams } from '../../../machines/strategies/restartPlugin.machine.js';
import { createCleanupAndRetryMachine } from '../../../machines/strategies/cleanupAndRetry.machine.js';
import { createFallbackMachine } from '../../../machines/strategies/fallback.machine.js';
import { createEscalateMachine } from '../../../machines/strategies/escalate.machine.js';
import { createCircuitBreakerStrategyMachine } from '../../../machines/strategies/circuitBreaker.machine.js';
import type { ErrorCategory } from '../DataPrismError.js';
import { ValidationError } from '../ValidationError.js';
import type { CircuitBreaker } from './CircuitBreaker.js';
import type { RecoveryStrategy } from './types.js';

export type { RetryParams } from '../../../machines/strategies/retry.machine.js';
export type { RestartPluginParams, RestartMode } from '../../../machines/strategies/restartPlugin.machine.js';

const PERMANENT: readonly ErrorCategory[] = ['query', 'validation', 'configuration', 'usage', 'fatal'];

/**
 * Retries the failed operation: at most `maxAttempts` (default 3) attempts, waiting
 * `initialDelayMs` (default 100) growing by `factor` (default 2) up to `maxDelayMs`
 * (default 2000), each wait spread by ±`jitter` (default 0.2). Fits every error whose
 * category is not permanent (query, validation, configuration, usage, fatal).
 */
export function retryStrategy(params: RetryParams = {}): RecoveryStrategy {
  checkRetryParams(params);
  const resolved = resolveRetryParams(params);
  return {
    name: resolved.name,
    machine: createRetryMachine(resolved),
    appliesTo: (_error, category) => !PERMANENT.includes(category),
    bound: resolved.maxAttempts,
    minBackoffMs: retryMinBackoffMs(resolved),
  };
}

/**
 * Restarts the failed plugin (dispose, then initialize from a clean state), at most
 * `maxRestarts` (default 3) times within `withinMs` (default 60000), then escalates.
 * `mode` `one_for_one` (default) restarts only the plugin; `rest_for_one` also its
 * dependents. Fits plugin errors. Reported as `plugin_restart`.
 */
export function restartPluginStrategy(params: RestartPluginParams = {}): RecoveryStrategy {
  if (params.maxRestarts !== undefined && (!Number.isInteger(params.maxRestarts) || params.maxRestarts < 0)) {
    throw new ValidationError(`restartPluginStrategy: maxRestarts must be an integer ≥ 0, got ${String(params.maxRestarts)}`, { component: 'errors' });
  }
  if (params.withinMs !== undefined && !(Number.isFinite(params.withinMs) && params.withinMs >= 0)) {
    throw new ValidationError(`restartPluginStrategy: withinMs must be a number ≥ 0, got ${String(params.withinMs)}`, { component: 'errors' });
  }
  if (params.mode !== undefined && params.mode !== 'one_for_one' && params.mode !== 'rest_for_one') {
    throw new ValidationError(`restartPluginStrategy: mode must be 'one_for_one' or 'rest_for_one', got ${String(params.mode)}`, { component: 'errors' });
  }
  const name = params.name ?? 'plugin_restart';
  return {
    name,
    machine: createRestartPluginMachine({ ...params, name }),
    appliesTo: (_error, category) => category === 'plugin',
    bound: 1,
  };
}

/** Frees resources (ResourceManager.cleanup()), then re-runs the operation once. Fits resource errors (MemoryError). */
export function cleanupAndRetryStrategy(options: { name?: string } = {}): RecoveryStrategy {
  const name = options.name ?? 'cleanup_and_retry';
  return {
    name,
    machine: createCleanupAndRetryMachine({ name, retry: true }),
    appliesTo: (_error, category) => category === 'resource',
    bound: 1,
  };
}

/** Frees resources (ResourceManager.cleanup()) and counts that as the recovery. Fits resource errors. */
export function cleanupStrategy(options: { name?: string } = {}): RecoveryStrategy {
  const name = options.name ?? 'cleanup';
  return {
    name,
    machine: createCleanupAndRetryMachine({ name, retry: false }),
    appliesTo: (_error, category) => category === 'resource',
    bound: 0,
  };
}

/**
 * Answers with a substitute: `value` itself, or, when it is a function, what it
 * returns (or resolves to) for the error. Fits every error.
 */
export function fallbackStrategy<T>(value: T | ((error: Error) => T | Promise<T>), options: { name?: string } = {}): RecoveryStrategy {
  const name = options.name ?? 'fallback';
  const produce = typeof value === 'function' ? (value as (error: Error) => T | Promise<T>) : () => value;
  return { name, machine: createFallbackMachine({ name }), fallback: produce, bound: 0 };
}

/** Hands the error on at once, with `reason` (default: names the category). Fits every error. */
export function escalateStrategy(options: { name?: string; reason?: string } = {}): RecoveryStrategy {
  const name = options.name ?? 'escalate';
  return { name, machine: createEscalateMachine({ ...options, name }), bound: 0 };
}

/**
 * Retries through `breaker`: each attempt asks the breaker first (an open circuit
 * refuses at once and the recovery escalates) and reports its outcome to it.
 * Retry parameters as retryStrategy's (defaults alike). Fits non-permanent errors.
 */
export function circuitBreakerStrategy(breaker: CircuitBreaker, params: RetryParams = {}): RecoveryStrategy {
  checkRetryParams(params);
  const resolved = resolveRetryParams({ ...params, name: params.name ?? 'circuit_breaker' });
  return {
    name: resolved.name,
    machine: createCircuitBreakerStrategyMachine(resolved),
    appliesTo: (_error, category) => !PERMANENT.includes(category),
    bound: resolved.maxAttempts,
    minBackoffMs: retryMinBackoffMs(resolved),
    breaker,
  };
}

function checkRetryParams(params: RetryParams): void {
  const bad = (what: string, value: unknown, rule: string) =>
    new ValidationError(`retry strategy: ${what} must be ${rule}, got ${String(value)}`, { component: 'errors' });
  if (params.maxAttempts !== undefined && (!Number.isInteger(params.maxAttempts) || params.maxAttempts < 1)) throw bad('maxAttempts', params.maxAttempts, 'an integer ≥ 1');
  for (const key of ['initialDelayMs', 'maxDelayMs'] as const) {
    const value = params[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw bad(key, value, 'a number ≥ 0');
  }
  if (params.factor !== undefined && !(Number.isFinite(params.factor) && params.factor >= 1)) throw bad('factor', params.factor, 'a number ≥ 1');
  if (params.jitter !== undefined && !(Number.isFinite(params.jitter) && params.jitter >= 0 && params.jitter <= 1)) throw bad('jitter', params.jitter, 'between 0 and 1');
}
