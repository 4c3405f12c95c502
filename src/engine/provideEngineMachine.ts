/**
 * The engine machine with its two side effects bound to one DataPrismEngine:
 * `openEngine` → `engine.open()`, `closeEngine` → `engine.terminate()`. The
 * orchestrator invokes what this returns as its `engine` child; `createEngine()`
 * runs it as a root actor. Both share this one function.
 */
import { fromPromise } from 'xstate';
import { engineMachine } from '../../machines/engine.machine.js';
import type { DataPrismEngine } from './DataPrismEngine.js';

/** `engineMachine` provided with the actors that open and terminate `engine`. */
export function provideEngineMachine(engine: DataPrismEngine) {
  return engineMachine.provide({
    actors: {
      openEngine: fromPromise(() => engine.open()),
      closeEngine: fromPromise(() => engine.terminate()),
    },
  });
}

/** The machine type `provideEngineMachine` returns. */
export type ProvidedEngineMachine = ReturnType<typeof provideEngineMachine>;
