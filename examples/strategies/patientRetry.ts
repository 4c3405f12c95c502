/**
 * A user-defined recovery strategy, written to the strategy shape and correct:
 * retry the failed operation up to 4 times with a linear backoff (250 ms, 500 ms,
 * ...), stop at once on a permanent error, escalate on shutdown.
 *
 *   waiting    -- after `backoff` ------------------------------> attempting
 *   attempting -- (entry: attempts += 1) invoke `attempt`
 *   attempting -- attempt resolved -----------------------------> recovered  (emit error:recovered)
 *   attempting -- attempt rejected, retryable, attempts < max --> waiting
 *   attempting -- attempt rejected, otherwise ------------------> escalated  (emit error:escalated)
 *   any non-final -- SHUTDOWN ----------------------------------> escalated  (emit error:escalated)
 *
 * Check it with `dataprism check examples/strategies/patientRetry.ts`.
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import { defineRecoveryStrategy } from '../../src/errors/recovery/index.js';
import type { RecoveryInput } from '../../src/errors/recovery/index.js';

const MAX_ATTEMPTS = 4;
const STEP_MS = 250;

/** Errors whose category says another try cannot help. */
const PERMANENT = ['query', 'validation', 'configuration', 'usage', 'fatal'];

function retryable(error: unknown): boolean {
  const category = (error as { category?: unknown } | null)?.category;
  return !(typeof category === 'string' && PERMANENT.includes(category));
}

interface PatientContext {
  error: Error;
  attempts: number;
  maxAttempts: number;
  reason: string;
}

const machine = setup({
  types: {} as { context: PatientContext; input: RecoveryInput; events: { type: 'SHUTDOWN' } },
  actors: {
    attempt: fromPromise<unknown, { attempt: number }>(async () => {
      throw new Error('the runtime provides `attempt`');
    }),
  },
  guards: {
    canRetry: ({ context, event }) => context.attempts < context.maxAttempts && retryable((event as { error?: unknown }).error),
  },
  delays: {
    backoff: ({ context }) => STEP_MS * (context.attempts + 1),
  },
}).createMachine({
  id: 'patient_retry',
  initial: 'waiting',
  context: ({ input }) => ({ error: input.error, attempts: 0, maxAttempts: MAX_ATTEMPTS, reason: '' }),
  on: { SHUTDOWN: { target: '.escalated', actions: assign({ reason: 'shutdown' }) } },
  // The machine's output is the output of the final state it ended in.
  output: ({ event }) => (event as { output?: unknown }).output,
  states: {
    waiting: { after: { backoff: 'attempting' } },
    attempting: {
      entry: assign({ attempts: ({ context }) => context.attempts + 1 }),
      invoke: {
        id: 'attempt',
        src: 'attempt',
        input: ({ context }) => ({ attempt: context.attempts }),
        onDone: 'recovered',
        onError: [
          { guard: 'canRetry', target: 'waiting' },
          { target: 'escalated', actions: assign({ reason: 'gave up' }) },
        ],
      },
    },
    recovered: {
      type: 'final',
      entry: emit(({ context }) => ({ type: 'error:recovered' as const, error: context.error, recovery: 'patient_retry' })),
      output: ({ context }) => ({ success: true, strategy: 'patient_retry', message: `recovered on attempt ${context.attempts}`, attempts: context.attempts }),
    },
    escalated: {
      type: 'final',
      entry: emit(({ context }) => ({ type: 'error:escalated' as const, error: context.error, recovery: 'patient_retry', reason: context.reason })),
      output: ({ context }) => ({ success: false, strategy: 'patient_retry', message: context.reason, attempts: context.attempts }),
    },
  },
});

/** Retries up to 4 times, 250 ms × attempt apart. */
export const patientRetry = defineRecoveryStrategy({
  name: 'patient_retry',
  machine,
  bound: MAX_ATTEMPTS,
  minBackoffMs: STEP_MS,
});
