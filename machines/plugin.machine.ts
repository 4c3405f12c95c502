/**
 * The lifecycle of one plugin: a pure XState v5 machine. The runtime
 * (src/plugins/) spawns one actor of it per registered plugin, with systemId
 * `plugin:<name>`, and supplies the hook actors with `provide(...)`.
 *
 * States, events, and what each transition emits (every emitted event is
 * bridged to the EventBus under its `type`):
 *
 *   registered   --LOAD-->              loading       emits plugin:loading {name}
 *   loading      --done(loadPlugin)-->  loaded        emits plugin:loaded {name, version}
 *   loading      --error-->             error         emits plugin:error {name, phase:'load', error}
 *   loaded       --INITIALIZE-->        initializing  emits plugin:initializing {name}
 *   loaded       --FAIL-->              error         emits plugin:error {name, phase, error}
 *                                                     (the runtime's verdict, e.g. a failed dependency)
 *   loaded       --DISPOSE-->           disposing     emits plugin:disposing {name}
 *   initializing --done(initializePlugin)--> initialized  emits plugin:initialized {name}
 *   initializing --error-->             error         emits plugin:error {name, phase:'initialize', error}
 *   initialized  --EXECUTE-->           executing     spawns the `executeAction` actor (id `executor`)
 *                                                     unless it runs, forwards the request to it,
 *                                                     emits plugin:executing {name, action, requestId}
 *   executing    --EXECUTE-->           executing     same: several executions may be in flight
 *   executing    --EXECUTION.DONE-->    executing, or initialized when it was the last one,
 *                                       or disposing when a DISPOSE/RESTART was deferred;
 *                                                     emits plugin:executed {name, action, result, requestId}
 *   executing    --EXECUTION.FAILED-->  same targets; emits plugin:error {name, phase:'execute', error, requestId}
 *   executing    --DISPOSE|RESTART-->   executing     deferred until the in-flight executions end;
 *                                                     meanwhile new EXECUTEs are refused (plugin:refused)
 *   initialized  --RESTART-->           disposing     stops the executor, emits plugin:disposing {name}
 *                                                     (restarting)
 *   initialized  --DISPOSE-->           disposing     stops the executor, emits plugin:disposing {name}
 *   initialized|executing --error(executor)--> error  emits plugin:error {name, phase:'execute', error}
 *   error        --RESTART-->           disposing     emits plugin:disposing {name} (restarting)
 *   error        --DISPOSE-->           disposing     emits plugin:disposing {name}
 *   disposing    --done(disposePlugin)--> initializing when restarting (emits plugin:disposed {name},
 *                                         then plugin:initializing: a restart is a full stop and a
 *                                         new start), else disposed (emits plugin:disposed {name}; final)
 *   disposing    --error-->             the same targets, after emitting
 *                                       plugin:error {name, phase:'dispose', error}
 *   disposing    --DISPOSE-->           disposing     a restart on its way is cancelled: the plugin ends
 *                                       disposed (the supervisor's shutdown: nothing starts after it)
 *   any other state --EXECUTE-->        (stays)       emits plugin:refused {name, action, requestId}:
 *                                       a request that arrives too early or too late is
 *                                       answered, never left waiting
 *   any state    --HOOK.ABANDONED-->    (stays)       abandoned += 1: a hook ran past its budget and
 *                                       was told to stop (its signal aborted), but has not settled
 *   any state    --HOOK.SETTLED-->      (stays)       abandoned -= 1: that hook finally settled
 *
 * Concurrency: one `executor` actor, spawned at the first request after the plugin
 * is initialized and stopped when it leaves for `disposing`, takes every request
 * (`context.executorRunning` says whether it runs); requests in flight are counted in
 * `context.executions`. `initialized` means none is in flight, `executing` means
 * at least one is. Each request is one event in (EXECUTE), one back from the
 * executor (EXECUTION.DONE or EXECUTION.FAILED) and one emitted (plugin:executed
 * or plugin:error, with the same requestId), so any interleaving of requests is
 * a path of this machine. No actor is created per request (that would cost more
 * than the hook itself on the hot path), and the snapshot never grows. A plugin
 * that is never asked to execute never gets an executor: with thousands of
 * plugins, an actor each that nobody used was a large share of their lifecycle.
 * The executor is stopped on every way out of initialized/executing.
 *
 * Failure policy: a failing or timed-out load/initialize hook moves the plugin to
 * `error` (restart or dispose it from there). A failing or timed-out execute
 * fails that one call only: the plugin stays available and the error goes to
 * the ErrorHandler, which may decide to restart it. A failing dispose hook is
 * reported but does not stop the disposal or the restart: the runtime still
 * frees everything the plugin owned, so the next start is from a clean state.
 * Timeouts are enforced inside the hook actors (they reject with a
 * TimeoutError), so no state can wait forever. Every invoke and the executor have
 * an error transition: the actor never enters XState's `error` status.
 */
