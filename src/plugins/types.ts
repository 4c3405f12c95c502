/**
 * The plugin contract and the small structural interfaces through which the
 * plugin runtime reaches the rest of the system (engine, resources, errors,
 * config, monitor). The real classes satisfy them structurally, so the plugin
 * runtime depends on shapes, not on other components' modules.
 */
import type { EventBus } from '../events/EventBus.js';
import type { EventHandler, Logger } from '../events/types.js';
import type { ActorHost } from '../orchestrator/ActorHost.js';
import type { StatementAccess } from '../engine/access.js';
import type { InitializationReport } from '../errors/PluginInitializationError.js';

export type { StatementAccess } from '../engine/access.js';

/** What a plugin may touch. Anything not granted is refused with a PluginError. */
export type PluginPermission =
  /** Run read-only SQL (`context.query`, `context.queryArrow`): one query per call, in a READ ONLY transaction. */
  | 'engine:read'
  /** Run any SQL, including DDL/DML, and `context.loadData`. Implies nothing without `engine:read`. */
  | 'engine:write'
  /**
   * Use files from SQL: file functions (`read_csv`, `read_text`, `glob`...), COPY,
   * ATTACH, EXPORT, IMPORT, INSTALL, LOAD — and then only the files DuckDB may open
   * at all (the host's `engineOptions.allowedPaths` / `allowedDirectories`).
   * Implies nothing without `engine:read` (and, for COPY and the like, `engine:write`).
   */
  | 'engine:files'
  /** Allocate memory through the ResourceManager (`context.allocate`). */
  | 'resources'
  /** Emit events under the plugin's own namespace (`<name>:*`). Subscribing needs no permission. */
  | 'events';

/** Every permission a plugin can declare. */
export const PLUGIN_PERMISSIONS: readonly PluginPermission[] = ['engine:read', 'engine:write', 'engine:files', 'resources', 'events'];

/** Where a plugin's hooks run. */
export type PluginIsolation = 'inProcess' | 'worker';

/** One dependency of a plugin on another. */
export interface PluginDependency {
  /** The other plugin's name. */
  name: string;
  /** A semver range its version must satisfy, e.g. `^1.2.0`. */
  range: string;
  /** When true, a missing dependency is not an error; a present one must still satisfy `range`. Default false. */
  optional?: boolean;
}

/** A JSON schema (draft-07 / 2019-09 as understood by ajv) of a plugin's config section. */
export type PluginConfigSchema = Record<string, unknown>;

/**
 * A plugin: data plus three hooks. The runtime calls `initialize` once per start,
 * `execute` once per request (possibly several at a time), `dispose` once per stop.
 */
export interface DataPrismPlugin {
  /** Unique name: letters, digits, `.`, `_`, `-`; used in events (`<name>:*`) and actor ids (`plugin:<name>`). */
  readonly name: string;
  /** Semver version, e.g. `1.0.0`. */
  readonly version: string;
  /** One sentence on what it does. */
  readonly description: string;
  /** Other plugins it needs, initialized before it. Default none. */
  readonly dependencies?: readonly PluginDependency[];
  /** The actions `execute` answers, e.g. `['create_chart', 'export']`. */
  readonly capabilities: readonly string[];
  /** What it may touch. Default none. */
  readonly permissions?: readonly PluginPermission[];
  /** Time budget of each hook call, in ms. Default: the registry's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** JSON schema of its config section (`plugins.<name>`), checked when loading. Default: no check. */
  readonly configSchema?: PluginConfigSchema;
  /** Where its hooks run: `'inProcess'` (default), or `'worker'` — a worker of its own, loading `module`. */
  readonly isolation?: PluginIsolation;
  /**
   * With `isolation: 'worker'`: an absolute path or URL (`new URL('./my-plugin.js', import.meta.url).href`) of an
   * ES module whose default export, or `plugin` export, has the hooks; the object's own hooks are not used.
   */
  readonly module?: string;
  /** Prepares the plugin; `context` stays valid until `dispose` returns. */
  initialize(context: PluginContext): void | Promise<void>;
  /** Answers one action; `params` is whatever the caller passed. */
  execute(action: string, params: unknown, context: PluginContext): unknown;
  /** Releases what the plugin holds. Resources it allocated through the context are freed afterwards anyway. */
  dispose(): void | Promise<void>;
}

/** The result of a query as the engine returns it. */
export interface QueryResultLike {
  /** Rows as plain objects. */
  data: Record<string, unknown>[];
  /** Column names (or descriptions) in order. */
  columns?: readonly unknown[];
  /** Timing and row counts, engine-defined. */
  metadata?: unknown;
}

