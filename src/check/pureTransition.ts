/**
 * XState's pure transition functions, with one inert actor scope per machine.
 *
 * `transition(machine, snapshot, event)` from 'xstate' builds a fresh actor (and
 * computes the machine's initial state) on every call just to get an inert scope;
 * in a model checker that is most of the cost. `machine.transition(snapshot, event,
 * scope)` is the same pure function the public one wraps, so we build the inert
 * scope once and collect the returned actions the same way. Children that invoke
 * with a `systemId` would collide in the shared system, so its registry is made a
 * no-op: nothing here ever runs or looks actors up.
 */
import { createActor, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';

/** One executable action as the transition returns it (only `type` and `params` are read). */
export interface ReturnedAction {
  type: string;
  params?: unknown;
}

/** A transition result: the next snapshot and the actions XState would execute. */
export interface PureStep {
  snapshot: AnyMachineSnapshot;
  actions: ReturnedAction[];
}

/** Runs a machine's transitions without running any of their effects. */
export interface PureTransitions {
  /** The initial snapshot for `input` and its entry actions (`initialTransition`). */
  initial(input: unknown): PureStep;
  /** The next snapshot for `event` and its actions (`transition`). */
  step(snapshot: AnyMachineSnapshot, event: EventObject): PureStep;
  /** The inert actor scope the transitions run in (what builtin actions' `resolve` receives). */
  scope(): unknown;
}

interface InertScope {
  self: unknown;
  defer: () => void;
  id: string;
  logger: () => void;
  sessionId: string;
  stopChild: () => void;
  system: unknown;
  emit: () => void;
  actionExecutor: (action: ReturnedAction) => void;
}

interface TransitionLogic {
  transition(snapshot: AnyMachineSnapshot, event: EventObject, scope: InertScope): AnyMachineSnapshot;
  getInitialSnapshot(scope: InertScope, input: unknown): AnyMachineSnapshot;
}

/**
 * Pure transitions of `machine`. If building an inert actor for the machine
 * throws (its initial context needs an input we do not have yet), the scope is
 * built lazily from the first `initial(input)` call.
 */
export function pureTransitions(machine: AnyStateMachine): PureTransitions {
  let scope: InertScope | undefined;
  let collected: ReturnedAction[] = [];
  const logic = machine as unknown as TransitionLogic;

  const scopeFor = (input: unknown): InertScope => {
    if (scope) return scope;
    const self = createActor(machine, { input } as never) as unknown as { system: Record<string, unknown> };
    const system = self.system;
    // Inert: no actor is ever started or looked up, so systemIds must not collide.
    system._set = () => {};
    system._register = (sessionId: string) => sessionId;
    scope = {
      self,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system,
      emit: () => {},
      actionExecutor: (action) => {
        collected.push(action);
      },
    };
    return scope;
  };

  return {
    initial(input) {
      const s = scopeFor(input);
      collected = [];
      const snapshot = logic.getInitialSnapshot(s, input);
      return { snapshot, actions: collected };
    },
    step(snapshot, event) {
      const s = scopeFor(undefined);
      collected = [];
      const next = logic.transition(snapshot, event, s);
      return { snapshot: next, actions: collected };
    },
    scope: () => scopeFor(undefined),
  };
}
