/**
 * Broken recovery strategies whose bug is in what they say rather than what
 * they do; each has one plausible bug that `dataprism check` reports:
 *
 * - `eagerAnnouncer` emits error:recovered as soon as the attempt
 *   succeeds, and the `recovered` state emits it again               recovered-event-iff-recovered
 * - `timeoutNoter` notes which operation timed out, reading
 *   \`error.operation\` of every failure; only a TimeoutError has one, so
 *   the action throws on any other and the actor enters XState's error
 *   status, from which it never recovers                            ends-recovered-or-escalated
 *
 * `dataprism check examples/strategies/brokenEvents.ts` exits 1 and prints each trace.
 */
import { assign, emit, setup } from 'xstate';
import { defineRecoveryStrategy } from '../../src/errors/recovery/index.js';
import type { RecoveryInput } from '../../src/errors/recovery/index.js';
import { attempt, canRetry, context, finals, output, types, type KitContext } from './kit.js';

/** Bug: announces the recovery on the way, and once more on arrival. */
export const eagerAnnouncer = defineRecoveryStrategy({
  name: 'eager_announcer',
  bound: 1,
  machine: setup({ types, actors: { attempt } }).createMachine({
    id: 'eager_announcer',
    initial: 'attempting',
    context,
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      attempting: {
        entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
        invoke: {
          id: 'attempt',
          src: 'attempt',
          input: ({ context: c }) => ({ attempt: c.attempts }),
          onDone: { target: 'recovered', actions: emit(({ context: c }) => ({ type: 'error:recovered' as const, error: c.error, recovery: 'eager_announcer' })) },
          onError: 'escalated',
        },
      },
      ...finals('eager_announcer'),
    },
  }),
});

/** Bug: `error.operation.toUpperCase()` on a failure that is not a timeout. */
export const timeoutNoter = defineRecoveryStrategy({
  name: 'timeout_noter',
  bound: 3,
  machine: setup({ types: {} as { context: KitContext & { slow: string }; input: RecoveryInput; events: { type: 'SHUTDOWN' } }, actors: { attempt }, delays: { backoff: 100 }, guards: { canRetry } }).createMachine({
    id: 'timeout_noter',
    initial: 'waiting',
    context: ({ input }) => ({ ...context({ input }), slow: '' }),
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      waiting: { after: { backoff: 'attempting' } },
      attempting: {
        entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
        invoke: {
          id: 'attempt',
          src: 'attempt',
          input: ({ context: c }) => ({ attempt: c.attempts }),
          onDone: 'recovered',
          onError: [
            { guard: 'canRetry', target: 'waiting', actions: assign({ slow: ({ event }) => (event.error as { operation: string }).operation.toUpperCase() }) },
            { target: 'escalated' },
          ],
        },
      },
      ...finals('timeout_noter'),
    },
  }),
});