import { assign, emit, fromCallback, fromPromise, sendTo, setup, spawnChild, stopChild, type ActorRefFrom } from 'xstate';

/** What the runtime gives each plugin actor. */
export interface PluginMachineInput {
  name: string;
  version: string;
}

/** Input of the load/initialize/dispose hook actors and of the executor. */
export interface PluginHookInput {
  name: string;
  version: string;
}

/** What a plugin actor is asked to do after a DISPOSE/RESTART arrived mid-execution. */
export type PendingRequest = 'none' | 'dispose' | 'restart';

export interface PluginMachineContext {
  name: string;
  version: string;
  /** Executions in flight. */
  executions: number;
  /** Executions finished, successfully or not. */
  executionCount: number;
  /** Errors seen in any phase. */
  errorCount: number;
  /** The last error, or null. */
  lastError: unknown;
  /** A DISPOSE or RESTART deferred until the executions in flight end. */
  pending: PendingRequest;
  /** Whether the executor actor runs (it is spawned at the first request after initialization). */
  executorRunning: boolean;
  /** True while disposing on the way to a re-initialization. */
  restarting: boolean;
  /** Hooks that ran past their budget and have not settled yet (zombies). */
  abandoned: number;
}

/** A request for one action; the executor answers it with EXECUTION.DONE or EXECUTION.FAILED. */
export interface ExecuteEvent {
  type: 'EXECUTE';
  requestId: string;
  action: string;
  params: unknown;
}

/** What the executor sends back for each request. */
export type ExecutionEvent =
  | { type: 'EXECUTION.DONE'; requestId: string; action: string; result: unknown }
  | { type: 'EXECUTION.FAILED'; requestId: string; action: string; error: unknown };

export type PluginMachineEvent =
  | { type: 'LOAD' }
  | { type: 'INITIALIZE' }
  | ExecuteEvent
  | ExecutionEvent
  | { type: 'RESTART' }
  | { type: 'DISPOSE' }
  | { type: 'FAIL'; phase: string; error: unknown }
  | { type: 'HOOK.ABANDONED' }
  | { type: 'HOOK.SETTLED' };

/** Events the machine emits; each reaches the EventBus under its `type`. */
export type PluginEmittedEvent =
  | { type: 'plugin:loading'; name: string }
  | { type: 'plugin:loaded'; name: string; version: string }
  | { type: 'plugin:initializing'; name: string }
  | { type: 'plugin:initialized'; name: string }
  | { type: 'plugin:executing'; name: string; action: string; requestId: string }
  | { type: 'plugin:executed'; name: string; action: string; result: unknown; requestId: string }
  | { type: 'plugin:disposing'; name: string }
  | { type: 'plugin:disposed'; name: string }
  | { type: 'plugin:error'; name: string; phase: string; error: unknown; requestId?: string }
  | { type: 'plugin:refused'; name: string; action: string; requestId: string };

/** The lifecycle state names (the machine's top-level states). */
export type PluginStateName =
  | 'registered'
  | 'loading'
  | 'loaded'
  | 'initializing'
  | 'initialized'
  | 'executing'
  | 'disposing'
  | 'disposed'
  | 'error';

