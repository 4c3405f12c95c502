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
 *   initialized  --EXECUTE-->           executing     spawns executeAction child `exec:<requestId>`,
 *                                                     emits plugin:executing {name, action, requestId}
 *   executing    --EXECUTE-->           executing     same: several executions may be in flight
 *   executing    --done(exec:<id>)-->   executing, or initialized when it was the last one,
 *                                       or disposing when a DISPOSE/RESTART was deferred;
 *                                                     emits plugin:executed {name, action, result, requestId}
 *   executing    --error(exec:<id>)-->  same targets; emits plugin:error {name, phase:'execute', error, requestId}
 *   executing    --DISPOSE|RESTART-->   executing     deferred until the in-flight executions end
 *   initialized  --RESTART-->           disposing     emits plugin:disposing {name} (restarting)
 *   initialized  --DISPOSE-->           disposing     emits plugin:disposing {name}
 *   error        --RESTART-->           disposing     emits plugin:disposing {name} (restarting)
 *   error        --DISPOSE-->           disposing     emits plugin:disposing {name}
 *   disposing    --done(disposePlugin)--> initializing when restarting (emits plugin:initializing),
 *                                         else disposed (emits plugin:disposed {name}; final)
 *   disposing    --error-->             the same targets, after emitting
 *                                       plugin:error {name, phase:'dispose', error}
 *   any other state --EXECUTE-->        (stays)       emits plugin:refused {name, action, requestId}:
 *                                       a request that arrives too early or too late is
 *                                       answered, never left waiting
 *
 * Concurrency: executions are spawned children, one per request, counted in
 * `context.executions`. `initialized` means none is in flight, `executing` means
 * at least one is. Each request is one event in (EXECUTE) and one out
 * (plugin:executed or plugin:error carrying the same requestId), so any
 * interleaving of requests is still a path of this machine. Finished children
 * are stopped at once, so the snapshot never grows.
 *
 * Failure policy: a failing or timed-out load/initialize hook moves the plugin to
 * `error` (restart or dispose it from there). A failing or timed-out execute
 * fails that one call only: the plugin stays available and the error goes to
 * the ErrorHandler, which may decide to restart it. A failing dispose hook is
 * reported but does not stop the disposal or the restart: the runtime still
 * frees everything the plugin owned, so the next start is from a clean state.
 * Timeouts are enforced inside the hook actors (they reject with a
 * TimeoutError), so no state can wait forever. Every invoke and every spawned
 * child has an error transition: the actor never enters XState's `error` status.
 */
import { assign, emit, fromPromise, setup, stopChild, type DoneActorEvent, type ErrorActorEvent } from 'xstate';

/** What the runtime gives each plugin actor. */
export interface PluginMachineInput {
  name: string;
  version: string;
}

/** Input of the `executeAction` child spawned per request. */
export interface ExecuteActionInput {
  name: string;
  requestId: string;
  action: string;
  params: unknown;
}

/** Output of the `executeAction` child. */
export interface ExecuteActionOutput {
  requestId: string;
  action: string;
  result: unknown;
}

/** Input of the load/initialize/dispose hook actors. */
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
  /** True while disposing on the way to a re-initialization. */
  restarting: boolean;
}

export type PluginMachineEvent =
  | { type: 'LOAD' }
  | { type: 'INITIALIZE' }
  | { type: 'EXECUTE'; requestId: string; action: string; params: unknown }
  | { type: 'RESTART' }
  | { type: 'DISPOSE' }
  | { type: 'FAIL'; phase: string; error: unknown };

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

/** The id prefix of execution children: `exec:<requestId>`. */
export const EXECUTION_ID_PREFIX = 'exec:';

// Placeholders: the runtime provides the real hook actors. They fail loudly, so a
// machine run without `provide` ends in `error` instead of pretending to work.
function notProvided<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(() => Promise.reject(new Error(`plugin machine: actor '${name}' was not provided`)));
}

function requestIdOf(actorId: string): string {
  return actorId.startsWith(EXECUTION_ID_PREFIX) ? actorId.slice(EXECUTION_ID_PREFIX.length) : actorId;
}

// A finished execution: stop its child first, then count, then tell the caller.
const FINISH = ['stopExecution', 'finishExecutionCount', 'emitExecuted'] as const;
const FAIL_EXECUTION = ['stopExecution', 'failExecutionCount', 'emitExecutionError'] as const;

