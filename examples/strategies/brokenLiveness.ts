/**
 * Broken recovery strategies whose bug only shows over whole runs or in the
 * shape's rules; each has one plausible bug that `dataprism check` reports:
 *
 * - `cooldownLivelock` cools down after a transient failure and tries again
 *   without counting the attempt: retries forever on a flaky operation   no-livelock (a lasso)
 * - `unfinishedCleanup` runs its cleanup in a compound state that
 *   finishes, but nothing handles the compound state's done event:
 *   only SHUTDOWN ever ends the run                                        final-reachable
 * - `deafAfterCleanup` handles SHUTDOWN in each state by hand and
 *   forgot the state after the cleanup                                    shutdown-accepted
 * - `parallelCleanup` frees memory and re-runs the operation at once,
 *   in a parallel state                                                   single-recovery-in-flight
 *
 * `dataprism check examples/strategies/brokenLiveness.ts` exits 1 and prints each trace.
 */
import { assign, setup } from 'xstate';
import { defineRecoveryStrategy } from '../../src/errors/recovery/index.js';
import { attempt, canRetry, cleanup, context, finals, output, transient, types } from './kit.js';

/** Bug: a transient failure goes to `cooldown` and back to `attempting` without counting the attempt. */
export const cooldownLivelock = defineRecoveryStrategy({
  name: 'cooldown_livelock',
  bound: 3,
  minBackoffMs: 50,
  machine: setup({ types, actors: { attempt }, delays: { cooldown: 50, backoff: 100 }, guards: { transient, canRetry } }).createMachine({
    id: 'cooldown_livelock',
    initial: 'waiting',
    context,
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      waiting: { after: { backoff: 'attempting' } },
      attempting: {
        invoke: {
          id: 'attempt',
          src: 'attempt',
          input: ({ context: c }) => ({ attempt: c.attempts }),
          onDone: 'recovered',
          // Meant as a short pause that does not "use up" an attempt: it never runs out.
          onError: [{ guard: 'transient', target: 'cooldown' }, { guard: 'canRetry', target: 'waiting', actions: assign({ attempts: ({ context: c }) => c.attempts + 1 }) }, { target: 'escalated' }],
        },
      },
      cooldown: { after: { cooldown: 'attempting' } },
      ...finals('cooldown_livelock'),
    },
  }),
});

/** Bug: the compound `cleaning` state reaches its final child, but there is no `onDone` to leave it. */
export const unfinishedCleanup = defineRecoveryStrategy({
  name: 'unfinished_cleanup',
  bound: 1,
  machine: setup({ types, actors: { attempt, cleanup } }).createMachine({
    id: 'unfinished_cleanup',
    initial: 'cleaning',
    context,
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      cleaning: {
        initial: 'freeing',
        states: {
          freeing: { invoke: { id: 'cleanup', src: 'cleanup', onDone: 'freed', onError: 'freed' } },
          freed: { type: 'final' },
        },
        // Missing: onDone: 'attempting'.
      },
      attempting: {
        entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
        invoke: { id: 'attempt', src: 'attempt', input: ({ context: c }) => ({ attempt: c.attempts }), onDone: 'recovered', onError: 'escalated' },
      },
      ...finals('unfinished_cleanup'),
    },
  }),
});

/** Bug: SHUTDOWN is handled state by state, and `retrying` (reached only after the cleanup) has none. */
export const deafAfterCleanup = defineRecoveryStrategy({
  name: 'deaf_after_cleanup',
  bound: 1,
  machine: setup({ types, actors: { attempt, cleanup } }).createMachine({
    id: 'deaf_after_cleanup',
    initial: 'cleaning',
    context,
    output,
    states: {
      cleaning: {
        invoke: { id: 'cleanup', src: 'cleanup', onDone: 'retrying', onError: 'escalated' },
        on: { SHUTDOWN: 'escalated' },
      },
      retrying: {
        entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
        invoke: { id: 'attempt', src: 'attempt', input: ({ context: c }) => ({ attempt: c.attempts }), onDone: 'recovered', onError: 'escalated' },
      },
      ...finals('deaf_after_cleanup'),
    },
  }),
});

/** Bug: frees memory and re-runs the operation at the same time, so the retry races the cleanup. */
export const parallelCleanup = defineRecoveryStrategy({
  name: 'parallel_cleanup',
  bound: 1,
  machine: setup({ types, actors: { attempt, cleanup } }).createMachine({
    id: 'parallel_cleanup',
    initial: 'working',
    context,
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      working: {
        type: 'parallel',
        entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
        states: {
          freeing: {
            initial: 'running',
            states: { running: { invoke: { id: 'cleanup', src: 'cleanup', onDone: 'done', onError: 'done' } }, done: { type: 'final' } },
          },
          retrying: {
            initial: 'running',
            states: {
              running: { invoke: { id: 'attempt', src: 'attempt', input: ({ context: c }) => ({ attempt: c.attempts }), onDone: 'done', onError: '#parallel_cleanup.escalated' } },
              done: { type: 'final' },
            },
          },
        },
        onDone: 'recovered',
      },
      ...finals('parallel_cleanup'),
    },
  }),
});