/** The state name of a plugin actor's snapshot value. */
export function pluginStateName(value: unknown): PluginStateName {
  return String(value) as PluginStateName;
}

// Placeholders: the runtime provides the real hook actors. They fail loudly, so a
// machine run without `provide` ends in `error` instead of pretending to work.
function notProvided(name: string) {
  return fromPromise<void, PluginHookInput>(() => Promise.reject(new Error(`plugin machine: actor '${name}' was not provided`)));
}

const missingExecutor = fromCallback<ExecuteEvent, PluginHookInput>(({ sendBack, receive }) => {
  receive((event) =>
    sendBack({
      type: 'EXECUTION.FAILED',
      requestId: event.requestId,
      action: event.action,
      error: new Error("plugin machine: actor 'executeAction' was not provided"),
    }),
  );
});

type Execution = Extract<PluginMachineEvent, { type: 'EXECUTION.DONE' | 'EXECUTION.FAILED' }>;

/** The executor's id among the plugin actor's children. */
export const EXECUTOR_ID = 'executor';

// A finished execution: count it and answer it, then leave `executing` if it was the
// last one (for `disposing` when a DISPOSE or RESTART waited for it).
const FINISH = ['countExecution', 'emitExecutionResult'] as const;
// Stopping the executor always forgets it too, so the next start spawns a new one.
const STOP_EXECUTOR = ['stopExecutor', 'forgetExecutor'] as const;
const FINISHED = [
  { guard: 'lastExecutionThenRestart', target: 'disposing', actions: [...FINISH, ...STOP_EXECUTOR, 'startRestart'] },
  { guard: 'lastExecutionThenDispose', target: 'disposing', actions: [...FINISH, ...STOP_EXECUTOR] },
  { guard: 'lastExecution', target: 'initialized', actions: FINISH },
  { actions: FINISH },
] as const;
// The executor itself failed (it should not: it catches every hook error): the plugin
// goes to `error`, and the runtime answers the requests that were in flight.
const EXECUTOR_FAILED = {
  target: 'error',
  actions: [
    ...STOP_EXECUTOR,
    'dropExecutions',
    { type: 'fail', params: ({ event }: { event: { error?: unknown } }) => ({ error: event.error }) },
    { type: 'emitError', params: ({ event }: { event: { error?: unknown } }) => ({ phase: 'execute', error: event.error }) },
  ],
} as const;

