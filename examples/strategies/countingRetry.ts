/**
 * A retry whose context counts the failures of each kind it has seen
 * (transient, timeouts, memory). It is correct, and it is the hardest kind of
 * strategy for a model checker: every fault leads to a context no other run
 * reaches, so every state is a new machine state and nothing the environment
 * does can be shared between runs. The checker benchmark uses it as its
 * "distinct" space.
 *
 * Check it with `dataprism check examples/strategies/countingRetry.ts`.
 */
import { assign, emit, fromPromise, setup, type AnyStateMachine } from 'xstate';
import type { CheckableStrategy } from '../../src/check/types.js';

interface CountingContext {
  error: Error;
  attempts: number;
  maxAttempts: number;
  transient: number;
  timeouts: number;
  memory: number;
}

/** The strategy with `maxAttempts` attempts. */
export function countingRetry(maxAttempts: number): CheckableStrategy {
  const kindOf = (event: unknown): 'transient' | 'timeouts' | 'memory' | 'permanent' => {
    const error = (event as { error?: { name?: string; category?: string } }).error;
    if (error?.name === 'TimeoutError') return 'timeouts';
    if (error?.category === 'resource') return 'memory';
    if (error?.category === 'transient') return 'transient';
    return 'permanent';
  };
  const machine: AnyStateMachine = setup({
    types: {} as { context: CountingContext; input: { error: Error } },
    actors: { attempt: fromPromise(async () => undefined) },
    delays: { backoff: 10 },
    guards: { canRetry: ({ context, event }) => context.attempts < context.maxAttempts && kindOf(event) !== 'permanent' },
  }).createMachine({
    id: 'counting_retry',
    initial: 'waiting',
    context: ({ input }) => ({ error: input.error, attempts: 0, maxAttempts, transient: 0, timeouts: 0, memory: 0 }),
    on: { SHUTDOWN: '.escalated' },
    output: ({ event }) => (event as { output?: unknown }).output,
    states: {
      waiting: { after: { backoff: 'attempting' } },
      attempting: {
        entry: assign({ attempts: ({ context }) => context.attempts + 1 }),
        invoke: {
          id: 'attempt',
          src: 'attempt',
          onDone: 'recovered',
          onError: [
            {
              guard: 'canRetry',
              target: 'waiting',
              actions: assign(({ context, event }) => {
                const kind = kindOf(event);
                return kind === 'permanent' ? {} : { [kind]: context[kind] + 1 };
              }),
            },
            { target: 'escalated' },
          ],
        },
      },
      recovered: { type: 'final', entry: emit(({ context }) => ({ type: 'error:recovered', error: context.error, recovery: 'counting_retry' })), output: { success: true } },
      escalated: { type: 'final', entry: emit(({ context }) => ({ type: 'error:escalated', error: context.error, recovery: 'counting_retry', reason: 'gave up' })), output: { success: false } },
    },
  });
  return { name: 'counting_retry', machine, bound: maxAttempts, minBackoffMs: 10 };
}

/** What `dataprism check` finds in this module: the strategy with 6 attempts. */
export const countingRetry6 = countingRetry(6);
