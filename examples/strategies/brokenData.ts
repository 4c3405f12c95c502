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
 * - `transientForever` lifts its bound for transient errors ("they always
 *   pass eventually"): only runs that start from a transient error show it attempts-bounded
 * - `waitForWindow` waits for the restart-intensity window to pass when the
 *   log is full, but the log and \`now\` are its input and never change:
 *   only runs that start with a full restart log show it                   no-livelock
 *
 * `dataprism check examples/strategies/brokenData.ts` exits 1 and prints each trace.
 */
import { assign, setup } from 'xstate';
import { defineRecoveryStrategy } from '../../src/errors/recovery/index.js';
import type { RecoveryInput } from '../../src/errors/recovery/index.js';
import { attempt, canRetry, context, finals, output, restart, transient, types } from './kit.js';

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

/** A plain retry: wait `backoff(attempts)`, attempt, up to `maxAttempts(input)` attempts. */
function plainRetry(name: string, parts: { backoff: (attempts: number) => number; maxAttempts: (input: RecoveryInput) => number; minBackoffMs?: number }) {
  return defineRecoveryStrategy({
    name,
    bound: 3,
    ...(parts.minBackoffMs !== undefined ? { minBackoffMs: parts.minBackoffMs } : {}),
    machine: setup({
      types,
      actors: { attempt },
      delays: { backoff: ({ context: c }) => parts.backoff(c.attempts) },
      guards: { canRetry },
    }).createMachine({
      id: name,
      initial: 'waiting',
      context: ({ input }) => ({ ...context({ input }), maxAttempts: parts.maxAttempts(input) }),
      output,
      on: { SHUTDOWN: '.escalated' },
      states: {
        waiting: { after: { backoff: 'attempting' } },
        attempting: {
          entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
          invoke: { id: 'attempt', src: 'attempt', input: ({ context: c }) => ({ attempt: c.attempts }), onDone: 'recovered', onError: [{ guard: 'canRetry', target: 'waiting' }, { target: 'escalated' }] },
        },
        ...finals(name),
      },
    }),
  });
}

/** Builds the hasty strategy with a backoff function; the regression test swaps in a fixed one. */
export function hastyBackoffWith(backoff: (attempts: number) => number) {
  return plainRetry('hasty_backoff', { backoff, maxAttempts: () => 3, minBackoffMs: 100 });
}

/** Bug: the delay function's first wait is below the promised minimum backoff. */
export const hastyBackoff = hastyBackoffWith(hastyDelay);

/** Bug: declares a bound of 3 but retries transient errors without limit. */
export const transientForever = plainRetry('transient_forever', {
  backoff: () => 100,
  maxAttempts: (input) => (input.category === 'transient' ? Number.MAX_SAFE_INTEGER : 3),
});

interface WindowContext {
  error: Error;
  plugin: string | undefined;
  attempts: number;
  maxAttempts: number;
  now: number;
  restartLog: number[];
  pluginState: string | undefined;
}

/** Bug: with 3 restarts in the last second it waits a second and looks again — at the same input, forever. */
export const waitForWindow = defineRecoveryStrategy({
  name: 'wait_for_window',
  bound: 1,
  machine: setup({
    types: {} as { context: WindowContext; input: RecoveryInput; events: { type: 'SHUTDOWN' } },
    actors: { restart },
    delays: { window: 1000 },
    guards: {
      disposed: ({ context: c }) => c.pluginState === 'disposed',
      tooMany: ({ context: c }) => c.restartLog.filter((t) => c.now - t < 1000).length >= 3,
    },
  }).createMachine({
    id: 'wait_for_window',
    initial: 'deciding',
    context: ({ input }) => ({ error: input.error, plugin: input.plugin, attempts: 0, maxAttempts: 1, now: input.now ?? 0, restartLog: input.restartLog ?? [], pluginState: input.pluginState }),
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      deciding: { always: [{ guard: 'disposed', target: 'escalated' }, { guard: 'tooMany', target: 'cooling' }, { target: 'restarting' }] },
      // Meant to let the window pass; `now` is the input's and never moves.
      cooling: { after: { window: 'deciding' } },
      restarting: {
        entry: assign({ attempts: ({ context: c }) => c.attempts + 1 }),
        invoke: { id: 'restart', src: 'restart', input: ({ context: c }) => ({ plugin: c.plugin, dependents: [] }), onDone: 'recovered', onError: 'escalated' },
      },
      ...finals('wait_for_window'),
    },
  }),
});
