/**
 * The circuit-breaker strategy: retry the operation, but every attempt goes through
 * the component's circuit breaker (machines/circuitBreaker.machine.ts). While the
 * circuit is open an attempt is refused at once with a non-retryable error, so the
 * recovery escalates instead of hammering a failing component.
 *
 * It is the retry machine (same states, same `backoff` delay) under its own name;
 * the runtime supplies an `attempt` actor that asks the breaker first and reports
 * each outcome to it.
 *
 * States and events (strategy shape: see machines/recovery.machine.ts):
 *   deciding   -- no operation / not retryable ---------> escalated (emit error:escalated)
 *   deciding   -- otherwise -----------------------------> waiting
 *   waiting    -- after `backoff` -----------------------> attempting
 *   attempting -- invoke `attempt` (through the breaker)
 *   attempting -- resolved ------------------------------> recovered (emit error:recovered)
 *   attempting -- rejected, circuit open (retryable:false) -> escalated (emit error:escalated)
 *   attempting -- rejected, attempts < maxAttempts ------> waiting
 *   attempting -- rejected, otherwise -------------------> escalated
 *   any non-final -- SHUTDOWN ---------------------------> escalated (reason 'shutdown')
 */
import type { AnyStateMachine } from 'xstate';
import { createRetryMachine, type RetryParams } from './retry.machine.js';

/** Parameters of a circuit-breaker strategy: those of its retries. Default name `circuit_breaker`. */
export type CircuitBreakerStrategyParams = RetryParams;

/** A circuit-breaker strategy machine. */
export function createCircuitBreakerStrategyMachine(params: CircuitBreakerStrategyParams = {}): AnyStateMachine {
  return createRetryMachine({ ...params, name: params.name ?? 'circuit_breaker' });
}
