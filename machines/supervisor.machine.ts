/**
 * The plugin supervisor: a pure XState v5 machine that owns the coordination
 * between plugins — who may start a hook, which call holds an execution slot,
 * what waits for one and in which order, which calls are in recovery, which
 * plugins are being disposed or restarted (and for whom), which restarts and
 * re-runs may still happen, and the shutdown sequence. The runtime
 * (src/plugins/PluginRegistry.ts) is its facade: it asks the supervisor before
 * every hook it starts and does what the supervisor's emitted events say.
 *
 * States, events, and what each transition emits:
 *
 *   open     --CALL [a slot is free]-->       open      inUse += 1; emits supervisor:start
 *                                                       (the oldest waiting call runs now)
 *   open     --CALL [every slot is held]-->   open      waiting += 1 (it waits, FIFO)
 *   open     --RELEASE [a call waits]-->      open      waiting -= 1; emits supervisor:start
 *                                                       (the freed slot passes to the oldest waiting call)
 *   open     --RELEASE-->                     open      inUse -= 1
 *   open     --START_PLUGIN [a start slot is free]--> open
 *                                                       starting += 1, starts += 1; emits supervisor:initialize
 *                                                       (the oldest waiting start runs now)
 *   open     --START_PLUGIN [every start slot is held]--> open
 *                                                       startsWaiting += 1 (it waits, FIFO)
 *   stopping|stopped --START_PLUGIN-->        (stays)   emits supervisor:drop-starts {count: 1}
 *                                                       (that plugin is not initialized)
 *   open     --STARTED [a start waits]-->     open      startsWaiting -= 1, starts += 1; emits supervisor:initialize
 *   any      --STARTED-->                     (stays)   starting -= 1 (an initialize of the start sequence ended)
 *   open     --RESTART {plugin, cause} [not disposing]--> open
 *                                                       restarting[plugin] = cause, restarts += 1
 *   open     --RECOVER-->                     open      recovering += 1 (a failed call waits for its recovery)
 *   any      --RECOVERED [recovering > 0]-->  (stays)   recovering -= 1 (its recovery answered it)
 *   any      --RESTART_END {plugin}-->        (stays)   restarting[plugin] removed
 *   any      --STOP_PLUGIN {plugin} [a stop slot is free]--> (stays)
 *                                                       disposals += 1, plugin added to disposing;
 *                                                       emits supervisor:dispose (the oldest waiting
 *                                                       disposal, this one, runs now)
 *   any      --STOP_PLUGIN {plugin} [every stop slot is held]--> (stays)
 *                                                       disposalsWaiting += 1 (it waits, FIFO)
 *   any      --DISPOSE_END {plugin, next} [a disposal waits]--> (stays)
 *                                                       plugin removed from disposing, next added
 *                                                       (`next` is the oldest waiting one, which the facade
 *                                                       holds), disposalsWaiting -= 1; emits supervisor:dispose
 *   any      --DISPOSE_END {plugin}-->        (stays)   plugin removed from disposing, disposals -= 1
 *   open     --SHUTDOWN-->                    stopping  emits supervisor:drop {count: waiting}, waiting = 0;
 *                                                       emits supervisor:drop-starts {count: startsWaiting}
 *                                                       (those plugins are not initialized), startsWaiting = 0;
 *                                                       emits supervisor:abandon {count: recovering}
 *                                                       (the calls in recovery are answered now),
 *                                                       recovering = 0; emits supervisor:cancel-restart
 *                                                       {plugin} per restarting plugin (it is disposed
 *                                                       instead); emits supervisor:stop-hooks (every
 *                                                       hook in flight is told to stop)
 *   stopping --CALL-->                        stopping  emits supervisor:drop {count: 1}
 *   stopping --RELEASE-->                     stopping  inUse -= 1 (a call started before SHUTDOWN ended)
 *   stopping --STOPPED-->                     stopped   (every plugin is disposed)
 *   stopped  --CALL-->                        stopped   emits supervisor:drop {count: 1}
 *   stopped  --RELEASE-->                     stopped   inUse -= 1
 *   stopped  --OPEN-->                        open      (a plugin is registered again)
 *   any      --xstate.error.actor.<id>-->     (stays)   emits supervisor:child-failed {id, error}
 *                                                       (a plugin actor, one of its children, failed)
 *
 * Children: every plugin actor is created with the supervisor as its parent
 * (src/plugins/supervisor.ts), so the actor system and the inspector show the
 * plugins under it, and their done and error events come here. A child's error
 * is taken in every state and reported, never left unhandled: XState stops a
 * machine that does not take a child's error event, which would end every
 * plugin's coordination. Done events need no transition. The children are not
 * in the snapshot's `children`: XState copies that map on every spawn and stop
 * (10,000 plugins took 71 s that way), so they are created with `parent` set
 * instead, as XState's own spawn does, and the facade tracks them.
 *
 * RESTART and RECOVER have no transition outside `open`: the facade asks
 * `snapshot.can(...)` first and refuses the restart with a LifecycleError, or
 * answers the call with its error instead of recovering it, when the answer is
 * no. START_PLUGIN, like CALL, is taken in every state and answered with a drop
 * after SHUTDOWN: one event per start instead of a question and an event.
 * RESTART is refused as well while the plugin is being disposed, and when it
 * carries an intensity the plugin's log has no room for (the facade then
 * rejects it with a RestartIntensityError). STOP_PLUGIN needs no permission:
 * disposing is always allowed, in every state; it only waits for a stop slot.
 *
 * Start order: the facade's start sequence (initializeAll) asks START_PLUGIN for
 * each plugin once its dependencies are initialized (that part is the pure graph
 * walk of src/plugins/schedule.ts); the supervisor decides when it starts — at
 * most maxConcurrency initialize hooks of the sequence at once, the others in
 * FIFO order, and none after SHUTDOWN. Stop order is the same: the stop sequence
 * (shutdownAll) asks STOP_PLUGIN for a plugin once its dependents are disposed,
 * and at most maxConcurrency dispose hooks run at once, FIFO; an `unregister`
 * takes a stop slot like any disposal. A disposal's plugin enters `disposing`
 * only once it holds a stop slot (with STOP_PLUGIN when one is free, else with
 * the DISPOSE_END that passes it the slot), so `disposing` never holds more
 * than the disposals running, however many wait.
 *
 * Slot discipline (why this machine exists): a slot is held from the moment a
 * call is dispatched to its plugin until the plugin answers it (done, failed,
 * refused, or its plugin stopped), never while its recovery runs. A re-run that
 * a recovery asks for is a new CALL, queued like any other. So no call ever
 * waits on a slot it holds itself, and a recovery can always make progress.
 *
 * Restarts asked by a recovery (cause `recovery`): if the restart's initialize
 * fails, the failure answers that recovery and starts no new one (the facade
 * reads `restarting[plugin]`) — else each failed restart would start another
 * recovery that restarts again, without end.
 *
 * Restart intensity (at most maxRestarts restarts within withinMs, Erlang/OTP's
 * intensity and period): the limit is the restart strategy's
 * (machines/strategies/restartPlugin.machine.ts) and travels with its RESTART;
 * the count is this machine's. Every restart it allows, whoever asked, is
 * recorded in `restartLogs[plugin]` by the transition that allows it, and a
 * RESTART with an intensity is allowed only while fewer than maxRestarts of
 * the log fall within withinMs of its `at`. Check and record are one
 * transition, so N recoveries of one plugin failing at once can never all see
 * room: the first maxRestarts are allowed, the rest refused, and each of those
 * strategies escalates ('restart intensity exceeded ...'). A strategy's own
 * reading of the log (its input) only spares a doomed request. A user's
 * restart (`registry.restart`) carries no intensity: it is never refused for
 * it, and it counts toward later ones, because the log is one record of the
 * plugin's restarts (OTP counts only the restarts its supervisor decides, not
 * a `restart_child`; here a plugin restarted by hand a moment ago and failing
 * again is the same crash loop). A dependent restarted with its dependency (rest_for_one) is recorded
 * in its own log, unlimited: the limit is the failed plugin's. Time comes in
 * the events (`at`, the asker's clock): the machine reads no clock. A log is
 * bounded (machines/restartIntensity.ts: the newest 64, more when a limit asks
 * for more, so every limit is counted exactly) and is dropped when its plugin
 * is unregistered (FORGET): a plugin registered again under that name starts
 * afresh.
 *
 * Invariants (model-checked composed with plugin machines, see src/check/supervisorSystem.ts):
 * - inUse <= maxConcurrency, and waiting > 0 only while every slot is held;
 *   the same for the start slots (starting, startsWaiting) and the stop slots
 *   (disposals, disposalsWaiting);
 * - the waiting calls are served first in, first out (each supervisor:start
 *   starts the oldest one; the facade holds their payloads in that order);
 * - after SHUTDOWN nothing new starts: no call gets a slot (every waiting and
 *   every later call is dropped, and the facade rejects it with a LifecycleError),
 *   no initialize, no restart, no re-run, no recovery; only disposal goes on;
 * - every call that asked for a slot is either started or dropped, and every
 *   call in recovery is answered by its recovery or abandoned at SHUTDOWN: none
 *   is lost (`recovering` counts exactly the calls in recovery);
 * - a plugin being disposed is never restarted;
 * - restart intensity: when a RESTART with intensity {maxRestarts, withinMs}
 *   is allowed at `at`, the plugin's log holds at most maxRestarts restarts
 *   within withinMs of `at`, this one included, and every allowed restart is
 *   in the log (checked with recoveries racing and a clock that moves).
 *
 * The context holds counts, the few plugins mid-dispose or mid-restart and the
 * restart logs of plugins ever restarted, not the calls themselves: the snapshot never grows with the queue, and one call
 * costs two events (CALL, RELEASE). That keeps `registry.execute` within its
 * overhead budget. Likewise a plugin's start costs two events (START_PLUGIN,
 * STARTED) and its disposal two (STOP_PLUGIN, DISPOSE_END), each transition
 * one `assign` at most: XState builds a snapshot per assign, and with
 * thousands of plugins every event and every snapshot counts.
 */
