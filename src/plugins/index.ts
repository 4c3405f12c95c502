/** The plugin runtime's public API: the registry, the plugin contract, its context and validation. */
export { PluginRegistry, DEFAULT_MAX_CONCURRENCY, DEFAULT_TIMEOUT_MS, type PluginRegistryOptions } from './PluginRegistry.js';
export { validatePlugin, PLUGIN_NAME_PATTERN } from './validatePlugin.js';
export { createPluginContext, ownerOf, prefixedLogger, type PluginContextLease } from './PluginContext.js';
export { findCycle, formatCycle, topologicalOrder, transitiveDependents, type Adjacency } from './dependencyGraph.js';
export { providePluginMachine, type PluginHooks, type ProvidedPluginMachine } from './pluginActors.js';
export { Supervisor, type RecoveringCall, type ShutdownHandlers, type SlotRequest, type SlotUsage } from './supervisor.js';
export { supervisorMachine, type RestartCause, type SupervisorEmittedEvent, type SupervisorMachineContext, type SupervisorMachineEvent, type SupervisorMachineInput, type SupervisorStateName } from '../../machines/supervisor.machine.js';
export { pluginMachine, type PluginEmittedEvent, type PluginMachineContext, type PluginMachineEvent, type PluginMachineInput } from '../../machines/plugin.machine.js';
export type { ExecuteEvent, ExecutionEvent, PendingRequest, PluginHookInput } from '../../machines/plugin.machine.js';
export * from './types.js';
export { workerPlugin, type WorkerPluginDeclaration } from './worker/workerPlugin.js';
