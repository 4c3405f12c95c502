/**
 * The retry strategy: re-run the failed operation up to `maxAttempts` times, waiting
 * an exponential backoff with jitter before each attempt.
 *
 * States and events (strategy shape: see machines/recovery.machine.ts):
 *   deciding    -- no operation to re-run (input.hasOperation false) -> escalated  (emit error:escalated, reason 'no operation to retry')
 *   deciding    -- error not retryable (permanent category / retryable:false) -> escalated (emit error:escalated)
 *   deciding    -- no backoff configured (initialDelayMs or maxDelayMs 0) -> attempting
 *   deciding    -- otherwise ------------------------------------> waiting
 *   waiting     -- after `backoff` -------------------------------> attempting
 *   attempting  -- (entry: attempts += 1) invoke `attempt`
 *   attempting  -- attempt resolved ------------------------------> recovered  (emit error:recovered; output.recovered = the result)
 *   attempting  -- attempt rejected, attempts < maxAttempts and retryable, no backoff -> attempting (re-entered)
 *   attempting  -- attempt rejected, attempts < maxAttempts and retryable -> waiting (jitter generator advances)
 *   attempting  -- attempt rejected, otherwise -------------------> escalated  (emit error:escalated, reason names the last error)
 *   any non-final -- SHUTDOWN ------------------------------------> escalated  (reason 'shutdown')
 *
 * The `backoff` delay is `min(maxDelayMs, initialDelayMs * factor^attempts)`, scaled by
 * a factor in `[1 - jitter, 1 + jitter]` drawn from a seeded generator kept in
 * context (`rng`), and capped at `maxDelayMs`. The machine is deterministic given its
 * input; its shortest possible wait is `retryMinBackoffMs(params)`. With no backoff at all
 * (a zero initial or maximum delay) it skips `waiting` rather than wait a timer tick.
 */
import { and, assign, fromPromise, setup, type AnyStateMachine } from 'xstate';
import {
  baseContext,
  errorOf,
  finalOutput,
  strategyFinalStates,
  strategyShapeActions,
  isRetryable,
  type RecoveryContextBase,
  type RecoveryMachineTypes,
} from '../recovery.machine.js';
import { RNG_STEP, rngValue } from '../random.js';

export { rngValue };

/** Parameters of a retry strategy. */
export interface RetryParams {
  /** The name reported as `recovery` / `strategy`. Default `retry`. */
  name?: string;
  /** Attempts at most (re-runs of the operation). Default 3. */
  maxAttempts?: number;
  /** Wait before the first attempt, in ms. Default 100. */
  initialDelayMs?: number;
  /** Longest wait, in ms. Default 2000. */
  maxDelayMs?: number;
  /** Growth of the wait per attempt. Default 2. */
  factor?: number;
  /** Relative spread of each wait, 0..1 (0.2 = ±20%). Default 0.2. */
  jitter?: number;
}

/** The retry machine's context. */
export interface RetryContext extends RecoveryContextBase {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  jitter: number;
  /** State of the jitter generator (mulberry32). */
  rng: number;
  hasOperation: boolean;
}

