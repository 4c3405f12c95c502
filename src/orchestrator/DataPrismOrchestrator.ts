/**
 * DataPrismOrchestrator: the spec's main class, a thin facade over the
 * orchestrator actor (machines/orchestrator.machine.ts). It builds the
 * components, supplies the machine's side effects with `provide()`, forwards
 * what the machine emits to the EventBus, and answers lifecycle questions from
 * the actor's snapshot — never from flags of its own.
 */
import { createActor, fromPromise, waitFor, type Actor, type AnyActorRef } from 'xstate';
import { orchestratorMachine, orchestratorState, type OrchestratorState } from '../../machines/orchestrator.machine.js';
import type { EngineState } from '../../machines/engine.machine.js';
import { ConfigManager } from '../config/ConfigManager.js';
import { DataPrismEngine } from '../engine/DataPrismEngine.js';
import { provideEngineMachine } from '../engine/provideEngineMachine.js';
import { quoteIdentifier } from '../engine/sql.js';
import type { EngineOptions, QueryRecord } from '../engine/types.js';
import { EngineError } from '../errors/EngineError.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { toError } from '../errors/DataPrismError.js';
import { createErrorHandler, type DefaultErrorHandler } from '../errors/ErrorHandler.js';
import type { RecoveryHost } from '../errors/recovery/types.js';
import { DefaultEventBus, type EventBus } from '../events/EventBus.js';
import { eventChannel, type EventChannel } from '../events/channel.js';
import type { Logger } from '../events/types.js';
import { PerformanceMonitor } from '../monitor/PerformanceMonitor.js';
import { eventCounter } from '../monitor/countEvents.js';
import { PluginRegistry } from '../plugins/PluginRegistry.js';
import { ResourceManager } from '../resources/ResourceManager.js';
import { createOrchestratorActorHost, type OrchestratorActorHost } from './OrchestratorActorHost.js';
import type { OrchestratorOptions, ResolvedOrchestratorOptions } from './options.js';
import { validateComponents } from './validateComponents.js';

const PLUGIN_OWNER = 'plugin:';
/** Plugin states whose resources `ResourceManager.cleanup()` may reclaim. */
const INACTIVE_PLUGIN_STATES = new Set(['disposed', 'error', undefined]);

export class DataPrismOrchestrator {
  private readonly actor: Actor<typeof orchestratorMachine>;
  private readonly bus: EventBus;
  /** What every component emits through and the orchestrator's wiring observes (see events/channel.ts). */
  private readonly channel: EventChannel;
  private readonly config: ConfigManager;
  private readonly engine: DataPrismEngine;
  private readonly registry: PluginRegistry;
  private readonly resources: ResourceManager;
  private readonly monitor: PerformanceMonitor;
  private readonly errors: DefaultErrorHandler;
  private readonly actors: OrchestratorActorHost;
  private readonly logger: Logger;
  /** The options in effect, frozen (the ConfigManager's orchestrator section when constructed). */
  private readonly settings: Readonly<ResolvedOrchestratorOptions>;
  /** Stops forwarding config changes to the bus (the ConfigManager may be the user's and outlive us). */
  private readonly stopConfigEvents: () => void;
  /** Errors already given to the ErrorHandler (see handleError). */
  private readonly handled = new WeakSet<Error>();
  /** The attach of the plugin registry to this orchestrator, awaited before plugins start. */
  private readonly registryAttached: Promise<void>;