export const pluginMachine = setup({
  types: {
    context: {} as PluginMachineContext,
    events: {} as PluginMachineEvent,
    input: {} as PluginMachineInput,
    emitted: {} as PluginEmittedEvent,
  },
  actors: {
    loadPlugin: notProvided<void, PluginHookInput>('loadPlugin'),
    initializePlugin: notProvided<void, PluginHookInput>('initializePlugin'),
    executeAction: notProvided<ExecuteActionOutput, ExecuteActionInput>('executeAction'),
    disposePlugin: notProvided<void, PluginHookInput>('disposePlugin'),
  },
  guards: {
    isRestarting: ({ context }) => context.restarting,
    lastExecutionThenRestart: ({ context }) => context.executions === 1 && context.pending === 'restart',
    lastExecutionThenDispose: ({ context }) => context.executions === 1 && context.pending === 'dispose',
    lastExecution: ({ context }) => context.executions === 1,
  },
  actions: {
    emitLoading: emit(({ context }) => ({ type: 'plugin:loading' as const, name: context.name })),
    emitLoaded: emit(({ context }) => ({ type: 'plugin:loaded' as const, name: context.name, version: context.version })),
    emitInitializing: emit(({ context }) => ({ type: 'plugin:initializing' as const, name: context.name })),
    emitInitialized: emit(({ context }) => ({ type: 'plugin:initialized' as const, name: context.name })),
    emitDisposing: emit(({ context }) => ({ type: 'plugin:disposing' as const, name: context.name })),
    emitDisposed: emit(({ context }) => ({ type: 'plugin:disposed' as const, name: context.name })),
    /** Records and emits a hook failure; `phase` names the hook. */
    fail: assign(({ context }, params: { error: unknown }) => ({
      lastError: params.error,
      errorCount: context.errorCount + 1,
    })),
    emitError: emit(({ context }, params: { phase: string; error: unknown }) => ({
      type: 'plugin:error' as const,
      name: context.name,
      phase: params.phase,
      error: params.error,
    })),
    startRestart: assign({ restarting: true, pending: 'none' as PendingRequest }),
    endRestart: assign({ restarting: false }),
    spawnExecution: assign(({ context, event, spawn }) => {
      if (event.type !== 'EXECUTE') return {};
      spawn('executeAction', {
        id: EXECUTION_ID_PREFIX + event.requestId,
        input: { name: context.name, requestId: event.requestId, action: event.action, params: event.params },
      });
      return { executions: context.executions + 1 };
    }),
    emitExecuting: emit(({ context, event }) => {
      const e = event as Extract<PluginMachineEvent, { type: 'EXECUTE' }>;
      return { type: 'plugin:executing' as const, name: context.name, action: e.action, requestId: e.requestId };
    }),
    /** Stops a finished execution child, so the snapshot does not keep it. */
    stopExecution: stopChild(({ event }) => (event as unknown as DoneActorEvent).actorId),
    finishExecutionCount: assign(({ context }) => ({
      executions: context.executions - 1,
      executionCount: context.executionCount + 1,
    })),
    failExecutionCount: assign(({ context, event }) => ({
      executions: context.executions - 1,
      executionCount: context.executionCount + 1,
      errorCount: context.errorCount + 1,
      lastError: (event as unknown as ErrorActorEvent).error,
    })),
    emitExecuted: emit(({ context, event }) => {
      const output = (event as unknown as DoneActorEvent<ExecuteActionOutput>).output;
      return {
        type: 'plugin:executed' as const,
        name: context.name,
        action: output.action,
        result: output.result,
        requestId: output.requestId,
      };
    }),
    emitExecutionError: emit(({ context, event }) => {
      const e = event as unknown as ErrorActorEvent;
      return {
        type: 'plugin:error' as const,
        name: context.name,
        phase: 'execute',
        error: e.error,
        requestId: requestIdOf(e.actorId),
      };
    }),
    emitRefused: emit(({ context, event }) => {
      const e = event as Extract<PluginMachineEvent, { type: 'EXECUTE' }>;
      return { type: 'plugin:refused' as const, name: context.name, action: e.action, requestId: e.requestId };
    }),
    deferDispose: assign({ pending: 'dispose' as PendingRequest }),
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
  }),
  initial: 'registered',
  // Only `initialized` and `executing` accept work; everywhere else a request is refused at once.
  on: { EXECUTE: { actions: 'emitRefused' } },
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
        EXECUTE: { target: 'executing', actions: ['spawnExecution', 'emitExecuting'] },
        RESTART: { target: 'disposing', actions: 'startRestart' },
        DISPOSE: 'disposing',
      },
    },
    executing: {
      on: {
        EXECUTE: { actions: ['spawnExecution', 'emitExecuting'] },
        DISPOSE: { actions: 'deferDispose' },
        RESTART: { actions: 'deferRestart' },
        'xstate.done.actor.*': [
          { guard: 'lastExecutionThenRestart', target: 'disposing', actions: [...FINISH, 'startRestart'] },
          { guard: 'lastExecutionThenDispose', target: 'disposing', actions: FINISH },
          { guard: 'lastExecution', target: 'initialized', actions: FINISH },
          { actions: FINISH },
        ],
        'xstate.error.actor.*': [
          { guard: 'lastExecutionThenRestart', target: 'disposing', actions: [...FAIL_EXECUTION, 'startRestart'] },
          { guard: 'lastExecutionThenDispose', target: 'disposing', actions: FAIL_EXECUTION },
          { guard: 'lastExecution', target: 'initialized', actions: FAIL_EXECUTION },
          { actions: FAIL_EXECUTION },
        ],
      },
    },
    disposing: {
      entry: 'emitDisposing',
      invoke: {
        src: 'disposePlugin',
        input: ({ context }) => ({ name: context.name, version: context.version }),
        onDone: [
          { guard: 'isRestarting', target: 'initializing', actions: 'endRestart' },
          { target: 'disposed' },
        ],
        onError: [
          {
            guard: 'isRestarting',
            target: 'initializing',
            actions: [
              { type: 'fail', params: ({ event }) => ({ error: event.error }) },
              { type: 'emitError', params: ({ event }) => ({ phase: 'dispose', error: event.error }) },
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
