/** The recovery runtime's public API: strategies, composition, breakers, the runtime and its host. */
export * from './types.js';
export * from './strategies.js';
export * from './compose.js';
export * from './CircuitBreaker.js';
export * from './policy.js';
export * from './RecoveryRuntime.js';
export * from './standaloneHost.js';
export type { RecoveryInput, RecoveryOutput, RecoveryEmitted, RecoveryMachineTypes, RecoveryEvent, RecoveryCategory } from '../../../machines/recovery.machine.js';
export type { CircuitBreakerEmitted } from '../../../machines/circuitBreaker.machine.js';
export * from './builder.js';
export * from './shape.js';
export * from './xstate.js';
