/**
 * Deliberately broken recovery strategies: each looks plausible, follows the
 * strategy shape closely enough to pass `defineRecoveryStrategy`, and has one bug
 * that `dataprism check` finds with a counterexample:
 *
 * - `unboundedRetry` declares a bound of 3 but never checks it:        attempts-bounded
 * - `missedEscalation` parks a permanent error in a non-final state:  final-reachable (deadlock)
 * - `restartDisposed` restarts the plugin without asking its state,
 *   and restarts again when the restart says the plugin is disposed:  no-restart-after-dispose
 * - `impatientRetry` promises 100 ms between tries but retries at once: backoff-respected
 *
 * `dataprism check examples/strategies/broken.ts` exits 1 and prints each trace.
 */
import { assign, setup } from 'xstate';
import { defineRecoveryStrategy } from '../../src/errors/recovery/index.js';
import { attempt, canRetry, context, finals, output, permanent, restart, types } from './kit.js';

/** Bug: "retry until it works" — the declared bound of 3 is never checked. */
export const unboundedRetry = defineRecoveryStrategy({
  name: 'unbounded_retry',
  bound: 3,
  minBackoffMs: 100,
  machine: setup({ types, actors: { attempt }, delays: { backoff: 100 } }).createMachine({
    id: 'unbounded_retry',
    initial: 'waiting',
    context,
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      waiting: { after: { backoff: 'attempting' } },
      attempting: {
        entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
        invoke: { id: 'attempt', src: 'attempt', input: ({ context: c }) => ({ attempt: c.attempts }), onDone: 'recovered', onError: 'waiting' },
      },
      ...finals('unbounded_retry'),
    },
  }),
});

/** Bug: a permanent error goes to `gaveUp`, which is not final and has no way out. */
export const missedEscalation = defineRecoveryStrategy({
  name: 'missed_escalation',
  bound: 3,
  minBackoffMs: 100,
  machine: setup({
    types,
    actors: { attempt },
    delays: { backoff: 100 },
    guards: {
      permanent,
      canRetry,
    },
  }).createMachine({
    id: 'missed_escalation',
    initial: 'waiting',
    context,
    output,
    states: {
      waiting: { after: { backoff: 'attempting' }, on: { SHUTDOWN: 'escalated' } },
      attempting: {
        entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
        invoke: {
          id: 'attempt',
          src: 'attempt',
          input: ({ context: c }) => ({ attempt: c.attempts }),
          onDone: 'recovered',
          onError: [{ guard: 'permanent', target: 'gaveUp' }, { guard: 'canRetry', target: 'waiting' }, { target: 'escalated' }],
        },
        on: { SHUTDOWN: 'escalated' },
      },
      // Meant to be `escalated`; nothing leaves this state, not even SHUTDOWN.
      gaveUp: {},
      ...finals('missed_escalation'),
    },
  }),
});

/** Bug: never looks at `input.pluginState`, and answers "plugin disposed" by restarting again. */
export const restartDisposed = defineRecoveryStrategy({
  name: 'restart_disposed',
  bound: 3,
  machine: setup({
    types,
    actors: { restart },
    guards: { canRestart: ({ context: c }) => c.attempts < c.maxAttempts },
  }).createMachine({
    id: 'restart_disposed',
    initial: 'restarting',
    context,
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      restarting: {
        entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
        invoke: {
          id: 'restart',
          src: 'restart',
          input: ({ context: c }) => ({ plugin: c.plugin, dependents: [] }),
          onDone: 'recovered',
          onError: [{ guard: 'canRestart', target: 'restarting', reenter: true }, { target: 'escalated' }],
        },
      },
      ...finals('restart_disposed'),
    },
  }),
});

/** Bug: promises 100 ms between tries (`minBackoffMs`) but re-runs the operation at once. */
export const impatientRetry = defineRecoveryStrategy({
  name: 'impatient_retry',
  bound: 3,
  minBackoffMs: 100,
  machine: setup({
    types,
    actors: { attempt },
    delays: { backoff: 100 },
    guards: { canRetry },
  }).createMachine({
    id: 'impatient_retry',
    initial: 'waiting',
    context,
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
          // Should go back to `waiting`; re-entering `attempting` skips the backoff.
          onError: [{ guard: 'canRetry', target: 'attempting', reenter: true }, { target: 'escalated' }],
        },
      },
      ...finals('impatient_retry'),
    },
  }),
});
