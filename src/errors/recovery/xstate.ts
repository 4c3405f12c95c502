/**
 * What a recovery strategy (or any machine handed to `dataprism check`) needs
 * from XState, re-exported so that a strategy file imports only
 * `@dataprism/orchestration`. xstate is a peer dependency of this package: the
 * application, its strategies and the orchestrator share one copy of it.
 */
export {
  and,
  assign,
  createMachine,
  emit,
  enqueueActions,
  fromCallback,
  fromPromise,
  not,
  or,
  raise,
  sendTo,
  setup,
  stateIn,
} from 'xstate';
export type { ActorRefFrom, AnyStateMachine, EventObject, SnapshotFrom } from 'xstate';
