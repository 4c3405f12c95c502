/**
 * Correct recovery strategies: the fixed versions of three broken examples,
 * each passing every property of `dataprism check`:
 *
 * - `cooldownRetry` (cooldown_livelock fixed): a transient failure still cools
 *   down first, but counts as an attempt, so the retries end;
 * - `cleanupThenRetry` (deaf_after_cleanup fixed): SHUTDOWN handled once, at
 *   the root, so no state can forget it;
 * - `tolerantRetry` (kind_aware_retry fixed): counts transient failures in a
 *   Map and pauses after two, and the pause escalates on SHUTDOWN.
 */
import { assign, setup } from 'xstate';
import { defineRecoveryStrategy } from '../../src/errors/recovery/index.js';
import type { RecoveryInput } from '../../src/errors/recovery/index.js';
import { attempt, canRetry, cleanup, context, finals, output, transient, types, type KitContext } from './kit.js';

const counted = <T extends { attempts: number }>({ context: c }: { context: T }) => c.attempts + 1;

export const cooldownRetry = defineRecoveryStrategy({
  name: 'cooldown_retry',
  bound: 3,
  minBackoffMs: 50,
  machine: setup({ types, actors: { attempt }, delays: { cooldown: 50, backoff: 100 }, guards: { transient, canRetry } }).createMachine({
    id: 'cooldown_retry',
    initial: 'waiting',
    context,
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      waiting: { after: { backoff: 'attempting' } },
      attempting: {
        entry: assign({ attempts: counted }),
        invoke: {
          id: 'attempt',
          src: 'attempt',
          input: ({ context: c }) => ({ attempt: c.attempts }),
          onDone: 'recovered',
          onError: [{ guard: 'canRetry', target: 'cooldown' }, { target: 'escalated' }],
        },
      },
      cooldown: { after: { cooldown: 'attempting' } },
      ...finals('cooldown_retry'),
    },
  }),
});

export const cleanupThenRetry = defineRecoveryStrategy({
  name: 'cleanup_then_retry',
  bound: 1,
  machine: setup({ types, actors: { attempt, cleanup } }).createMachine({
    id: 'cleanup_then_retry',
    initial: 'cleaning',
    context,
    output,
    on: { SHUTDOWN: '.escalated' },
    states: {
      cleaning: { invoke: { id: 'cleanup', src: 'cleanup', onDone: 'retrying', onError: 'escalated' } },
      retrying: {
        entry: assign({ attempts: counted }),
        invoke: { id: 'attempt', src: 'attempt', input: ({ context: c }) => ({ attempt: c.attempts }), onDone: 'recovered', onError: 'escalated' },
      },
      ...finals('cleanup_then_retry'),
    },
  }),
});

export const tolerantRetry = defineRecoveryStrategy({
  name: 'tolerant_retry',
  bound: 3,
  machine: setup({
    types: {} as { context: KitContext & { transients: Map<string, number> }; input: RecoveryInput; events: { type: 'SHUTDOWN' } },
    actors: { attempt },
    delays: { backoff: 100, pause: 1000 },
    guards: { transient, canRetry },
  }).createMachine({
    id: 'tolerant_retry',
    initial: 'waiting',
    context: ({ input }) => ({ ...context({ input }), transients: new Map<string, number>() }),
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
          onError: [
            { guard: 'transient', target: 'counting', actions: assign({ transients: ({ context: c }) => new Map(c.transients).set('transient', (c.transients.get('transient') ?? 0) + 1) }) },
            { guard: 'canRetry', target: 'waiting', actions: assign({ attempts: counted }) },
            { target: 'escalated' },
          ],
        },
      },
      counting: { always: [{ guard: ({ context: c }) => (c.transients.get('transient') ?? 0) >= 2, target: 'pausing' }, { target: 'waiting' }] },
      pausing: { after: { pause: 'escalated' } },
      ...finals('tolerant_retry'),
    },
  }),
});
