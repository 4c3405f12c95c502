/**
 * `@dataprism/orchestration/check`: the model checker. Explores every reachable
 * state of a recovery strategy or lifecycle machine composed with a fault model,
 * checks safety and liveness properties, and reports shortest counterexamples
 * that can be replayed against the real runtime or written out as vitest tests.
 */
export { checkMachine, checkStrategy, isCheckableStrategy, defaultStrategyInput } from './checkMachine.js';
export { formatCheckResult, describeEnvEvent, formatStep } from './format.js';
export { stateValueToString } from './abstraction.js';
export { createFaultError } from './faults.js';
export {
  FAILURE_KINDS,
  STRATEGY_PROPERTIES,
  type CheckOptions,
  type CheckResult,
  type CheckableStrategy,
  type EnvEvent,
  type FailureKind,
  type FaultModel,
  type Invariant,
  type ResolvedFaultModel,
  type StrategyCheckOptions,
  type StrategyProperty,
  type TraceStep,
  type UserProperty,
  type InputDomain,
  type InputPoint,
  type Violation,
} from './types.js';
export { replayTrace, type ReplayOptions, type ReplayResult, type ReplayStep } from './replay.js';
export { traceToVitest, type TraceToVitestOptions } from './traceToVitest.js';
export { checkSystem, SYSTEM_PROPERTIES, checkSupervisor, SUPERVISOR_PROPERTIES, type SystemCheckOptions, type SystemPluginSpec, type SupervisorCheckOptions } from './system.js';
export { modelAsActorLogic, type ComposedLogic, type ComposedEvent, type ComposedSnapshot } from './modelAsActorLogic.js';
export type { MachineState, MachineModelConfig, PendingDelay, StrategyProperties } from './machineModel.js';
export type { MachineIds } from './machineIds.js';
export { strategyModelConfig } from './checkMachine.js';
export { buildEmissionAutomaton, type EmissionAutomaton } from './emissionAutomaton.js';
