/**
 * The composed space (a machine with its environment) as XState actor logic,
 * so xstate/graph's tools (`getAdjacencyMap`, `getShortestPaths`, ...) can walk
 * exactly the space the checker explores: a snapshot is a composed state, an
 * event is one move of the environment (`EnvEvent`), and `events(state)` lists
 * the moves available. The benchmark uses it as its baseline.
 */
import type { ActorLogic, EventObject, Snapshot } from 'xstate';
import { createMachineModel, type MachineModelConfig, type MachineState } from './machineModel.js';
import type { EnvEvent } from './types.js';

/** A composed state as an XState snapshot. */
export type ComposedSnapshot = Snapshot<undefined> & { state: MachineState };

/** An environment move as an XState event. */
export type ComposedEvent = EventObject & { move: EnvEvent };

/** The logic, its event lister, and a serializer keyed like the checker's states. */
export interface ComposedLogic {
  logic: ActorLogic<ComposedSnapshot, ComposedEvent>;
  /** The moves available in a state (pass as `events` to xstate/graph). */
  events: (snapshot: ComposedSnapshot) => ComposedEvent[];
  /** The checker's compact state key (pass as `serializeState`). */
  serializeState: (snapshot: ComposedSnapshot) => string;
}

/** Builds the composed logic for a model configuration (from `strategyModelConfig`). Transitions are not cached. */
export function modelAsActorLogic(config: MachineModelConfig): ComposedLogic {
  const model = createMachineModel({ ...config, cache: false, replay: false });
  const wrap = (state: MachineState): ComposedSnapshot => ({
    status: state.snap.status === 'active' ? 'active' : 'done',
    output: undefined,
    error: undefined,
    state,
  });
  const logic: ActorLogic<ComposedSnapshot, ComposedEvent> = {
    transition: (snapshot, event) => {
      const next = model.successor(snapshot.state, event.move);
      return next ? wrap(next) : snapshot;
    },
    getInitialSnapshot: () => wrap(model.initialStates()[0]!.state),
    getPersistedSnapshot: (snapshot) => snapshot,
  };
  return {
    logic,
    events: (snapshot) => model.moves(snapshot.state).map((move) => ({ type: `${move.type}`, move })),
    serializeState: (snapshot) => model.key(snapshot.state),
  };
}
