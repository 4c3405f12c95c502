/**
 * The orchestrator lifecycle.
 *
 *   idle ──INITIALIZE──▶ active.initializing.engine
 *        ──SHUTDOWN────▶ disposing
 *   disposing   invokes `shutdownComponents` (done or error) ──▶ shutdown   emits orchestrator:shutdown
 *
 *   active (invokes the engine machine as child `engine`, systemId `engine`)
 *     initializing.engine   entry: OPEN → engine
 *        engine snapshot `ready`  ──▶ initializing.plugins    emits engine:ready {version}
 *        engine snapshot `failed` ──▶ closing (error kept)
 *     Each engine snapshot is raised as ENGINE.READY / ENGINE.FAILED; outside initializing,
 *     ENGINE.FAILED ──▶ COMPONENT.FAILED engine, and ENGINE.READY while degraded
 *     ──▶ COMPONENT.RECOVERED engine (emits engine:ready again).
 *     initializing.plugins  invokes `initializePlugins`
 *        done  ──▶ ready                                      emits orchestrator:initialized
 *        error ──▶ degraded (component `plugins`)             emits orchestrator:initialized, orchestrator:degraded
 *     ready     ──COMPONENT.FAILED──▶ degraded                emits orchestrator:degraded
 *               engine snapshot `failed` ──▶ degraded (component `engine`)
 *     degraded  ──COMPONENT.FAILED──▶ degraded (adds the component)
 *               ──COMPONENT.RECOVERED──▶ ready when no component is left degraded   emits orchestrator:restored
 *     any of the above ──SHUTDOWN──▶ shuttingDown
 *     shuttingDown.components  invokes `shutdownComponents` (plugins, recoveries,
 *                           resources; done or error) ──▶ shuttingDown.engine
 *     shuttingDown.engine   entry: CLOSE → engine
 *     closing               entry: CLOSE → engine (after a failed start)
 *     engine done (`closed`) ──▶ shutdown   emits orchestrator:shutdown
 *                            ──▶ failed     when the engine failed to start     emits orchestrator:failed
 *
 *   failed   ──INITIALIZE──▶ active (a new attempt)   ──SHUTDOWN──▶ disposing
 *   shutdown (final)
 *
 * The supervisor, the circuit breakers and `recoveries` are children of this
 * actor (created with it as their `parent` by
 * src/orchestrator/OrchestratorActorHost.ts), so they and their own children
 * (the plugin actors, each recovery actor) share its actor system and
 * inspector. A child's unhandled error (`xstate.error.actor.*`) is reported
 * through the `reportChildError` action and never stops the orchestrator.
 * Recovery actors are `recoveries`' children, not this machine's: each has an id
 * of its own, and XState memoizes this machine's transitions per event type, so
 * their done and error events would leave an entry each, for good.
 *
 * Side effects are the named actors `engine`, `initializePlugins` and
 * `shutdownComponents` and the action `reportChildError`, supplied by src/ with
 * `provide()`.
 */
import { assign, emit, fromPromise, raise, sendTo, setup } from 'xstate';
import { childFailure } from './childFailure.js';
import { engineMachine } from './engine.machine.js';

export interface OrchestratorContext {
  /** DuckDB's version string once the engine is ready. */
  version?: string;
  /** Why the orchestrator failed to start, or the last component failure. */
  error?: Error;
  /** Components that failed and have not recovered yet. */
  degraded: string[];
  /** Set when the engine failed to start, so that its close ends in `failed`. */
  startFailed: boolean;
}

export type OrchestratorEvent =
  | { type: 'INITIALIZE' }
  | { type: 'SHUTDOWN' }
  | { type: 'COMPONENT.FAILED'; component: string; error: Error }
  | { type: 'COMPONENT.RECOVERED'; component: string }
  /** Internal: the engine child reached `ready` (raised from its snapshot). */
  | { type: 'ENGINE.READY'; version: string }
  /** Internal: the engine child reached `failed` (raised from its snapshot). */
  | { type: 'ENGINE.FAILED'; error: Error }
  /** A spawned child failed without handling its error (XState sends this to the parent). */
  | { type: `xstate.error.actor.${string}`; error: unknown };

