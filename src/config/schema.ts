/**
 * The JSON Schema and defaults of the options this library reads itself
 * (`orchestrator.*`, `engine.*`), and the assembly of the full schema with the
 * sections plugins register under `plugins.<name>`.
 */
import type { ConfigTree, JsonSchema } from './types.js';

/** The orchestrator's options, as read from the ConfigManager. */
export interface OrchestratorConfig {
  /** Queries and plugin actions run at once. Default 4. */
  maxConcurrency: number;
  /** The memory budget in bytes for everything the orchestrator allocates. Default 1 GiB. */
  memoryLimit: number;
  /** The time budget of one operation (query, plugin hook) in ms. Default 30 000. */
  timeoutMs: number;
  /** Load and run plugins. Default `true`. */
  enablePlugins: boolean;
  /** Log every event on the EventBus. Default `false`. */
  enableEventLogging: boolean;
  /** Recover from errors with the recovery strategies. Default `true`. */
  enableErrorRecovery: boolean;
}

/** The engine's JSON-representable options, as read from the ConfigManager. */
export interface EngineConfig {
  /** `wasm`: DuckDB-WASM (browser and Node); `native`: native DuckDB through @duckdb/node-api (Node). Default `wasm`. */
  backend: 'wasm' | 'native';
  /** `worker`: DuckDB-WASM's async API in a worker thread; `blocking`: in the calling thread. Default `worker`. */
  mode: 'worker' | 'blocking';
  /** DuckDB's `memory_limit` in bytes. Default: absent, meaning the orchestrator's `memoryLimit`. */
  memoryLimit?: number;
  /** The time budget of one query in ms. Default 30 000. */
  timeoutMs: number;
  /** DuckDB's `threads` setting. Default 1. */
  threads: number;
  /** Further DuckDB settings (`SET name = value`). Default `{}`. */
  settings: { [name: string]: string | number | boolean };
}

/** Defaults of `orchestrator.*`. */
export const ORCHESTRATOR_DEFAULTS: Readonly<OrchestratorConfig> = Object.freeze({
  maxConcurrency: 4,
  memoryLimit: 1024 * 1024 * 1024,
  timeoutMs: 30_000,
  enablePlugins: true,
  enableEventLogging: false,
  enableErrorRecovery: true,
});

/** Defaults of `engine.*`. */
export const ENGINE_DEFAULTS: Readonly<EngineConfig> = Object.freeze({
  backend: 'wasm',
  mode: 'worker',
  timeoutMs: 30_000,
  threads: 1,
  settings: Object.freeze({}),
});

/** The JSON Schema of `orchestrator.*`. */
export function orchestratorConfigSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Options of the DataPrismOrchestrator.',
    properties: {
      maxConcurrency: { type: 'integer', minimum: 1, maximum: 1024, default: ORCHESTRATOR_DEFAULTS.maxConcurrency, description: 'Queries and plugin actions run at once.' },
      memoryLimit: { type: 'integer', minimum: 1024 * 1024, default: ORCHESTRATOR_DEFAULTS.memoryLimit, description: 'Memory budget in bytes (at least 1 MiB).' },
      timeoutMs: { type: 'integer', minimum: 1, default: ORCHESTRATOR_DEFAULTS.timeoutMs, description: 'Time budget of one operation in ms.' },
      enablePlugins: { type: 'boolean', default: ORCHESTRATOR_DEFAULTS.enablePlugins, description: 'Load and run plugins.' },
      enableEventLogging: { type: 'boolean', default: ORCHESTRATOR_DEFAULTS.enableEventLogging, description: 'Log every event on the EventBus.' },
      enableErrorRecovery: { type: 'boolean', default: ORCHESTRATOR_DEFAULTS.enableErrorRecovery, description: 'Recover from errors with the recovery strategies.' },
    },
  };
}

/** The JSON Schema of `engine.*`. */
export function engineConfigSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Options of the DuckDB-WASM engine.',
    properties: {
      backend: {
        type: 'string',
        enum: ['wasm', 'native'],
        default: ENGINE_DEFAULTS.backend,
        description: "'wasm' (DuckDB-WASM, browser and Node) or 'native' (native DuckDB through @duckdb/node-api, Node only).",
      },
      mode: { type: 'string', enum: ['worker', 'blocking'], default: ENGINE_DEFAULTS.mode, description: "'worker' (async API in a worker thread) or 'blocking' (same thread)." },
      memoryLimit: { type: 'integer', minimum: 1024 * 1024, description: "DuckDB's memory_limit in bytes; absent: the orchestrator's memoryLimit." },
      timeoutMs: { type: 'integer', minimum: 1, default: ENGINE_DEFAULTS.timeoutMs, description: 'Time budget of one query in ms.' },
      threads: { type: 'integer', minimum: 1, maximum: 256, default: ENGINE_DEFAULTS.threads, description: "DuckDB's threads setting." },
      settings: {
        type: 'object',
        default: {},
        description: 'Further DuckDB settings (SET name = value).',
        additionalProperties: { type: ['boolean', 'number', 'string'] },
      },
    },
  };
}

/** The built-in defaults as one tree. */
export function builtinDefaults(): ConfigTree {
  return {
    orchestrator: { ...ORCHESTRATOR_DEFAULTS },
    engine: { ...ENGINE_DEFAULTS, settings: {} },
    plugins: {},
  };
}

/** The full schema: the built-in sections plus every registered plugin section. */
export function buildSchema(pluginSections: ReadonlyMap<string, JsonSchema>): JsonSchema {
  const plugins: { [name: string]: JsonSchema } = {};
  for (const [name, schema] of pluginSections) plugins[name] = schema;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    description: 'DataPrism Orchestration configuration.',
    properties: {
      orchestrator: orchestratorConfigSchema(),
      engine: engineConfigSchema(),
      plugins: {
        type: 'object',
        description: 'Per-plugin configuration, one section per plugin name.',
        properties: plugins,
        additionalProperties: { type: 'object' },
      },
    },
  };
}

/** The schema that governs `path` within `schema`, or undefined when nothing does. */
export function schemaAt(schema: JsonSchema | undefined, path: readonly string[]): JsonSchema | undefined {
  let current = schema;
  for (const segment of path) {
    if (current === undefined) return undefined;
    if (current.properties !== undefined && Object.prototype.hasOwnProperty.call(current.properties, segment)) {
      current = current.properties[segment];
    } else if (typeof current.additionalProperties === 'object') {
      current = current.additionalProperties;
    } else if (current.items !== undefined && /^\d+$/.test(segment)) {
      current = current.items;
    } else {
      return undefined;
    }
  }
  return current;
}