  constructor(options: OrchestratorOptions = {}) {
    this.logger = options.logger ?? console;
    this.config = this.readConfig(options);
    this.settings = this.config.orchestratorConfig();
    validateComponents(options, this.settings.enablePlugins);

    this.bus = options.eventBus ?? new DefaultEventBus();
    this.channel = eventChannel(this.bus, this.logger);
    this.stopConfigEvents = this.config.onChange((change) => this.channel.emit('config:changed', change));
    this.setUpEventLogging();
    this.monitor = new PerformanceMonitor();
    // Observed, not subscribed: the user's bus lists none of this, and removeAllListeners() cannot stop it.
    const count = eventCounter(this.monitor);
    this.channel.observe((event) => {
      count(event);
      if (event === 'resource:allocated' || event === 'resource:freed') this.gaugeMemory();
    });

    this.engine = new DataPrismEngine(this.engineOptions(options.engineOptions, options.logger), {
      state: () => this.engineState(),
      onQuery: (record) => this.recordQuery(record),
      executePlugin: (name, action, params) => this.executePlugin(name, action, params),
      requestClose: () => this.shutdown(),
      onError: (error, { operation, metadata }) => this.handleError(error, 'engine', operation, metadata),
      onFailure: (error) => {
        this.handleError(error, 'engine', 'run');
        this.engineActor()?.send({ type: 'FAIL', error });
      },
    });

    this.actor = createActor(
      orchestratorMachine.provide({
        actors: {
          engine: provideEngineMachine(this.engine),
          initializePlugins: fromPromise(() => this.startPlugins()),
          shutdownComponents: fromPromise(() => this.stopComponents()),
        },
        actions: {
          reportChildError: (_, params) => this.reportChildError(params.id, params.error),
        },
      }),
      { systemId: 'orchestrator', inspect: options.inspect },
    );
    // What the machine emits reaches users' handlers after the transition, never
    // inside it: a handler may then call back into the orchestrator freely.
    this.actor.on('*', ({ type, ...payload }) => {
      queueMicrotask(() => this.channel.emit(type, payload));
    });
    this.actor.subscribe({ error: (error) => this.logger.error('[orchestrator] the orchestrator actor failed', error) });
    this.actor.start();
    this.actors = createOrchestratorActorHost(this.actor as unknown as AnyActorRef, this.channel, (id, error) => this.reportChildError(id, error, false));

    this.resources = new ResourceManager({
      memoryLimit: this.settings.memoryLimit,
      bus: this.channel,
      // Every allocation and free is observed (counters, the memory_usage gauge), listened to or not.
      announceAlways: true,
      logger: this.logger,
      isOwnerActive: (owner) => !owner.startsWith(PLUGIN_OWNER) || !INACTIVE_PLUGIN_STATES.has(this.registry.stateOf(owner.slice(PLUGIN_OWNER.length))),
      dropTemporaryTables: () => this.dropTemporaryTables(),
      engineMemory: () => this.measureEngineMemory(),
      // An allocation made for a plugin fails inside one of its hooks: it is reported
      // once, at the plugin boundary, as that plugin's error.
      onError: (error, operation, metadata) => {
        if (typeof metadata.owner === 'string' && metadata.owner.startsWith(PLUGIN_OWNER)) return;
        this.handleError(error, 'resources', operation, metadata);
      },
    });
    // The gauge exists from the start, so a memory_usage threshold is checked before the first allocation.
    this.gaugeMemory();

    const recoveryHost: RecoveryHost = {
      actors: this.actors,
      // The registry's supervisor owns each plugin's restart log: it checks a recovery's intensity where it records the restart.
      restartPlugin: (name, request) => this.registry.restartForRecovery(name, request),
      restartLog: (name) => this.registry.restartLog(name),
      dependentsOf: (name) => this.registry.dependentsOf(name),
      pluginState: (name) => this.registry.stateOf(name),
      cleanupResources: async () => {
        await this.resources.cleanup();
      },
      bus: this.channel,
      logger: this.logger,
    };
    this.errors = createErrorHandler({
      user: options.errorHandler,
      enableRecovery: this.settings.enableErrorRecovery,
      host: recoveryHost,
      bus: this.channel,
      logger: this.logger,
      strategies: options.recoveryStrategies,
    });
    if (this.bus instanceof DefaultEventBus) {
      this.bus.setHandlerErrorSink((error, event) => {
        this.errors.handle(error, { component: 'events', operation: `handler:${event}` }).catch((e: unknown) => {
          this.logger.error('[orchestrator] handling an event handler error failed', e);
        });
      });
    }

    this.registry = options.pluginRegistry ?? new PluginRegistry();
    this.registryAttached = this.registry.attach({
      actors: this.actors,
      bus: this.channel,
      // Plugins' queries fail inside their hooks and are reported there, once, as the plugin's error.
      engine: () => (this.engineState() === 'ready' ? this.engine.unreported : undefined),
      resources: this.resources,
      errors: this.errors,
      config: this.config,
      monitor: this.monitor,
      logger: this.logger,
      maxConcurrency: this.settings.maxConcurrency,
      timeoutMs: this.settings.timeoutMs,
      pluginsEnabled: this.settings.enablePlugins,
    });
    // A failed attach is reported when plugins are first used (initialize/register), never unobserved.
    this.registryAttached.catch(() => {});
  }

