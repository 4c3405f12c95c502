/**
 * Broken recovery strategies whose bug hides in data: in a Map in the context,
 * in a delay function, or in the input. Each has one plausible bug that
 * `dataprism check` reports:
 *
 * - `kindAwareRetry` tolerates two transient failures, counted per kind in a
 *   Map, then pauses in a state that forgot SHUTDOWN. Only the Map tells the
 *   second transient failure from the first, so a checker that dropped the Map
 *   from its state ids merged them and never saw the pause              shutdown-accepted
 * - `hastyBackoff` promises 100 ms between tries, but its exponential
 *   backoff starts from attempt 0, so the first wait is 50 ms             backoff-respected
 *   (the bug is in the delay function: a replay that does not run the
 *   real delays could not reproduce it)
 *
 * `dataprism check examples/strategies/brokenData.ts` exits 1 and prints each trace.
 */
import { assign, setup } from 'xstate';
import { defineRecoveryStrategy } from '../../src/errors/recovery/index.js';
import type { RecoveryInput } from '../../src/errors/recovery/index.js';
import { attempt, canRetry, context, finals, output, transient, types } from './kit.js';

interface KindContext {
  error: Error;
  plugin: string | undefined;
  attempts: number;
  maxAttempts: number;
  /** Transient failures are not attempts; at most two are tolerated, counted here. */
  transients: Map<string, number>;
}

/** Bug: the pause after the second transient failure has no SHUTDOWN handler. */
export const kindAwareRetry = defineRecoveryStrategy({
  name: 'kind_aware_retry',
  bound: 3,
  machine: setup({
    types: {} as { context: KindContext; input: RecoveryInput; events: { type: 'SHUTDOWN' } },
    actors: { attempt },
    delays: { backoff: 100, pause: 1000 },
    guards: { transient, canRetry },
  }).createMachine({
    id: 'kind_aware_retry',
    initial: 'waiting',
    context: ({ input }) => ({ error: input.error, plugin: input.plugin, attempts: 0, maxAttempts: 3, transients: new Map() }),
    output,
    states: {
      waiting: { after: { backoff: 'attempting' }, on: { SHUTDOWN: 'escalated' } },
      attempting: {
        invoke: {
          id: 'attempt',
          src: 'attempt',
          input: ({ context: c }) => ({ attempt: c.attempts }),
          onDone: 'recovered',
          onError: [
            {
              guard: 'transient',
              target: 'counting',
              actions: assign({ transients: ({ context: c }) => new Map(c.transients).set('transient', (c.transients.get('transient') ?? 0) + 1) }),
            },
            { guard: 'canRetry', target: 'waiting', actions: assign({ attempts: ({ context: c }) => c.attempts + 1 }) },
            { target: 'escalated' },
          ],
        },
        on: { SHUTDOWN: 'escalated' },
      },
      counting: {
        always: [{ guard: ({ context: c }) => (c.transients.get('transient') ?? 0) >= 2, target: 'pausing' }, { target: 'waiting' }],
      },
      // Missing: on: { SHUTDOWN: 'escalated' }.
      pausing: { after: { pause: 'escalated' } },
      ...finals('kind_aware_retry'),
    },
  }),
});

/** Exponential backoff, 100 ms doubling per attempt — off by one: before the first attempt it is 50 ms. */
export function hastyDelay(attempts: number): number {
  return 100 * 2 ** (attempts - 1);
}

/** Builds the hasty strategy with a backoff function; the regression test swaps in a fixed one. */
export function hastyBackoffWith(backoff: (attempts: number) => number) {
  return defineRecoveryStrategy({
    name: 'hasty_backoff',
    bound: 3,
    minBackoffMs: 100,
    machine: setup({
      types,
      actors: { attempt },
      delays: { backoff: ({ context: c }) => backoff(c.attempts) },
      guards: { canRetry },
    }).createMachine({
      id: 'hasty_backoff',
      initial: 'waiting',
      context,
      output,
      on: { SHUTDOWN: '.escalated' },
      states: {
        waiting: { after: { backoff: 'attempting' } },
        attempting: {
          entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
          invoke: { id: 'attempt', src: 'attempt', input: ({ context: c }) => ({ attempt: c.attempts }), onDone: 'recovered', onError: [{ guard: 'canRetry', target: 'waiting' }, { target: 'escalated' }] },
        },
        ...finals('hasty_backoff'),
      },
    }),
  });
}

/** Bug: the delay function's first wait is below the promised minimum backoff. */
export const hastyBackoff = hastyBackoffWith(hastyDelay);
