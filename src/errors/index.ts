/** Every error class of the library, one file each. */
export * from './DataPrismError.js';
export * from './PluginError.js';
export * from './MemoryError.js';
export * from './TimeoutError.js';
export * from './QueryError.js';
export * from './ConfigError.js';
export * from './ValidationError.js';
export * from './ResourceError.js';
export * from './EngineError.js';
export * from './LifecycleError.js';
export * from './CircuitOpenError.js';
export * from './fromDuckDBError.js';
export * from './categorize.js';
export * from './handlerTypes.js';
export * from './ErrorHistory.js';
export * from './ErrorHandler.js';
export * from './recovery/index.js';