  /**
   * Starts the engine (and initializes registered plugins when `enablePlugins`).
   * Idempotent and safe to call concurrently: every caller waits for the same
   * start. Rejects with an EngineError when the engine cannot start (a later
   * call tries again), and with a LifecycleError after `shutdown()`.
   */
  async initialize(): Promise<void> {
    const state = this.getState();
    if (state === 'ready' || state === 'degraded') return;
    if (state === 'shuttingDown' || state === 'shutdown') {
      throw new LifecycleError('the orchestrator has been shut down; create a new DataPrismOrchestrator to start again', { state });
    }
    this.actor.send({ type: 'INITIALIZE' });
    const snapshot = await waitFor(this.actor, (s) => {
      const next = orchestratorState(s.value);
      return next !== 'initializing' && next !== 'idle';
    });
    const outcome = orchestratorState(snapshot.value);
    if (outcome === 'failed') {
      const cause = snapshot.context.error;
      if (cause !== undefined) this.handleError(cause, 'engine', 'initialize');
      throw new EngineError(`the engine failed to start: ${cause?.message ?? 'unknown error'}; fix the cause and call initialize() again`, {
        cause,
      });
    }
    if (outcome === 'shuttingDown' || outcome === 'shutdown') {
      throw new LifecycleError('shutdown() was called while the orchestrator was initializing', { state: outcome });
    }
  }

  /**
   * Disposes every plugin (reverse dependency order), stops recoveries, frees every
   * resource and closes the engine. Idempotent and safe to call at any time,
   * including during `initialize()`; resolves once nothing is left running.
   */
  async shutdown(): Promise<void> {
    for (;;) {
      if (this.actor.getSnapshot().status === 'done') return;
      this.actor.send({ type: 'SHUTDOWN' });
      const snapshot = await waitFor(this.actor, (s) => s.status === 'done' || orchestratorState(s.value) === 'failed');
      if (snapshot.status === 'done') return;
      // A start that failed while we asked: the engine is closed now; finish from `failed`.
    }
  }

  /** The lifecycle state, read from the orchestrator actor. */
  getState(): OrchestratorState {
    return orchestratorState(this.actor.getSnapshot().value);
  }

  /** Components that failed and have not recovered (empty unless `degraded`). */
  getDegradedComponents(): readonly string[] {
    return this.actor.getSnapshot().context.degraded;
  }

  /** The DataPrism engine. Throws a LifecycleError before `initialize()` has completed. */
  getEngine(): DataPrismEngine {
    const state = this.getState();
    if (state === 'idle' || state === 'initializing' || state === 'failed') {
      throw new LifecycleError(`the engine is not available while the orchestrator is '${state}'; await orchestrator.initialize() first`, {
        state,
      });
    }
    return this.engine;
  }

  /** The plugin registry. */
  getPluginRegistry(): PluginRegistry {
    return this.registry;
  }

  /** The event bus every component talks through. */
  getEventBus(): EventBus {
    return this.bus;
  }

  /** The ResourceManager accounting memory against `memoryLimit`. */
  getResourceManager(): ResourceManager {
    return this.resources;
  }