/** The engine as plugins need it (DataPrismEngine satisfies it). */
export interface EngineLike {
  /** Runs SQL (with positional parameters, when given) and returns rows. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResultLike>;
  /** Runs SQL and returns an Arrow table. Optional: plugins get an EngineError without it. */
  queryArrow?(sql: string): Promise<unknown>;
  /**
   * Runs SQL with `access`'s rights, enforced by the engine (DataPrismEngine.queryAs).
   * Optional, but a plugin without every engine permission can only query an engine that has it.
   */
  queryAs?(access: StatementAccess, sql: string, params?: readonly unknown[]): Promise<QueryResultLike>;
  /** `queryArrow` with `access`'s rights, like `queryAs`. */
  queryArrowAs?(access: StatementAccess, sql: string, params?: readonly unknown[]): Promise<unknown>;
  /** Loads rows into a table. Optional: plugins get an EngineError without it. */
  loadData?(data: unknown, tableName: string, options?: unknown): Promise<unknown>;
  /** Loads a data file with `access`'s rights (DataPrismEngine's `unreported.loadFileAs`). Optional: plugins get an EngineError without it. */
  loadFileAs?(access: StatementAccess, source: unknown, tableName: string, options?: unknown): Promise<unknown>;
}

/** A handle returned by the ResourceManager. */
export interface ResourceHandleLike {
  /** The handle's unique id. */
  id: string;
  /** Bytes allocated. */
  size: number;
  /** What the bytes are for (`buffer`, `cache`, ...). */
  type: string;
}

/** The ResourceManager as plugins need it. */
export interface ResourcesLike {
  /** Allocates `size` bytes of `type`, attributed to `owner`. */
  allocate(size: number, type: string, options?: { owner?: string }): Promise<ResourceHandleLike>;
  /** Frees one handle. */
  free(handle: ResourceHandleLike): Promise<void>;
  /** Frees every handle of `owner` (a disposed plugin's `plugin:<name>`). */
  // The union says a promise is awaited, and that any other answer is accepted.
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
  freeAllOwnedBy(owner: string): Promise<unknown> | unknown;
}

/** The context handed to the ErrorHandler with a plugin's error. */
export interface PluginErrorContext {
  /** `plugin:<name>`. */
  component: string;
  /** The phase that failed: `load`, `initialize`, `execute`, `dispose`. */
  operation: string;
  /** When it failed, in ms since the epoch. */
  timestamp: number;
  /** The plugin's name. */
  plugin: string;
  /** The phase, and the action for `execute`. */
  metadata?: Record<string, unknown>;
  /** Runs the failed operation again. */
  retry?: () => Promise<unknown>;
}

/** The ErrorHandler as the plugin runtime needs it. */
export interface ErrorsLike {
  /** Reports (and possibly recovers from) an error; its own failure is logged, never thrown back. */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- a promise is awaited; any other answer is accepted
  handle(error: Error, context?: PluginErrorContext): Promise<unknown> | unknown;
  /**
   * Like `handle`, but says how the recovery ended, so a failed call can be answered
   * with the value a recovery produced. Used when present.
   */
  process?(error: Error, context?: PluginErrorContext): Promise<{ recovery?: RecoveryOutcomeLike }>;
}

/** How a recovery ended, as `ErrorsLike.process` reports it. */
export interface RecoveryOutcomeLike {
  success: boolean;
  /** The strategy that ran. */
  strategy: string;
  /** True when `recovered` holds a value produced by re-running the operation or a fallback. */
  produced: boolean;
  recovered?: unknown;
}

/** The ConfigManager as the plugin runtime needs it. */
export interface ConfigLike {
  /** The value at a dotted key (`plugins.<name>`), or `defaultValue`. */
  get(key: string, defaultValue?: unknown): unknown;
}

/** The PerformanceMonitor as the plugin runtime needs it. */
export interface MonitorLike {
  /** Records one observation of `name` (`plugin_execution_time`, in ms). */
  recordMetric(name: string, value: number): void;
  /** Sets the gauge `name` (`plugin_abandoned_hooks`, `plugin_abandoned_hooks:<name>`). Optional. */
  setGauge?(name: string, value: number): void;
}

/** Everything the plugin runtime uses from its host (an orchestrator, or the registry's own defaults). */
export interface PluginServices {
  /** False when the orchestrator runs with `enablePlugins: false`: `register` is refused, so no hook ever runs. Default true. */
  pluginsEnabled?: boolean;
  /** Where plugin actors are spawned. */
  actors: ActorHost;
  /** Where lifecycle events and plugins' own events go. */
  bus: EventBus;
  /** The engine, looked up when a plugin queries (it may start after the registry). */
  engine?(): EngineLike | undefined;
  /** Where plugins allocate memory. Default none: `context.allocate` fails with a PluginError. */
  resources?: ResourcesLike;
  /** Where plugin errors are reported. Default none. */
  errors?: ErrorsLike;
  /** Where config sections (`plugins.<name>`) come from. Default: the registry's `pluginConfig`. */
  config?: ConfigLike;
  /** Where `plugin_execution_time` is recorded. Default none. */
  monitor?: MonitorLike;
  /** Where the runtime and the plugins' prefixed loggers write. */
  logger: Logger;
  /** How many hooks run at once (initializations, executions). */
  maxConcurrency: number;
  /** Default time budget of each hook call, in ms. */
  timeoutMs: number;
}

