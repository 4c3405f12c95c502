/**
 * The escalate strategy: recover nothing, hand the error on at once. It is what
 * errors that no retry can fix get (SQL, validation, configuration, usage, fatal),
 * and the last stage of a composition that has run out of options.
 *
 * States and events (strategy shape: see machines/recovery.machine.ts):
 *   deciding -- always ---> escalated (emit error:escalated, reason = params.reason)
 *   deciding -- SHUTDOWN -> escalated (reason 'shutdown'; unreachable in practice: deciding is transient)
 */
import { assign, setup, type AnyStateMachine } from 'xstate';
import {
  baseContext,
  finalOutput,
  strategyFinalStates,
  strategyShapeActions,
  type RecoveryContextBase,
  type RecoveryMachineTypes,
} from '../recovery.machine.js';

/** Parameters of an escalate strategy. */
export interface EscalateParams {
  /** The name reported as `recovery` / `strategy`. Default `escalate`. */
  name?: string;
  /** The reason given. Default: the error's category cannot be recovered automatically. */
  reason?: string;
}

/** An escalate machine with `params` baked in. */
export function createEscalateMachine(params: EscalateParams = {}): AnyStateMachine {
  const name = params.name ?? 'escalate';
  return setup({
    types: {} as RecoveryMachineTypes<RecoveryContextBase>,
    actions: {
      recordReason: assign({
        reason: ({ context }) =>
          params.reason ?? `no automatic recovery for a ${context.category} error from ${context.component}: ${context.error.message}`,
      }),
      ...strategyShapeActions<RecoveryContextBase>(),
    },
  }).createMachine({
    id: name,
    initial: 'deciding',
    context: ({ input }) => baseContext(input, name, 0),
    states: {
      deciding: {
        always: { target: 'escalated', actions: 'recordReason' },
        on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
      },
      // Unreachable, but every strategy has both final states (the shape contract).
      ...strategyFinalStates,
    },
    output: finalOutput,
  });
}

/** The escalate machine with the default reason. */
export const escalateMachine = createEscalateMachine();
