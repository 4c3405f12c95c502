/**
 * The fallback strategy: answer with a substitute value (a user's value or
 * function) instead of the failed operation's result. It attempts nothing itself.
 *
 * States and events (strategy shape: see machines/recovery.machine.ts):
 *   fallingBack -- invoke `fallback`
 *   fallingBack -- fallback resolved ----> recovered (emit error:recovered, output.recovered = the value)
 *   fallingBack -- fallback rejected ----> escalated (emit error:escalated, reason names the failure)
 *   fallingBack -- SHUTDOWN -------------> escalated (reason 'shutdown')
 */
import { assign, fromPromise, setup, type AnyStateMachine } from 'xstate';
import {
  baseContext,
  errorOf,
  finalOutput,
  strategyFinalStates,
  strategyShapeActions,
  type RecoveryContextBase,
  type RecoveryMachineTypes,
} from '../recovery.machine.js';

/** Parameters of a fallback strategy. */
export interface FallbackParams {
  /** The name reported as `recovery` / `strategy`. Default `fallback`. */
  name?: string;
}

/** A fallback machine named `params.name`. */
export function createFallbackMachine(params: FallbackParams = {}): AnyStateMachine {
  const name = params.name ?? 'fallback';
  return setup({
    types: {} as RecoveryMachineTypes<RecoveryContextBase>,
    actors: {
      fallback: fromPromise<unknown, { error: Error }>(async () => {
        throw new Error('the `fallback` actor was not provided: supply it with machine.provide()');
      }),
    },
    actions: {
      recordValue: assign({
        result: ({ event }) => (event as { output?: unknown }).output,
        message: 'answered with the fallback value',
      }),
      recordFailed: assign({ reason: ({ event }) => `the fallback failed: ${errorOf(event as { error?: unknown }).message}` }),
      ...strategyShapeActions<RecoveryContextBase>(),
    },
  }).createMachine({
    id: name,
    initial: 'fallingBack',
    context: ({ input }) => baseContext(input, name, 0),
    states: {
      fallingBack: {
        invoke: {
          id: 'fallback',
          src: 'fallback',
          input: ({ context }) => ({ error: context.error }),
          onDone: { target: 'recovered', actions: 'recordValue' },
          onError: { target: 'escalated', actions: 'recordFailed' },
        },
        on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
      },
      ...strategyFinalStates,
    },
    output: finalOutput,
  });
}

/** The fallback machine named `fallback`. */
export const fallbackMachine = createFallbackMachine();
