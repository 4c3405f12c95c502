/**
 * A DataPrismEngine without an orchestrator: the engine actor runs as its own
 * root actor, opened here and closed by `engine.close()`. For scripts, tests and
 * benchmarks; inside an orchestrator use `orchestrator.getEngine()`.
 */
import { createActor, type ActorRefFrom, type InspectionEvent, type Observer } from 'xstate';
import { engineStateOf, type EngineState } from '../../machines/engine.machine.js';
import { EngineError } from '../errors/EngineError.js';
import { DataPrismEngine } from './DataPrismEngine.js';
import { provideEngineMachine, type ProvidedEngineMachine } from './provideEngineMachine.js';
import type { EngineOptions, QueryRecord } from './types.js';

/** Extra hooks for a standalone engine. */
export interface CreateEngineHooks {
  /** Receives every emitted event (`engine:ready`). Default none. */
  onEvent?: (event: { type: string; version?: string }) => void;
  /** Receives every finished query. Default none. */
  onQuery?: (record: QueryRecord) => void;
  /** An XState inspection observer for the engine actor. Default none. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

/**
 * Creates an engine with `options`, starts its actor, sends OPEN and resolves
 * once it is `ready`; rejects with the EngineError (or ValidationError) if it
 * ends in `failed` (the actor is closed then). `engine.close()` sends CLOSE and
 * resolves when the actor is `closed`.
 */
export async function createEngine(options: EngineOptions = {}, hooks: CreateEngineHooks = {}): Promise<DataPrismEngine> {
  // Assigned once below: the engine's callbacks, created first, read it.
  // eslint-disable-next-line prefer-const
  let actor: ActorRefFrom<ProvidedEngineMachine> | undefined;
  let unexpected: unknown;
  const state = (): EngineState => (actor ? engineStateOf(actor.getSnapshot().value) : 'idle');
  const engine = new DataPrismEngine(options, {
    state,
    onQuery: hooks.onQuery,
    onFailure: (error) => actor?.send({ type: 'FAIL', error }),
    requestClose: async () => {
      if (!actor) return;
      const running = actor;
      running.send({ type: 'CLOSE' });
      await waitFor(running, (s) => s === 'closed');
    },
  });
  actor = createActor(provideEngineMachine(engine), { inspect: hooks.inspect });
  // The machine handles its invokes' errors; this observer is the net for anything else.
  actor.subscribe({ error: (error) => (unexpected = error) });
  if (hooks.onEvent) actor.on('*', hooks.onEvent as (event: { type: string }) => void);
  actor.start();
  actor.send({ type: 'OPEN' });
  const final = await waitFor(actor, (s) => s === 'ready' || s === 'failed' || s === 'closed');
  if (final !== 'ready') {
    const error = actor.getSnapshot().context.error ?? unexpected;
    actor.send({ type: 'CLOSE' });
    await waitFor(actor, (s) => s === 'closed');
    throw error instanceof Error ? error : new EngineError('the engine did not start');
  }
  return engine;
}

/** Resolves with the state once `done(state)` holds (checked now and on every snapshot). */
function waitFor(actor: ActorRefFrom<ProvidedEngineMachine>, done: (state: EngineState) => boolean): Promise<EngineState> {
  return new Promise((resolve) => {
    const now = engineStateOf(actor.getSnapshot().value);
    if (done(now) || actor.getSnapshot().status !== 'active') {
      resolve(now);
      return;
    }
    const subscription = actor.subscribe({
      next: (snapshot) => {
        const s = engineStateOf(snapshot.value);
        if (done(s) || snapshot.status !== 'active') {
          subscription.unsubscribe();
          resolve(s);
        }
      },
      error: () => {
        subscription.unsubscribe();
        resolve(engineStateOf(actor.getSnapshot().value));
      },
    });
  });
}
