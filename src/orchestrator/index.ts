export { DataPrismOrchestrator } from './DataPrismOrchestrator.js';
export { type InspectOption, type OrchestratorOptions, type ResolvedOrchestratorOptions } from './options.js';
export { createStandaloneActorHost, bridgeEmitted, type ActorHost, type SpawnOptions, type StandaloneActorHostOptions } from './ActorHost.js';
export {
  orchestratorMachine,
  orchestratorState,
  type OrchestratorContext,
  type OrchestratorEmitted,
  type OrchestratorEvent,
  type OrchestratorState,
} from '../../machines/orchestrator.machine.js';