import { and, assign, emit, enqueueActions, setup } from 'xstate';
import { childFailure } from './childFailure.js';
import { recordRestart, withinIntensity, type RestartIntensity } from './restartIntensity.js';

/** What the runtime gives the supervisor. */
export interface SupervisorMachineInput {
  /** Execution slots: how many calls may run at once (a positive integer). */
  maxConcurrency: number;
}

/** Who asked for a restart: a user (`registry.restart`) or a recovery (a restart strategy, or a re-run of a failed initialize). */
export type RestartCause = 'user' | 'recovery';

export interface SupervisorMachineContext {
  maxConcurrency: number;
  /** Slots held by calls dispatched to their plugin and not yet answered. */
  inUse: number;
  /** Calls waiting for a slot, in FIFO order (the facade holds their payloads). */
  waiting: number;
  /** Initializations the supervisor allowed. */
  starts: number;
  /** Initialize hooks of the start sequence running now (start slots held). */
  starting: number;
  /** Plugins of the start sequence waiting for a start slot, in FIFO order (the facade holds them). */
  startsWaiting: number;
  /** Restarts the supervisor allowed. */
  restarts: number;
  /** Calls dropped because shutdown had begun. */
  dropped: number;
  /** Calls whose plugin failed and whose recovery runs (the facade holds them). */
  recovering: number;
  /** Plugins being disposed now (unregister, shutdown): none of them may be restarted. At most maxConcurrency. */
  disposing: readonly string[];
  /** Dispose hooks running now (stop slots held). */
  disposals: number;
  /** Disposals waiting for a stop slot, in FIFO order (the facade holds them). */
  disposalsWaiting: number;
  /** Plugins restarting now, by who asked. */
  restarting: Readonly<Record<string, RestartCause>>;
  /**
   * Each plugin's restart log: when (ms, oldest first) each restart this
   * supervisor allowed began, whoever asked. Only plugins restarted at least
   * once have one; bounded per plugin (see machines/restartIntensity.ts);
   * dropped when the plugin is unregistered (FORGET).
   */
  restartLogs: Readonly<Record<string, readonly number[]>>;
}