/** Parameters with defaults applied and out-of-range values clamped. */
export function resolveRetryParams(params: RetryParams = {}): Required<RetryParams> {
  const finite = (value: number | undefined, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
  const maxDelayMs = Math.max(0, finite(params.maxDelayMs, 2000));
  return {
    name: params.name ?? 'retry',
    maxAttempts: Math.max(1, Math.floor(finite(params.maxAttempts, 3))),
    initialDelayMs: Math.min(maxDelayMs, Math.max(0, finite(params.initialDelayMs, 100))),
    maxDelayMs,
    factor: Math.max(1, finite(params.factor, 2)),
    jitter: Math.min(1, Math.max(0, finite(params.jitter, 0.2))),
  };
}

/** The shortest wait before any attempt of a retry with these parameters, in ms. */
export function retryMinBackoffMs(params: RetryParams = {}): number {
  const p = resolveRetryParams(params);
  return Math.min(p.maxDelayMs, p.initialDelayMs * (1 - p.jitter));
}

/** The wait before the next attempt, given how many were made. */
export function backoffDelay(context: Pick<RetryContext, 'attempts' | 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'jitter' | 'rng'>): number {
  const base = Math.min(context.maxDelayMs, context.initialDelayMs * Math.pow(context.factor, context.attempts));
  const spread = 1 + context.jitter * (2 * rngValue(context.rng) - 1);
  return Math.max(0, Math.min(context.maxDelayMs, base * spread));
}

/** A retry machine with `params` baked into its context. */
export function createRetryMachine(params: RetryParams = {}): AnyStateMachine {
  const p = resolveRetryParams(params);
  return setup({
    types: {} as RecoveryMachineTypes<RetryContext>,
    actors: {
      attempt: fromPromise<unknown, { operation: string | undefined; attempt: number }>(async () => {
        throw new Error('the `attempt` actor was not provided: supply it with machine.provide()');
      }),
    },
    actions: {
      countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
      recordResult: assign({
        result: ({ event }) => (event as { output?: unknown }).output,
        message: ({ context }) => `the operation succeeded on attempt ${context.attempts} of ${context.maxAttempts}`,
      }),
      recordFailure: assign({ rng: ({ context }) => (context.rng + RNG_STEP) | 0 }),
      recordGiveUp: assign({
        reason: ({ context, event }) => {
          const last = errorOf(event as { error?: unknown });
          return isRetryable(last)
            ? `gave up after ${context.attempts} of ${context.maxAttempts} attempts; last error: ${last.message}`
            : `stopped after attempt ${context.attempts}: the error is not retryable (${last.message})`;
        },
      }),
      recordNoOperation: assign({ reason: 'no operation to retry: the error context carries no retry function' }),
      recordNotRetryable: assign({ reason: ({ context }) => `not retryable: a ${context.category} error fails the same way again (${context.error.message})` }),
      ...strategyShapeActions<RetryContext>(),
    },
    guards: {
      noOperation: ({ context }) => !context.hasOperation,
      notRetryable: ({ context }) => !isRetryable(context.error),
      canRetry: ({ context, event }) => context.attempts < context.maxAttempts && isRetryable((event as { error?: unknown }).error),
      noBackoff: ({ context }) => context.initialDelayMs === 0 || context.maxDelayMs === 0,
    },
    delays: {
      backoff: ({ context }) => backoffDelay(context),
    },
  }).createMachine({
    id: p.name,
    initial: 'deciding',
    context: ({ input }) => ({
      ...baseContext(input, p.name, p.maxAttempts),
      initialDelayMs: p.initialDelayMs,
      maxDelayMs: p.maxDelayMs,
      factor: p.factor,
      jitter: p.jitter,
      rng: (input.seed ?? 1) | 0,
      hasOperation: input.hasOperation ?? true,
    }),
    states: {
      deciding: {
        always: [
          { guard: 'noOperation', target: 'escalated', actions: 'recordNoOperation' },
          { guard: 'notRetryable', target: 'escalated', actions: 'recordNotRetryable' },
          { guard: 'noBackoff', target: 'attempting' },
          { target: 'waiting' },
        ],
        on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
      },
      waiting: {
        after: { backoff: { target: 'attempting' } },
        on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
      },
      attempting: {
        entry: 'countAttempt',
        invoke: {
          id: 'attempt',
          src: 'attempt',
          input: ({ context }) => ({ operation: context.operation, attempt: context.attempts }),
          onDone: { target: 'recovered', actions: 'recordResult' },
          onError: [
            { guard: and(['canRetry', 'noBackoff']), target: 'attempting', reenter: true, actions: 'recordFailure' },
            { guard: 'canRetry', target: 'waiting', actions: 'recordFailure' },
            { target: 'escalated', actions: 'recordGiveUp' },
          ],
        },
        on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
      },
      ...strategyFinalStates,
    },
    output: finalOutput,
  });
}

/** The retry machine with default parameters (3 attempts, 100 ms doubling up to 2 s, ±20%). */
export const retryMachine = createRetryMachine();
