/**
 * A circuit breaker: one long-lived actor per plugin and one for the engine. It
 * counts consecutive failures of a component's operations; at `threshold` it opens
 * and refuses operations for `openMs`, then lets a single trial through
 * (half-open): a success closes it, a failure opens it again.
 *
 * States and events:
 *   closed   -- SUCCESS ----------------------------> closed   (failures := 0)
 *   closed   -- FAILURE, failures + 1 < threshold --> closed   (failures += 1)
 *   closed   -- FAILURE, failures + 1 ≥ threshold --> open     (emit circuit:opened { name, failures })
 *   open     -- after `openDuration` ----------------> halfOpen (emit circuit:halfOpen { name })
 *   open     -- SUCCESS / FAILURE / ACQUIRE ---------> open     (late outcomes of earlier calls are ignored)
 *   halfOpen -- ACQUIRE, no trial running ----------> halfOpen (trialInFlight := true: this caller is the trial)
 *   halfOpen -- SUCCESS ----------------------------> closed   (emit circuit:closed { name })
 *   halfOpen -- FAILURE ----------------------------> open     (emit circuit:opened { name, failures })
 *   any      -- RESET ------------------------------> closed   (emit circuit:closed { name })
 *
 * Callers ask before running (closed: yes; open: no; halfOpen: yes for the one
 * caller whose ACQUIRE set `trialInFlight`), then report SUCCESS or FAILURE.
 */
import { assign, emit, setup } from 'xstate';

/** Parameters of a breaker. */
export interface CircuitBreakerInput {
  /** What the breaker guards (`engine`, `plugin:viz`): named in its events. */
  name: string;
  /** Consecutive failures that open the circuit. Default 5. */
  threshold?: number;
  /** How long the circuit stays open before a trial, in ms. Default 30000. */
  openMs?: number;
}

/** The breaker's context. */
export interface CircuitBreakerContext {
  name: string;
  threshold: number;
  openMs: number;
  /** Consecutive failures counted while closed. */
  failures: number;
  /** In half-open, whether the single trial has been handed out. */
  trialInFlight: boolean;
}

/** Events the breaker accepts. */
export type CircuitBreakerEvent =
  | { type: 'ACQUIRE' }
  | { type: 'SUCCESS' }
  | { type: 'FAILURE' }
  | { type: 'RESET' };

/** Events the breaker emits. */
export type CircuitBreakerEmitted =
  | { type: 'circuit:opened'; name: string; failures: number }
  | { type: 'circuit:halfOpen'; name: string }
  | { type: 'circuit:closed'; name: string };

export const circuitBreakerMachine = setup({
  types: {} as {
    context: CircuitBreakerContext;
    input: CircuitBreakerInput;
    events: CircuitBreakerEvent;
    emitted: CircuitBreakerEmitted;
  },
  actions: {
    countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
    resetFailures: assign({ failures: 0 }),
    startTrial: assign({ trialInFlight: true }),
    clearTrial: assign({ trialInFlight: false }),
    emitOpened: emit(({ context }) => ({ type: 'circuit:opened' as const, name: context.name, failures: context.failures })),
    emitHalfOpen: emit(({ context }) => ({ type: 'circuit:halfOpen' as const, name: context.name })),
    emitClosed: emit(({ context }) => ({ type: 'circuit:closed' as const, name: context.name })),
  },
  guards: {
    reachesThreshold: ({ context }) => context.failures + 1 >= context.threshold,
    noTrial: ({ context }) => !context.trialInFlight,
  },
  delays: {
    openDuration: ({ context }) => context.openMs,
  },
}).createMachine({
  id: 'circuitBreaker',
  initial: 'closed',
  context: ({ input }) => ({
    name: input.name,
    threshold: Math.max(1, Math.floor(Number.isFinite(input.threshold) ? (input.threshold as number) : 5)),
    openMs: Math.max(0, Number.isFinite(input.openMs) ? (input.openMs as number) : 30_000),
    failures: 0,
    trialInFlight: false,
  }),
  on: {
    RESET: { target: '.closed', actions: ['resetFailures', 'clearTrial', 'emitClosed'] },
  },
  states: {
    closed: {
      on: {
        SUCCESS: { actions: 'resetFailures' },
        FAILURE: [
          { guard: 'reachesThreshold', target: 'open', actions: ['countFailure', 'emitOpened'] },
          { actions: 'countFailure' },
        ],
      },
    },
    open: {
      after: { openDuration: { target: 'halfOpen' } },
    },
    halfOpen: {
      entry: ['clearTrial', 'emitHalfOpen'],
      on: {
        ACQUIRE: { guard: 'noTrial', actions: 'startTrial' },
        SUCCESS: { target: 'closed', actions: ['resetFailures', 'clearTrial', 'emitClosed'] },
        FAILURE: { target: 'open', actions: ['countFailure', 'clearTrial', 'emitOpened'] },
      },
    },
  },
});