export type SupervisorMachineEvent =
  | { type: 'CALL' }
  | { type: 'RELEASE' }
  | { type: 'START_PLUGIN' }
  | { type: 'STARTED' }
  /**
   * `at`: when (ms), by the asker's clock, so the machine stays pure. `intensity`:
   * the limit this restart must stay within (a restart strategy's maxRestarts
   * and withinMs); without it the restart is recorded and never refused for it.
   */
  | { type: 'RESTART'; plugin: string; cause: RestartCause; at: number; intensity?: RestartIntensity }
  /** The plugin was unregistered: its restart log is dropped. */
  | { type: 'FORGET'; plugin: string }
  | { type: 'RESTART_END'; plugin: string }
  | { type: 'RECOVER' }
  | { type: 'RECOVERED' }
  | { type: 'STOP_PLUGIN'; plugin: string }
  /** `next`: the oldest waiting disposal's plugin, which takes the freed stop slot (when one waits). */
  | { type: 'DISPOSE_END'; plugin: string; next?: string }
  | { type: 'SHUTDOWN' }
  | { type: 'STOPPED' }
  | { type: 'OPEN' }
  /** A child (a plugin actor) failed: XState sends its parent this event. */
  | { type: `xstate.error.actor.${string}`; error: unknown };

export type SupervisorEmittedEvent =
  | { type: 'supervisor:start' }
  | { type: 'supervisor:drop'; count: number }
  | { type: 'supervisor:initialize' }
  | { type: 'supervisor:dispose' }
  | { type: 'supervisor:drop-starts'; count: number }
  | { type: 'supervisor:abandon'; count: number }
  | { type: 'supervisor:cancel-restart'; plugin: string }
  | { type: 'supervisor:stop-hooks' }
  | { type: 'supervisor:child-failed'; id: string; error: unknown };