/** The event bus as a plugin sees it: subscribe to anything, emit only `<name>:*`. */
export interface PluginEvents {
  /** Subscribes to any event; removed automatically when the plugin is disposed. */
  on(event: string, handler: EventHandler): void;
  /** Removes a subscription made with `on` or `once`. */
  off(event: string, handler: EventHandler): void;
  /** Subscribes for one delivery. */
  once(event: string, handler: EventHandler): void;
  /** Emits `event`, which must start with `<name>:`; needs the `events` permission. */
  emit(event: string, data?: unknown): void;
}

/** How one plugin query runs. */
export interface PluginQueryOptions {
  /** Run it read-only whatever the plugin's permissions (one query, in a READ ONLY transaction). Default false. */
  readOnly?: boolean;
}

/** What a plugin gets in `initialize` and `execute`. */
export interface PluginContext {
  /** The plugin's name. */
  readonly name: string;
  /** Its config section (`plugins.<name>`), deeply frozen; `{}` when there is none. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Its permissions, as declared. */
  readonly permissions: readonly PluginPermission[];
  /** The event bus, namespaced for emitting. */
  readonly events: PluginEvents;
  /** A logger whose messages start with `[plugin:<name>]`. */
  readonly logger: Logger;
  /**
   * Aborted when the hook this context was handed to should stop: its time
   * budget ran out, its plugin is being restarted or disposed, or shutdown began.
   * Pass it on (`fetch(url, { signal })`) or check it; once it is aborted, engine,
   * resource and event calls through this context are refused with a LifecycleError.
   */
  readonly signal: AbortSignal;
  /**
   * Runs one SQL statement: needs `engine:read`; statements that change anything also
   * need `engine:write`, and file access `engine:files`. `options.readOnly` runs it
   * read-only even with `engine:write` (for SQL that came from a caller).
   */
  query(sql: string, params?: readonly unknown[], options?: PluginQueryOptions): Promise<QueryResultLike>;
  /** Runs SQL and returns an Arrow table; same permissions and options as `query`. */
  queryArrow(sql: string, options?: PluginQueryOptions): Promise<unknown>;
  /** Loads rows into a table through the engine: needs `engine:write`. */
  loadData(data: unknown, tableName: string, options?: unknown): Promise<unknown>;
  /**
   * Loads a data file into a table (`engine.loadFile`): needs `engine:write`; a
   * path or URL also needs `engine:files`, and then only a file the host allowed
   * (`engineOptions.allowedPaths` / `allowedDirectories`, compared after the file
   * system resolved symlinks and `..`). Bytes, Blobs and Files the plugin holds
   * need no `engine:files`. A download ends when `signal` aborts (the hook's
   * budget ran out, a restart, dispose, shutdown), and with `options.signal`.
   */
  loadFile(source: unknown, tableName: string, options?: unknown): Promise<unknown>;
  /** Allocates through the ResourceManager, owned by `plugin:<name>`: needs `resources`. */
  allocate(size: number, type: string): Promise<ResourceHandleLike>;
  /** Frees a handle from `allocate`. */
  free(handle: ResourceHandleLike): Promise<void>;
}

/** What `registry.list()` reports about one plugin. */
export interface PluginInfo {
  /** The plugin's name. */
  name: string;
  /** Its semver version. */
  version: string;
  /** What it does. */
  description: string;
  /** The actor's state: `loaded`, `initialized`, `executing`, `error`, ... */
  state: string;
  /** What it depends on, as declared. */
  dependencies: PluginDependency[];
  /** Registered plugins that declare this one as a dependency. */
  dependents: string[];
  /** The actions it answers. */
  capabilities: string[];
  /** What it may touch. */
  permissions: PluginPermission[];
  /** Executions finished (successfully or not). */
  executionCount: number;
  /** Executions in flight. */
  activeExecutions: number;
  /** Errors seen in any phase. */
  errorCount: number;
  /** Hooks that ran past their time budget and have not settled yet (abandoned, their signal aborted): zombies still holding what they hold. */
  abandonedHooks: number;
  /**
   * When each restart of it began (ms since the epoch, oldest first), asked by
   * `restart()` or by a recovery: the supervisor's restart log, which restart
   * intensity is counted on. The newest 64 at least (more when a restart
   * strategy's maxRestarts asks for more).
   */
  restartLog: number[];
  /** The last error's message, if any. */
  lastError?: string;
}

/** What `initializeAll()` did: the plugins it initialized, and each failure with its error. */
export type InitializeReport = InitializationReport;

/** How `initializeAll()` answers when plugins fail. */
export interface InitializeAllOptions {
  /**
   * `'reject'` (default): reject with a PluginInitializationError that names every
   * failed plugin and carries the report; `'report'`: resolve with the report
   * either way, for callers that inspect `failed` themselves.
   */
  onFailure?: 'reject' | 'report';
}