  /** The PerformanceMonitor; `query_time`, `plugin_execution_time`, `memory_usage` and event counts are recorded by the orchestrator. */
  getPerformanceMonitor(): PerformanceMonitor {
    return this.monitor;
  }

  /** The ConfigManager the orchestrator read its options from. */
  getConfigManager(): ConfigManager {
    return this.config;
  }

  /** The ErrorHandler (the user's handler merged with the defaults). */
  getErrorHandler(): DefaultErrorHandler {
    return this.errors;
  }

  /** The orchestrator's root actor: for inspection and tests. Its children are the engine, plugins and recoveries. */
  getActor(): Actor<typeof orchestratorMachine> {
    return this.actor;
  }

  /** The options in effect (defaults, config and explicit options merged). */
  getOptions(): Readonly<ResolvedOrchestratorOptions> {
    return this.settings;
  }

  private engineActor(): AnyActorRef | undefined {
    return (this.actor.getSnapshot().children as { engine?: AnyActorRef }).engine;
  }

  private engineState(): EngineState {
    const engine = this.engineActor();
    if (engine !== undefined) return engine.getSnapshot().value as EngineState;
    return this.actor.getSnapshot().status === 'done' ? 'closed' : 'idle';
  }

  private engineOptions(given: EngineOptions | undefined, userLogger: Logger | undefined): EngineOptions {
    const fromConfig = this.config.engineConfig();
    const backend = given?.backend ?? fromConfig.backend;
    return {
      ...given,
      backend,
      // `mode` says where DuckDB-WASM runs; the native backend has no such choice.
      mode: backend === 'native' ? undefined : fromConfig.mode,
      threads: given?.threads ?? fromConfig.threads,
      settings: { ...fromConfig.settings, ...given?.settings },
      memoryLimit: fromConfig.memoryLimit ?? this.settings.memoryLimit,
      // A cancellable query costs two more worker round trips than a plain one, so
      // queries get a time budget only when one was asked for (hooks always have one).
      timeoutMs:
        given?.timeoutMs ??
        (this.config.isSet('engine.timeoutMs')
          ? fromConfig.timeoutMs
          : this.config.isSet('orchestrator.timeoutMs')
            ? this.settings.timeoutMs
            : undefined),
      maxConcurrency: given?.maxConcurrency ?? this.settings.maxConcurrency,
      // The engine's debug lines (open, close, worker messages) are for a logger the user chose.
      logger: given?.logger ?? userLogger ?? { ...this.logger, debug: () => {} },
    };
  }

  private async executePlugin(name: string, action: string, params: unknown): Promise<unknown> {
    const state = this.getState();
    if (state === 'shuttingDown' || state === 'shutdown') {
      throw new LifecycleError(`cannot run '${name}.${action}': the orchestrator is ${state}`, { state });
    }
    if (!this.settings.enablePlugins) {
      throw new LifecycleError(`plugins are disabled (enablePlugins: false); cannot run '${name}.${action}'`);
    }
    await this.registryAttached;
    return this.registry.execute(name, action, params);
  }

  private async startPlugins(): Promise<void> {
    await this.registryAttached;
    if (this.settings.enablePlugins && this.registry.list().length > 0) await this.registry.initializeAll({ onFailure: 'report' });
  }

  private async stopComponents(): Promise<void> {
    const failures: Error[] = [];
    const attempt = async (what: string, step: () => unknown) => {
      try {
        await step();
      } catch (error) {
        failures.push(toError(error));
        this.logger.error(`[orchestrator] ${what} failed during shutdown`, error);
      }
    };
    await attempt('plugin shutdown', async () => {
      await this.registryAttached;
      await this.registry.shutdownAll();
    });
    await attempt('stopping recoveries', () => this.errors.shutdown());
    await attempt('stopping remaining actors', () => this.actors.stopAll());
    await attempt('releasing resources', () => this.resources.shutdown());
    this.stopConfigEvents();
    if (failures.length > 0) throw failures[0];
  }