/** The supervisor's state names. */
export type SupervisorStateName = 'open' | 'stopping' | 'stopped';

/**
 * `record[key]` when the record holds it itself. Plugin names are keys here,
 * and `constructor` or `toString` is a valid plugin name: a plain `record[key]`
 * would answer with Object.prototype's function.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `record` without `key` (a copy; the record itself is never changed). */
function without<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!Object.hasOwn(record, key)) return record;
  // Copied key by key (`delete` on a copy turns it into a slow dictionary-mode object), each
  // defined, not assigned: assigned, a key `__proto__` would set the copy's prototype.
  const copy: Record<string, T> = {};
  for (const k of Object.keys(record)) if (k !== key) Object.defineProperty(copy, k, { value: record[k], enumerable: true, writable: true, configurable: true });
  return copy;
}

// Allowed in every state: a late RELEASE (a call started before SHUTDOWN that ends
// after it) frees its slot; a recovery, a restart or a disposal that ends is forgotten.
const ANY_STATE = {
  RELEASE: { actions: 'freeSlot' },
  STARTED: { actions: 'freeStartSlot' },
  RECOVERED: { guard: 'inRecovery', actions: 'leaveRecovery' },
  RESTART_END: { actions: 'endRestart' },
  FORGET: { actions: 'forgetPlugin' },
  STOP_PLUGIN: [{ guard: 'stopSlotFree', actions: ['takeStopSlot', 'emitDispose'] }, { actions: 'queueStop' }],
  DISPOSE_END: [{ guard: 'stopWaiting', actions: ['passStopSlot', 'emitDispose'] }, { actions: 'freeStopSlot' }],
  'xstate.error.actor.*': { actions: 'reportChildError' },
} as const;

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
    startSlotFree: ({ context }) => context.starting < context.maxConcurrency,
    startWaiting: ({ context }) => context.startsWaiting > 0,
    stopSlotFree: ({ context }) => context.disposals < context.maxConcurrency,
    stopWaiting: ({ context }) => context.disposalsWaiting > 0,
    inRecovery: ({ context }) => context.recovering > 0,
    notDisposing: ({ context, event }) => !(event.type === 'RESTART' && context.disposing.includes(event.plugin)),
    /** Checked in the transition that records the restart: two recoveries asking at once cannot both see room. */
    withinIntensity: ({ context, event }) =>
      event.type !== 'RESTART' || event.intensity === undefined || withinIntensity(ownEntry(context.restartLogs, event.plugin) ?? [], event.at, event.intensity),
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
    /** A start slot is taken and the initialization counted. */
    takeStartSlot: assign(({ context }) => ({ starting: context.starting + 1, starts: context.starts + 1 })),
    freeStartSlot: assign(({ context }) => ({ starting: context.starting - 1 })),
    queueStart: assign(({ context }) => ({ startsWaiting: context.startsWaiting + 1 })),
    /** The freed start slot passes to the oldest waiting start, which is counted. */
    passStartSlot: assign(({ context }) => ({ startsWaiting: context.startsWaiting - 1, starts: context.starts + 1 })),
    emitInitialize: emit({ type: 'supervisor:initialize' as const }),
    /** After SHUTDOWN a start is dropped as soon as it is asked for. */
    refuseStart: emit({ type: 'supervisor:drop-starts' as const, count: 1 }),
    /** Every waiting start is dropped at once: none of them may initialize any more. */
    dropStarts: enqueueActions(({ context, enqueue }) => {
      if (context.startsWaiting > 0) enqueue.emit({ type: 'supervisor:drop-starts', count: context.startsWaiting });
      enqueue.assign({ startsWaiting: 0 });
    }),
    /** The restart is allowed: counted, its cause kept until it ends, and recorded in the plugin's log. */
    beginRestart: assign(({ context, event }) =>
      event.type === 'RESTART'
        ? {
            restarts: context.restarts + 1,
            restarting: { ...context.restarting, [event.plugin]: event.cause },
            restartLogs: { ...context.restartLogs, [event.plugin]: recordRestart(ownEntry(context.restartLogs, event.plugin), event.at, event.intensity?.maxRestarts) },
          }
        : {},
    ),
    forgetPlugin: assign(({ context, event }) => (event.type === 'FORGET' ? { restartLogs: without(context.restartLogs, event.plugin) } : {})),
    endRestart: assign(({ context, event }) => (event.type === 'RESTART_END' ? { restarting: without(context.restarting, event.plugin) } : {})),
    enterRecovery: assign(({ context }) => ({ recovering: context.recovering + 1 })),
    leaveRecovery: assign(({ context }) => ({ recovering: context.recovering - 1 })),
    /** A stop slot is taken: the plugin is being disposed from now on. */
    takeStopSlot: assign(({ context, event }) =>
      event.type === 'STOP_PLUGIN' ? { disposals: context.disposals + 1, disposing: [...context.disposing, event.plugin] } : {},
    ),
    /** A disposal ended and its stop slot is free again. */
    freeStopSlot: assign(({ context, event }) =>
      event.type === 'DISPOSE_END' ? { disposals: context.disposals - 1, disposing: context.disposing.filter((p) => p !== event.plugin) } : {},
    ),
    queueStop: assign(({ context }) => ({ disposalsWaiting: context.disposalsWaiting + 1 })),
    /** A disposal ended and its stop slot passes to the oldest waiting one (`next`), now being disposed. */
    passStopSlot: assign(({ context, event }) => {
      if (event.type !== 'DISPOSE_END') return {};
      const disposing = context.disposing.filter((p) => p !== event.plugin);
      if (event.next !== undefined) disposing.push(event.next);
      return { disposalsWaiting: context.disposalsWaiting - 1, disposing };
    }),
    emitDispose: emit({ type: 'supervisor:dispose' as const }),
    /** The calls in recovery are answered now: no recovery may re-run them after SHUTDOWN. */
    abandonRecoveries: enqueueActions(({ context, enqueue }) => {
      if (context.recovering > 0) enqueue.emit({ type: 'supervisor:abandon', count: context.recovering });
      enqueue.assign({ recovering: 0 });
    }),
    /** A restart on its way would initialize after SHUTDOWN: each is turned into a disposal. */
    cancelRestarts: enqueueActions(({ context, enqueue }) => {
      for (const plugin of Object.keys(context.restarting)) enqueue.emit({ type: 'supervisor:cancel-restart', plugin });
    }),
    stopHooks: emit({ type: 'supervisor:stop-hooks' as const }),
    /** A child's error is reported, so that it never stops the supervisor. */
    reportChildError: emit(({ event }) => ({ type: 'supervisor:child-failed' as const, ...childFailure(event)! })),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    maxConcurrency: input.maxConcurrency,
    inUse: 0,
    waiting: 0,
    starts: 0,
    starting: 0,
    startsWaiting: 0,
    restarts: 0,
    dropped: 0,
    recovering: 0,
    disposing: [],
    disposals: 0,
    disposalsWaiting: 0,
    restarting: {},
    restartLogs: {},
  }),
  initial: 'open',
  on: ANY_STATE,
  states: {
    open: {
      on: {
        CALL: [{ guard: 'slotFree', actions: ['takeSlot', 'emitStart'] }, { actions: 'enqueue' }],
        RELEASE: [{ guard: 'callWaiting', actions: ['dequeue', 'emitStart'] }, { actions: 'freeSlot' }],
        START_PLUGIN: [{ guard: 'startSlotFree', actions: ['takeStartSlot', 'emitInitialize'] }, { actions: 'queueStart' }],
        STARTED: [{ guard: 'startWaiting', actions: ['passStartSlot', 'emitInitialize'] }, { actions: 'freeStartSlot' }],
        RESTART: { guard: and(['notDisposing', 'withinIntensity']), actions: 'beginRestart' },
        RECOVER: { actions: 'enterRecovery' },
        SHUTDOWN: { target: 'stopping', actions: ['dropWaiting', 'forgetWaiting', 'dropStarts', 'abandonRecoveries', 'cancelRestarts', 'stopHooks'] },
      },
    },
    stopping: {
      on: {
        CALL: { actions: ['dropCall', 'countDrop'] },
        START_PLUGIN: { actions: 'refuseStart' },
        STOPPED: 'stopped',
      },
    },
    stopped: {
      on: {
        CALL: { actions: ['dropCall', 'countDrop'] },
        START_PLUGIN: { actions: 'refuseStart' },
        OPEN: 'open',
      },
    },
  },
});
