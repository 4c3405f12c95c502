/**
 * The plugin supervisor: a pure XState v5 machine that owns the coordination
 * between plugins — who may start a hook, which call holds an execution slot,
 * what waits for one and in which order, which restarts and re-runs may still
 * happen, and the shutdown sequence. The runtime (src/plugins/PluginRegistry.ts)
 * is its facade: it asks the supervisor before every hook it starts and does
 * what the supervisor's emitted events say.
 *
 * States, events, and what each transition emits:
 *
 *   open     --CALL [a slot is free]-->       open      inUse += 1; emits supervisor:start
 *                                                       (the oldest waiting call runs now)
 *   open     --CALL [every slot is held]-->   open      waiting += 1 (it waits, FIFO)
 *   open     --RELEASE [a call waits]-->      open      waiting -= 1; emits supervisor:start
 *                                                       (the freed slot passes to the oldest waiting call)
 *   open     --RELEASE-->                     open      inUse -= 1
 *   open     --START_PLUGIN-->                open      starts += 1 (an initialize hook may run)
 *   open     --RESTART-->                     open      restarts += 1 (a restart may run)
 *   open     --SHUTDOWN-->                    stopping  emits supervisor:drop {count: waiting};
 *                                                       waiting = 0
 *   stopping --CALL-->                        stopping  emits supervisor:drop {count: 1}
 *   stopping --RELEASE-->                     stopping  inUse -= 1 (a call started before SHUTDOWN ended)
 *   stopping --STOPPED-->                     stopped   (every plugin is disposed)
 *   stopped  --CALL-->                        stopped   emits supervisor:drop {count: 1}
 *   stopped  --RELEASE-->                     stopped   inUse -= 1
 *   stopped  --OPEN-->                        open      (a plugin is registered again)
 *
 * START_PLUGIN and RESTART have no transition outside `open`: the facade asks
 * `snapshot.can(...)` first and refuses the restart or the initialization with a
 * LifecycleError when the answer is no. DISPOSE needs no permission: disposing
 * is always allowed.
 *
 * Slot discipline (why this machine exists): a slot is held from the moment a
 * call is dispatched to its plugin until the plugin answers it (done, failed,
 * refused, or its plugin stopped), never while its recovery runs. A re-run that
 * a recovery asks for is a new CALL, queued like any other. So no call ever
 * waits on a slot it holds itself, and a recovery can always make progress.
 *
 * Invariants (model-checked composed with plugin machines, see src/check/system.ts):
 * - inUse <= maxConcurrency, and waiting > 0 only while every slot is held;
 * - the waiting calls are served first in, first out (each supervisor:start
 *   starts the oldest one; the facade holds their payloads in that order);
 * - after SHUTDOWN nothing new starts: no call gets a slot (every waiting and
 *   every later call is dropped, and the facade rejects it with a LifecycleError),
 *   no initialize, no restart, no re-run; only disposal goes on;
 * - every call that asked for a slot is either started or dropped: none is lost.
 *
 * The context holds counts, not the calls themselves: the snapshot never grows
 * with the queue, and one call costs two events (CALL, RELEASE). That keeps
 * `registry.execute` within its overhead budget.
 */
import { assign, emit, setup } from 'xstate';

/** What the runtime gives the supervisor. */
export interface SupervisorMachineInput {
  /** Execution slots: how many calls may run at once (a positive integer). */
  maxConcurrency: number;
}

export interface SupervisorMachineContext {
  maxConcurrency: number;
  /** Slots held by calls dispatched to their plugin and not yet answered. */
  inUse: number;
  /** Calls waiting for a slot, in FIFO order (the facade holds their payloads). */
  waiting: number;
  /** Initializations the supervisor allowed. */
  starts: number;
  /** Restarts the supervisor allowed. */
  restarts: number;
  /** Calls dropped because shutdown had begun. */
  dropped: number;
}

export type SupervisorMachineEvent =
  | { type: 'CALL' }
  | { type: 'RELEASE' }
  | { type: 'START_PLUGIN' }
  | { type: 'RESTART' }
  | { type: 'SHUTDOWN' }
  | { type: 'STOPPED' }
  | { type: 'OPEN' };

export type SupervisorEmittedEvent = { type: 'supervisor:start' } | { type: 'supervisor:drop'; count: number };

/** The supervisor's state names. */
export type SupervisorStateName = 'open' | 'stopping' | 'stopped';

// A late RELEASE (a call started before SHUTDOWN that ends after it) frees its slot everywhere.
const RELEASE_ONLY = { actions: 'freeSlot' } as const;

/** The supervisor machine. Every action and guard is named, so `provide()` can swap any of them. */
export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorMachineContext,
    events: {} as SupervisorMachineEvent,
    input: {} as SupervisorMachineInput,
    emitted: {} as SupervisorEmittedEvent,
  },
  guards: {
    slotFree: ({ context }) => context.inUse < context.maxConcurrency,
    callWaiting: ({ context }) => context.waiting > 0,
  },
  actions: {
    takeSlot: assign(({ context }) => ({ inUse: context.inUse + 1 })),
    freeSlot: assign(({ context }) => ({ inUse: context.inUse - 1 })),
    enqueue: assign(({ context }) => ({ waiting: context.waiting + 1 })),
    dequeue: assign(({ context }) => ({ waiting: context.waiting - 1 })),
    emitStart: emit({ type: 'supervisor:start' as const }),
    /** Every waiting call is dropped at once: none of them may start any more. */
    dropWaiting: emit(({ context }) => ({ type: 'supervisor:drop' as const, count: context.waiting })),
    forgetWaiting: assign(({ context }) => ({ waiting: 0, dropped: context.dropped + context.waiting })),
    dropCall: emit({ type: 'supervisor:drop' as const, count: 1 }),
    countDrop: assign(({ context }) => ({ dropped: context.dropped + 1 })),
    countStart: assign(({ context }) => ({ starts: context.starts + 1 })),
    countRestart: assign(({ context }) => ({ restarts: context.restarts + 1 })),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    maxConcurrency: input.maxConcurrency,
    inUse: 0,
    waiting: 0,
    starts: 0,
    restarts: 0,
    dropped: 0,
  }),
  initial: 'open',
  states: {
    open: {
      on: {
        CALL: [{ guard: 'slotFree', actions: ['takeSlot', 'emitStart'] }, { actions: 'enqueue' }],
        RELEASE: [{ guard: 'callWaiting', actions: ['dequeue', 'emitStart'] }, RELEASE_ONLY],
        START_PLUGIN: { actions: 'countStart' },
        RESTART: { actions: 'countRestart' },
        SHUTDOWN: { target: 'stopping', actions: ['dropWaiting', 'forgetWaiting'] },
      },
    },
    stopping: {
      on: {
        CALL: { actions: ['dropCall', 'countDrop'] },
        RELEASE: RELEASE_ONLY,
        STOPPED: 'stopped',
      },
    },
    stopped: {
      on: {
        CALL: { actions: ['dropCall', 'countDrop'] },
        RELEASE: RELEASE_ONLY,
        OPEN: 'open',
      },
    },
  },
});
