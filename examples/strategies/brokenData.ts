/**
 * Broken recovery strategies whose bug hides in data: in a Map in the context,
 * in a delay function, or in the input. Each has one plausible bug that
 * `dataprism check` reports:
 *
 * - `kindAwareRetry` tolerates two transient failures, counted per kind in a
 *   Map, then pauses in a state that forgot SHUTDOWN. Only the Map tells the
 *   second transient failure from the first, so a checker that dropped the Map
 *   from its state ids merged them and never saw the pause              shutdown-accepted
 *
 * `dataprism check examples/strategies/brokenData.ts` exits 1 and prints each trace.
 */
import { assign, setup } from 'xstate';
import { defineRecoveryStrategy } from '../../src/errors/recovery/index.js';
import type { RecoveryInput } from '../../src/errors/recovery/index.js';
import { attempt, canRetry, finals, output, transient } from './kit.js';

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
