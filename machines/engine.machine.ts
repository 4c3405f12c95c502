/**
 * The lifecycle of the DuckDB-WASM engine: opening, serving queries, closing and
 * restarting. Pure: the I/O is the two named actors `openEngine` and
 * `closeEngine`, which `src/engine/provideEngineMachine.ts` supplies.
 *
 * State diagram in words:
 *
 *   idle ──OPEN──▶ starting                      (invokes openEngine)
 *   idle ──CLOSE─▶ closing
 *   starting ──openEngine done──▶ ready          (context.version, startedAt set)
 *   starting ──openEngine error─▶ failed         (context.error set)
 *   starting ──CLOSE──▶ closing                  (the src side awaits the pending open, then terminates)
 *   ready    entry: emits `engine:ready { version }`
 *   ready    ──FAIL { error }──▶ failed          (the engine died under us, e.g. its worker exited)
 *   ready | failed ──RESTART──▶ restarting
 *   restarting.stopping ──closeEngine done or error──▶ restarting.starting
 *   restarting.starting ──openEngine done──▶ ready     (emits `engine:ready` again)
 *   restarting.starting ──openEngine error─▶ failed
 *   idle | starting | ready | failed | restarting ──CLOSE──▶ closing   (invokes closeEngine)
 *   closing ──closeEngine done or error──▶ closed (final; a close error is kept in context.error)
 *
 * No transition ever leaves the actor in XState's `error` status: every invoke
 * handles `onError`, so a parent that invokes this machine never stops because
 * of it.
 */
import { assign, emit, fromPromise, setup } from 'xstate';

/** The engine's lifecycle states, as they appear in the actor's snapshot `value`. */
export type EngineState = 'idle' | 'starting' | 'ready' | 'restarting' | 'closing' | 'closed' | 'failed';

/** What the engine actor remembers. */
export interface EngineContext {
  /** DuckDB's version string, set once the engine is ready. */
  version?: string;
  /** Why the engine failed (to open, or later), or why its close failed. */
  error?: Error;
  /** `Date.now()` when the engine last became ready. */
  startedAt?: number;
}

/** Events the engine actor accepts. */
export type EngineEvent =
  | { type: 'OPEN' }
  | { type: 'CLOSE' }
  | { type: 'RESTART' }
  | { type: 'FAIL'; error: Error };

/** Events the engine actor emits (bridged to the EventBus). */
export type EngineEmitted = { type: 'engine:ready'; version: string };

function asError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : 'the engine failed without an error value');
}

export const engineMachine = setup({
  types: {
    context: {} as EngineContext,
    events: {} as EngineEvent,
    emitted: {} as EngineEmitted,
  },
  actors: {
    /** Instantiates DuckDB; resolves with its version. Supplied by src/ with `.provide`. */
    openEngine: fromPromise<{ version: string }>(async () => {
      throw new Error('openEngine is not provided: use provideEngineMachine(engine)');
    }),
    /** Terminates DuckDB (awaiting a pending open first). Supplied by src/ with `.provide`. */
    closeEngine: fromPromise<void>(async () => {
      throw new Error('closeEngine is not provided: use provideEngineMachine(engine)');
    }),
  },
  actions: {
    recordReady: assign({
      version: (_, params: { version: string }) => params.version,
      startedAt: () => Date.now(),
      error: () => undefined,
    }),
    recordError: assign({ error: (_, params: { error: unknown }) => asError(params.error) }),
    emitReady: emit(({ context }) => ({ type: 'engine:ready' as const, version: context.version ?? 'unknown' })),
  },
}).createMachine({
  id: 'engine',
  initial: 'idle',
  context: {},
  states: {
    idle: {
      on: {
        OPEN: 'starting',
        CLOSE: 'closing',
      },
    },
    starting: {
      invoke: {
        src: 'openEngine',
        onDone: {
          target: 'ready',
          actions: { type: 'recordReady', params: ({ event }) => ({ version: event.output.version }) },
        },
        onError: {
          target: 'failed',
          actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
        },
      },
      on: { CLOSE: 'closing' },
    },
    ready: {
      entry: 'emitReady',
      on: {
        CLOSE: 'closing',
        RESTART: 'restarting',
        FAIL: {
          target: 'failed',
          actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
        },
      },
    },
    failed: {
      on: {
        CLOSE: 'closing',
        RESTART: 'restarting',
      },
    },
    restarting: {
      initial: 'stopping',
      states: {
        stopping: {
          invoke: {
            src: 'closeEngine',
            // A failed close still leaves nothing to reuse: open a fresh engine either way.
            onDone: 'starting',
            onError: 'starting',
          },
        },
        starting: {
          invoke: {
            src: 'openEngine',
            onDone: {
              target: '#engine.ready',
              actions: { type: 'recordReady', params: ({ event }) => ({ version: event.output.version }) },
            },
            onError: {
              target: '#engine.failed',
              actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
            },
          },
        },
      },
      on: { CLOSE: 'closing' },
    },
    closing: {
      invoke: {
        src: 'closeEngine',
        onDone: 'closed',
        onError: {
          target: 'closed',
          actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
        },
      },
    },
    closed: {
      type: 'final',
    },
  },
});

/** The engine actor's lifecycle state from its snapshot value. */
export function engineStateOf(value: unknown): EngineState {
  if (typeof value === 'string') return value as EngineState;
  // A compound value (`{ restarting: 'stopping' }`) names its parent state as the key.
  if (value !== null && typeof value === 'object') return Object.keys(value)[0] as EngineState;
  return 'idle';
}