  private recordQuery(record: QueryRecord): void {
    this.monitor.recordTime('query_time', record.durationMs);
    if (record.error !== undefined) this.monitor.incrementCounter('query_errors');
  }

  private setUpEventLogging(): void {
    if (!this.settings.enableEventLogging) return;
    this.channel.observe((event, data) => this.logger.debug(`[event] ${event}`, data));
  }

  /** Per allocation and free: read the byte count only (getUsage() also walks the blocks for fragmentation). */
  private gaugeMemory(): void {
    // Resource events may come before the ResourceManager exists (a user emitting one on the bus).
    if (this.resources !== undefined) this.monitor.setGauge('memory_usage', this.resources.allocatedBytes);
  }

  /**
   * A child actor failed: reported to the ErrorHandler. `recover` is false for a
   * transient actor (a child of `recoveries`: every recovery): its own recovery
   * already answered as failed, and recovering the failure could choose the same
   * broken strategy, fail again, and so on without end (a microtask loop that
   * starves every timer of the process).
   */
  private reportChildError(id: string, error: unknown, recover = true): void {
    const cause = toError(error);
    this.logger.error(`[orchestrator] actor '${id}' failed: ${cause.message}`);
    this.handleError(cause, id, 'actor', undefined, recover);
  }

  /**
   * The one way errors the orchestrator meets reach the ErrorHandler: `handle` with
   * a full ErrorContext (then recovery, when enableErrorRecovery). The handler is
   * told synchronously, before the caller sees the error; recovery runs alongside.
   * An error is handled once even when two paths meet it (concurrent initialize calls).
   */
  private handleError(error: Error, component: string, operation: string, metadata?: unknown, recover = true): void {
    if (this.handled.has(error)) return;
    this.handled.add(error);
    const context = metadata === undefined ? { component, operation, timestamp: Date.now() } : { component, operation, timestamp: Date.now(), metadata };
    (recover ? this.errors.handle(error, context) : this.errors.handle(error, context, { recover: false })).catch((failure: unknown) => {
      this.logger.error(`[orchestrator] handling an error of ${component} failed`, failure);
    });
  }

  /**
   * The options from the ConfigManager. A config error is handled like any other
   * error (by a handler of the user's `errorHandler`, with nothing to recover yet),
   * then thrown: there is no orchestrator without valid options.
   */
  private readConfig(options: OrchestratorOptions): ConfigManager {
    try {
      return ConfigManager.fromOptions(options, options.config ?? new ConfigManager());
    } catch (error) {
      const handler = createErrorHandler({ user: options.errorHandler, enableRecovery: false, logger: this.logger });
      handler.handle(toError(error), { component: 'config', operation: 'load', timestamp: Date.now() }).catch(() => {});
      throw error;
    }
  }

  private async dropTemporaryTables(): Promise<number> {
    if (this.engineState() !== 'ready') return 0;
    const temporary = await this.engine.unreported.query<{ name: string }>(
      "SELECT table_name AS name FROM duckdb_tables() WHERE temporary",
    );
    for (const { name } of temporary.data) await this.engine.unreported.query(`DROP TABLE IF EXISTS temp.${quoteIdentifier(name)}`);
    return temporary.data.length;
  }

  private async measureEngineMemory(): Promise<{ memoryUsage: number; databaseSize?: number }> {
    // PRAGMA database_size reports humanized strings ('1.0 MiB'); its block counts are numbers.
    const { data } = await this.engine.unreported.query<{ memory: number | bigint | null; size: number | bigint | null }>(
      `SELECT (SELECT sum(memory_usage_bytes) FROM duckdb_memory()) AS memory,
              (SELECT sum(block_size * total_blocks) FROM pragma_database_size()) AS size`,
    );
    const row = data[0];
    return { memoryUsage: Number(row?.memory ?? 0), databaseSize: Number(row?.size ?? 0) };
  }

}
