/**
 * The orchestrator's options (the spec's OrchestratorOptions, plus `inspect`,
 * `logger` and `config`) and their defaults.
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { EventBus } from '../events/EventBus.js';
import type { Logger } from '../events/types.js';
import type { EngineOptions } from '../engine/types.js';
import type { PluginRegistry } from '../plugins/PluginRegistry.js';
import type { UserErrorHandler } from '../errors/handlerTypes.js';
import type { RecoveryStrategy } from '../errors/recovery/types.js';
import type { ConfigManager } from '../config/ConfigManager.js';
import type { OrchestratorConfig } from '../config/schema.js';

/** An XState inspection observer: a function or an observer object (e.g. a Stately inspector's `inspect`). */
export type InspectOption = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

export interface OrchestratorOptions {
  /** Options of the DuckDB-WASM engine (mode, threads, extra settings). */
  engineOptions?: EngineOptions;
  /** A registry to use instead of a new one; it is attached to this orchestrator. */
  pluginRegistry?: PluginRegistry;
  /** Whether plugins may be registered and run. Default `true`. */
  enablePlugins?: boolean;
  /** At most this many engine queries and plugin actions run at once; the rest queue in order. Default 4. */
  maxConcurrency?: number;
  /** The memory budget in bytes: DuckDB's `memory_limit` and the ResourceManager's total. Default 1 GiB. */
  memoryLimit?: number;
  /**
   * Time budget in ms of each plugin hook (default 30 000) and — only when you set
   * it here, in `engineOptions` or in config — of each query: a query still running
   * then is cancelled with a TimeoutError. Cancellable queries cost two extra worker
   * round trips (about 0.2 ms), which is why queries have no budget by default.
   */
  timeoutMs?: number;
  /** A bus to use instead of a new one. */
  eventBus?: EventBus;
  /** Log every event through `logger.debug`. Default `false`. */
  enableEventLogging?: boolean;
  /** A handler (any subset of the spec's methods) merged with the default one. */
  errorHandler?: UserErrorHandler;
  /** Recover from errors (retry, restart, cleanup). With `false` errors are only handled and reported. Default `true`. */
  enableErrorRecovery?: boolean;
  /** Users' recovery strategies, tried before the built-in ones. Default none. */
  recoveryStrategies?: readonly RecoveryStrategy[];
  /** An XState inspection observer given to the root actor: it sees every lifecycle actor. Default off. */
  inspect?: InspectOption;
  /** Where the orchestrator logs. Default `console`. */
  logger?: Logger;
  /**
   * The ConfigManager to read options from: load files, the environment or URLs into
   * it first (`await config.load(...)`). Options given here win over it. Default: a new one.
   */
  config?: ConfigManager;
}

/** The options the orchestrator runs with: defaults, config sources and explicit options merged (see ORCHESTRATOR_DEFAULTS). */
export type ResolvedOrchestratorOptions = OrchestratorConfig;
