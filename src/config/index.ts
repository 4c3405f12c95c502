/** The configuration manager's public API: the class, its options, the schemas and defaults, and every type. */
export {
  ConfigManager,
  type ConfigManagerOptions,
  type ConfigurableOptions,
  type ConfigEventSink,
  type KnownConfigValues,
} from './ConfigManager.js';
export {
  orchestratorConfigSchema,
  engineConfigSchema,
  ORCHESTRATOR_DEFAULTS,
  ENGINE_DEFAULTS,
  type OrchestratorConfig,
  type EngineConfig,
} from './schema.js';
export { DEFAULT_ENV_PREFIX } from './env.js';
export { FORBIDDEN_KEYS } from './paths.js';
export { writeFileAtomic } from './writeFile.js';
export type { AtomicWriteHooks } from './atomicWrite.js';
export type {
  ConfigChange,
  ConfigChangeListener,
  ConfigFormat,
  ConfigSchema,
  ConfigSource,
  ConfigTarget,
  ConfigTree,
  ConfigValue,
  JsonSchema,
  JsonSchemaType,
} from './types.js';