/** The plugin lifecycle machine; provide `loadPlugin`, `initializePlugin`, `executeAction` and `disposePlugin` to run it. */
export const pluginMachine = setup({
  types: {
    context: {} as PluginMachineContext,
    events: {} as PluginMachineEvent,
    input: {} as PluginMachineInput,
    emitted: {} as PluginEmittedEvent,
  },
  actors: {
    loadPlugin: notProvided('loadPlugin'),
    initializePlugin: notProvided('initializePlugin'),
    executeAction: missingExecutor,
    disposePlugin: notProvided('disposePlugin'),
  },
  guards: {
    isRestarting: ({ context }) => context.restarting,
    idle: ({ context }) => context.executions === 0,
    closing: ({ context }) => context.pending !== 'none',
    lastExecutionThenRestart: ({ context }) => context.executions === 1 && context.pending === 'restart',
    lastExecutionThenDispose: ({ context }) => context.executions === 1 && context.pending === 'dispose',
    lastExecution: ({ context }) => context.executions === 1,
    executorRunning: ({ context }) => context.executorRunning,
  },
  actions: {
    emitLoading: emit(({ context }) => ({ type: 'plugin:loading' as const, name: context.name })),
    emitLoaded: emit(({ context }) => ({ type: 'plugin:loaded' as const, name: context.name, version: context.version })),
    emitInitializing: emit(({ context }) => ({ type: 'plugin:initializing' as const, name: context.name })),
    emitInitialized: emit(({ context }) => ({ type: 'plugin:initialized' as const, name: context.name })),
    emitDisposing: emit(({ context }) => ({ type: 'plugin:disposing' as const, name: context.name })),
    emitDisposed: emit(({ context }) => ({ type: 'plugin:disposed' as const, name: context.name })),
    /** Records a hook failure. */
    fail: assign(({ context }, params: { error: unknown }) => ({
      lastError: params.error,
      errorCount: context.errorCount + 1,
    })),
    /** Emits a hook failure; `phase` names the hook. */
    emitError: emit(({ context }, params: { phase: string; error: unknown }) => ({
      type: 'plugin:error' as const,
      name: context.name,
      phase: params.phase,
      error: params.error,
    })),
    startRestart: assign({ restarting: true, pending: 'none' as PendingRequest }),
    endRestart: assign({ restarting: false }),
    /** Starts the executor that serves requests while the plugin is initialized. */
    spawnExecutor: spawnChild('executeAction', {
      id: EXECUTOR_ID,
      input: ({ context }) => ({ name: context.name, version: context.version }),
    }),
    rememberExecutor: assign({ executorRunning: true }),
    stopExecutor: stopChild(EXECUTOR_ID),
    forgetExecutor: assign({ executorRunning: false }),
    // In-flight requests and any deferred DISPOSE/RESTART are dropped; the runtime answers and re-asks.
    dropExecutions: assign({ executions: 0, pending: 'none' as PendingRequest }),
    acceptExecution: assign(({ context }) => ({ executions: context.executions + 1 })),
    forwardExecution: sendTo(EXECUTOR_ID, ({ event }) => event as ExecuteEvent),
    emitExecuting: emit(({ context, event }) => {
      const e = event as ExecuteEvent;
      return { type: 'plugin:executing' as const, name: context.name, action: e.action, requestId: e.requestId };
    }),
    countExecution: assign(({ context, event }) => {
      const e = event as Execution;
      return e.type === 'EXECUTION.DONE'
        ? { executions: context.executions - 1, executionCount: context.executionCount + 1 }
        : {
            executions: context.executions - 1,
            executionCount: context.executionCount + 1,
            errorCount: context.errorCount + 1,
            lastError: e.error,
          };
    }),
    emitExecutionResult: emit(({ context, event }) => {
      const e = event as Execution;
      return e.type === 'EXECUTION.DONE'
        ? { type: 'plugin:executed' as const, name: context.name, action: e.action, result: e.result, requestId: e.requestId }
        : { type: 'plugin:error' as const, name: context.name, phase: 'execute', error: e.error, requestId: e.requestId };
    }),
    emitRefused: emit(({ context, event }) => {
      const e = event as ExecuteEvent;
      return { type: 'plugin:refused' as const, name: context.name, action: e.action, requestId: e.requestId };
    }),
    deferDispose: assign({ pending: 'dispose' as PendingRequest }),
    countAbandoned: assign(({ context }) => ({ abandoned: context.abandoned + 1 })),
    countSettled: assign(({ context }) => ({ abandoned: Math.max(0, context.abandoned - 1) })),
    deferRestart: assign({ pending: 'restart' as PendingRequest }),
  },
}).createMachine({
  id: 'plugin',
  context: ({ input }) => ({
    name: input.name,
    version: input.version,
    executions: 0,
    executionCount: 0,
    errorCount: 0,
    lastError: null,
    pending: 'none',
    restarting: false,
    executorRunning: false,
    abandoned: 0,
  }),
  initial: 'registered',
  // Only `running` accepts work; everywhere else a request is refused at once.
  on: {
    EXECUTE: { actions: 'emitRefused' },
    'HOOK.ABANDONED': { actions: 'countAbandoned' },
    'HOOK.SETTLED': { actions: 'countSettled' },
  },
  states: {
    // The runtime sends LOAD once it listens to the actor, so no emitted event is lost.
    registered: {
      on: { LOAD: 'loading' },
    },
    loading: {
      entry: 'emitLoading',
      invoke: {
        src: 'loadPlugin',
        input: ({ context }) => ({ name: context.name, version: context.version }),
        onDone: { target: 'loaded', actions: 'emitLoaded' },
        onError: {
          target: 'error',
          actions: [
            { type: 'fail', params: ({ event }) => ({ error: event.error }) },
            { type: 'emitError', params: ({ event }) => ({ phase: 'load', error: event.error }) },
          ],
        },
      },
    },
    loaded: {
      on: {
        INITIALIZE: 'initializing',
        DISPOSE: 'disposing',
        FAIL: {
          target: 'error',
          actions: [
            { type: 'fail', params: ({ event }) => ({ error: event.error }) },
            { type: 'emitError', params: ({ event }) => ({ phase: event.phase, error: event.error }) },
          ],
        },
      },
    },
    initializing: {
      entry: 'emitInitializing',
      invoke: {
        src: 'initializePlugin',
        input: ({ context }) => ({ name: context.name, version: context.version }),
        onDone: { target: 'initialized', actions: 'emitInitialized' },
        onError: {
          target: 'error',
          actions: [
            { type: 'fail', params: ({ event }) => ({ error: event.error }) },
            { type: 'emitError', params: ({ event }) => ({ phase: 'initialize', error: event.error }) },
          ],
        },
      },
    },
    initialized: {
      on: {
        EXECUTE: [
          { guard: 'executorRunning', target: 'executing', actions: ['acceptExecution', 'forwardExecution', 'emitExecuting'] },
          {
            target: 'executing',
            actions: ['spawnExecutor', 'rememberExecutor', 'acceptExecution', 'forwardExecution', 'emitExecuting'],
          },
        ],
        RESTART: { target: 'disposing', actions: [...STOP_EXECUTOR, 'startRestart'] },
        DISPOSE: { target: 'disposing', actions: [...STOP_EXECUTOR] },
        'xstate.error.actor.executor': EXECUTOR_FAILED,
      },
    },
    executing: {
      on: {
        // Once a DISPOSE or RESTART waits, new requests are refused so the wait ends.
        EXECUTE: [
          { guard: 'closing', actions: 'emitRefused' },
          { actions: ['acceptExecution', 'forwardExecution', 'emitExecuting'] },
        ],
        'EXECUTION.DONE': FINISHED,
        'EXECUTION.FAILED': FINISHED,
        RESTART: { actions: 'deferRestart' },
        DISPOSE: { actions: 'deferDispose' },
        'xstate.error.actor.executor': EXECUTOR_FAILED,
      },
    },
    disposing: {
      entry: 'emitDisposing',
      on: { DISPOSE: { guard: 'isRestarting', actions: 'endRestart' } },
      invoke: {
        src: 'disposePlugin',
        input: ({ context }) => ({ name: context.name, version: context.version }),
        onDone: [
          { guard: 'isRestarting', target: 'initializing', actions: ['emitDisposed', 'endRestart'] },
          { target: 'disposed' },
        ],
        onError: [
          {
            guard: 'isRestarting',
            target: 'initializing',
            actions: [
              { type: 'fail', params: ({ event }) => ({ error: event.error }) },
              { type: 'emitError', params: ({ event }) => ({ phase: 'dispose', error: event.error }) },
              'emitDisposed',
              'endRestart',
            ],
          },
          {
            target: 'disposed',
            actions: [
              { type: 'fail', params: ({ event }) => ({ error: event.error }) },
              { type: 'emitError', params: ({ event }) => ({ phase: 'dispose', error: event.error }) },
            ],
          },
        ],
      },
    },
    disposed: {
      entry: 'emitDisposed',
      type: 'final',
    },
    error: {
      on: {
        RESTART: { target: 'disposing', actions: 'startRestart' },
        DISPOSE: 'disposing',
      },
    },
  },
});

/** A running plugin actor. */
export type PluginActorRef = ActorRefFrom<typeof pluginMachine>;