/** What the orchestrator machine emits; the facade forwards each to the EventBus. */
export type OrchestratorEmitted =
  | { type: 'orchestrator:initialized'; timestamp: number }
  | { type: 'orchestrator:shutdown'; timestamp: number }
  | { type: 'orchestrator:failed'; error: Error }
  | { type: 'orchestrator:degraded'; component: string; error: Error }
  | { type: 'orchestrator:restored'; component: string }
  | { type: 'engine:ready'; version: string };

/** The top-level states, as `getSnapshot().value` reports them (nested states flattened by `orchestratorState`). */
export type OrchestratorState =
  | 'idle'
  | 'initializing'
  | 'ready'
  | 'degraded'
  | 'shuttingDown'
  | 'shutdown'
  | 'failed';

interface EngineSnapshotLike {
  value: unknown;
  context: { version?: string; error?: Error };
}

function engineState(event: { snapshot: unknown }): unknown {
  return (event.snapshot as EngineSnapshotLike).value;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export const orchestratorMachine = setup({
  types: {
    context: {} as OrchestratorContext,
    events: {} as OrchestratorEvent,
    emitted: {} as OrchestratorEmitted,
  },
  actors: {
    engine: engineMachine,
    initializePlugins: fromPromise<void>(async () => {}),
    shutdownComponents: fromPromise<void>(async () => {}),
  },
  actions: {
    reportChildError: (_, _params: { id: string; error: unknown }) => {},
  },
}).createMachine({
  id: 'orchestrator',
  context: { degraded: [], startFailed: false },
  initial: 'idle',
  on: {
    'xstate.error.actor.*': {
      actions: {
        type: 'reportChildError',
        params: ({ event }) => childFailure(event)!,
      },
    },
  },
  states: {
    idle: {
      on: {
        INITIALIZE: 'active',
        SHUTDOWN: 'disposing',
      },
    },
    disposing: {
      invoke: {
        src: 'shutdownComponents',
        onDone: {
          target: 'shutdown',
          actions: emit(() => ({ type: 'orchestrator:shutdown' as const, timestamp: Date.now() })),
        },
        onError: {
          target: 'shutdown',
          actions: [
            { type: 'reportChildError', params: ({ event }) => ({ id: 'shutdownComponents', error: event.error }) },
            emit(() => ({ type: 'orchestrator:shutdown' as const, timestamp: Date.now() })),
          ],
        },
      },
    },
    active: {
      entry: assign({ startFailed: false, error: undefined, degraded: [] }),
      invoke: {
        id: 'engine',
        systemId: 'engine',
        src: 'engine',
        // Every engine snapshot is turned into an internal event, so each state decides what it means.
        onSnapshot: [
          {
            guard: ({ event }) => engineState(event) === 'ready',
            actions: raise(({ event }) => ({
              type: 'ENGINE.READY' as const,
              version: (event.snapshot as EngineSnapshotLike).context.version ?? 'unknown',
            })),
          },
          {
            guard: ({ event }) => engineState(event) === 'failed',
            actions: raise(({ event }) => ({
              type: 'ENGINE.FAILED' as const,
              error: asError((event.snapshot as EngineSnapshotLike).context.error),
            })),
          },
        ],
        onDone: [
          {
            guard: ({ context }) => context.startFailed,
            target: 'failed',
            actions: emit(({ context }) => ({ type: 'orchestrator:failed' as const, error: context.error ?? new Error('engine failed to start') })),
          },
          {
            target: 'shutdown',
            actions: emit(() => ({ type: 'orchestrator:shutdown' as const, timestamp: Date.now() })),
          },
        ],
        onError: {
          target: 'failed',
          actions: [
            assign({ error: ({ event }) => asError(event.error) }),
            emit(({ event }) => ({ type: 'orchestrator:failed' as const, error: asError(event.error) })),
          ],
        },
      },
      on: {
        'ENGINE.FAILED': {
          actions: raise(({ event }) => ({ type: 'COMPONENT.FAILED' as const, component: 'engine', error: event.error })),
        },
      },
      initial: 'initializing',
      states: {
        initializing: {
          initial: 'engine',
          states: {
            engine: {
              entry: sendTo('engine', { type: 'OPEN' }),
              on: {
                'ENGINE.READY': {
                  target: 'plugins',
                  actions: [
                    assign({ version: ({ event }) => event.version }),
                    emit(({ event }) => ({ type: 'engine:ready' as const, version: event.version })),
                  ],
                },
                'ENGINE.FAILED': {
                  target: '#orchestrator.active.closing',
                  actions: assign({ startFailed: true, error: ({ event }) => event.error }),
                },
              },
            },
            plugins: {
              invoke: {
                src: 'initializePlugins',
                onDone: {
                  target: '#orchestrator.active.ready',
                  actions: emit(() => ({ type: 'orchestrator:initialized' as const, timestamp: Date.now() })),
                },
                onError: {
                  target: '#orchestrator.active.degraded',
                  actions: [
                    assign({ degraded: ['plugins'], error: ({ event }) => asError(event.error) }),
                    emit(() => ({ type: 'orchestrator:initialized' as const, timestamp: Date.now() })),
                    emit(({ event }) => ({ type: 'orchestrator:degraded' as const, component: 'plugins', error: asError(event.error) })),
                  ],
                },
              },
            },
          },
          on: { SHUTDOWN: 'shuttingDown' },
        },
        ready: {
          on: {
            'COMPONENT.FAILED': {
              target: 'degraded',
              actions: [
                assign({ degraded: ({ event }) => [event.component], error: ({ event }) => event.error }),
                emit(({ event }) => ({ type: 'orchestrator:degraded' as const, component: event.component, error: event.error })),
              ],
            },
            SHUTDOWN: 'shuttingDown',
          },
        },
        degraded: {
          on: {
            'ENGINE.READY': {
              actions: [
                assign({ version: ({ event }) => event.version }),
                emit(({ event }) => ({ type: 'engine:ready' as const, version: event.version })),
                raise({ type: 'COMPONENT.RECOVERED', component: 'engine' }),
              ],
            },
            'COMPONENT.FAILED': {
              actions: [
                assign({
                  degraded: ({ context, event }) =>
                    context.degraded.includes(event.component) ? context.degraded : [...context.degraded, event.component],
                  error: ({ event }) => event.error,
                }),
                emit(({ event }) => ({ type: 'orchestrator:degraded' as const, component: event.component, error: event.error })),
              ],
            },
            'COMPONENT.RECOVERED': [
              {
                guard: ({ context, event }) => context.degraded.length === 1 && context.degraded[0] === event.component,
                target: 'ready',
                actions: [
                  assign({ degraded: [], error: undefined }),
                  emit(({ event }) => ({ type: 'orchestrator:restored' as const, component: event.component })),
                ],
              },
              {
                actions: assign({ degraded: ({ context, event }) => context.degraded.filter((c) => c !== event.component) }),
              },
            ],
            SHUTDOWN: 'shuttingDown',
          },
        },
        shuttingDown: {
          initial: 'components',
          states: {
            components: {
              invoke: {
                src: 'shutdownComponents',
                onDone: 'engine',
                onError: {
                  target: 'engine',
                  actions: { type: 'reportChildError', params: ({ event }) => ({ id: 'shutdownComponents', error: event.error }) },
                },
              },
            },
            engine: {
              entry: sendTo('engine', { type: 'CLOSE' }),
            },
          },
        },
        closing: {
          entry: sendTo('engine', { type: 'CLOSE' }),
        },
      },
    },
    failed: {
      on: {
        INITIALIZE: 'active',
        SHUTDOWN: 'disposing',
      },
    },
    shutdown: { type: 'final' },
  },
});

/** Flattens the machine's nested state value to the lifecycle state users see. */
export function orchestratorState(value: unknown): OrchestratorState {
  if (value === 'disposing') return 'shuttingDown';
  if (typeof value === 'string') return value as OrchestratorState;
  const active = (value as { active?: unknown }).active;
  if (active === undefined) return 'idle';
  const inner = typeof active === 'string' ? active : Object.keys(active as object)[0]!;
  // `closing` closes an engine that failed to start: the attempt ends in `failed`.
  if (inner === 'closing') return 'initializing';
  return inner as OrchestratorState;
}
