/**
 * The spec's PluginRegistry: registers plugins (atomically), resolves their
 * dependencies, and runs each one's lifecycle as an actor of the plugin machine
 * (systemId `plugin:<name>`). It answers every "what state is it in" from the
 * actor's snapshot, never from a flag of its own.
 *
 * Standalone (`new PluginRegistry()`) it runs actors in a standalone host with
 * its own EventBus; an orchestrator binds it with `attach(services)`, after
 * which actors are children of the orchestrator's root actor.
 */
import type { ActorRefFrom, Subscription } from 'xstate';
import { ConfigError } from '../errors/ConfigError.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { PluginError } from '../errors/PluginError.js';
import { PluginInitializationError } from '../errors/PluginInitializationError.js';
import { ValidationError, type ValidationIssue, type ValidationResult } from '../errors/ValidationError.js';
import { toError } from '../errors/DataPrismError.js';
import { createEventBus, type EventBus } from '../events/EventBus.js';
import type { Logger } from '../events/types.js';
import { createStandaloneActorHost } from '../orchestrator/ActorHost.js';
import { pluginStateName, type ExecuteEvent, type PluginEmittedEvent, type PluginHookInput, type PluginMachineContext } from '../../machines/plugin.machine.js';
import { checkConfigSection } from './configSchema.js';
import { findCycle, formatCycle, topologicalOrder, transitiveDependents } from './dependencyGraph.js';
import { createPluginContext, type PluginContextLease } from './PluginContext.js';
import { providePluginMachine, type ProvidedPluginMachine } from './pluginActors.js';
import { checkConcurrencyLimit } from '../util/ConcurrencyLimiter.js';
import { runInDependencyOrder } from './schedule.js';
import { runHook, type HookRun } from './hookBudget.js';
import { CallSignal, callContext } from './hookSignal.js';
import { Supervisor, type SlotUsage } from './supervisor.js';
import type { RestartCause } from '../../machines/supervisor.machine.js';
import { validatePlugin } from './validatePlugin.js';
import { snapshotPlugin } from './pluginSnapshot.js';
import { satisfiesRange } from './versions.js';
import type { DataPrismPlugin, EngineLike, InitializeAllOptions, InitializeReport, PluginErrorContext, PluginInfo, PluginServices } from './types.js';

/** Options of a standalone registry; an orchestrator replaces them with `attach`. */
export interface PluginRegistryOptions extends Partial<Omit<PluginServices, 'engine'>> {
  /** The engine plugins query, or a function returning it. Default: none (queries fail with EngineError). */
  engine?: EngineLike | (() => EngineLike | undefined);
  /** Config sections by plugin name, used when no ConfigManager is attached. Default `{}`. */
  pluginConfig?: Record<string, unknown>;
  /** Whether two plugins declaring the same action is an error or a warning. Default `'warn'`. */
  actionConflicts?: 'warn' | 'error';
}

/** Default number of hooks running at once. */
export const DEFAULT_MAX_CONCURRENCY = 4;
/** Default time budget of a hook call, in ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;

type PluginActor = ActorRefFrom<ProvidedPluginMachine>;

interface Deferred {
  resolve(value: unknown): void;
  reject(error: Error): void;
  action: string;
  params: unknown;
  /** False for a re-run asked by a recovery: its failure goes back to that recovery, not to a new one. */
  report: boolean;
}

/** The id of a registry's supervisor actor. */
// Named so that no inspector takes it for a plugin, recovery or engine actor.
const SUPERVISOR_ID = 'supervisor';

interface Entry {
  readonly plugin: DataPrismPlugin;
  readonly id: string;
  readonly actor: PluginActor;
  readonly actions: ReadonlySet<string>;
  readonly timeoutMs: number;
  readonly subscription: Subscription;
  /** The context of the current start; set just before `initialize` runs. */
  lease: PluginContextLease | undefined;
  /** Requests sent to the actor and not yet answered, by requestId. */
  readonly pending: Map<string, Deferred>;
  /** The signals of the execute calls running now: aborted with their call's budget, or with the plugin's start. */
  readonly running: Set<CallSignal>;
}

const RUNNING_STATES = new Set(['initializing', 'initialized', 'executing']);
/** How often `dispose` asks before giving up on a plugin that keeps being restarted. */
const MAX_DISPOSE_REQUESTS = 8;
const SETTLED_STATES = new Set<string>(['loaded', 'initialized', 'error', 'disposed']);

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export class PluginRegistry {
  private services: PluginServices;
  private pluginConfig: Record<string, unknown>;
  private actionConflicts: 'warn' | 'error';
  private machine: ProvidedPluginMachine;
  /** Owns the coordination: execution slots and their queue, calls in recovery, who may start, restart or is disposed, the shutdown sequence. */
  private supervisor: Supervisor;
  /** Hooks abandoned past their budget and not settled yet, over every plugin (the `plugin_abandoned_hooks` gauge). */
  private abandonedTotal = 0;
  private readonly entries = new Map<string, Entry>();
  /** dependency name → names of registered plugins that declare it (registered or not yet). */
  private readonly declaredBy = new Map<string, Set<string>>();
  /** action → names of registered plugins answering it (for conflict checks without scanning every plugin). */
  private readonly actionOwners = new Map<string, Set<string>>();
  /** Serializes initializeAll/shutdownAll so two calls never start the same plugin twice. */
  private lifecycleChain: Promise<unknown> = Promise.resolve();
  private requestSeq = 0;

  /** A standalone registry: its own EventBus and actor host unless given. */
  constructor(options: PluginRegistryOptions = {}) {
    const bus = options.bus ?? createEventBus();
    const logger = options.logger ?? silentLogger;
    const engine = options.engine;
    this.services = {
      bus,
      logger,
      actors:
        options.actors ??
        createStandaloneActorHost({
          bus,
          onError: (error, id) => logger.error(`[plugins] actor ${id} failed: ${toError(error).message}`),
        }),
      engine: typeof engine === 'function' ? engine : engine ? () => engine : undefined,
      resources: options.resources,
      errors: options.errors,
      config: options.config,
      monitor: options.monitor,
      maxConcurrency: options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    };
    this.pluginConfig = options.pluginConfig ?? {};
    this.actionConflicts = options.actionConflicts ?? 'warn';
    this.supervisor = this.createSupervisor();
    this.machine = this.provideMachine();
  }

  /**
   * Binds the registry to an orchestrator's services (actor host, bus, engine,
   * ErrorHandler, ...). Plugins registered before are moved to the new host and
   * loaded again there; attaching after plugins started is refused.
   */
  async attach(services: PluginServices): Promise<void> {
    const started = [...this.entries.values()].filter((e) => this.state(e) !== 'loaded' && this.state(e) !== 'error');
    if (started.length > 0) {
      throw new LifecycleError(
        `cannot attach the plugin registry while plugins are running (${started.map((e) => e.plugin.name).join(', ')}); attach it before initializeAll()`,
        { component: 'plugins', state: 'initialized' },
      );
    }
    const plugins = [...this.entries.values()].map((e) => e.plugin);
    for (const entry of [...this.entries.values()]) this.remove(entry);
    this.services = { ...services };
    this.supervisor.stop();
    this.supervisor = this.createSupervisor();
    this.machine = this.provideMachine();
    for (const plugin of plugins) await this.register(plugin);
  }

  /** The services in use: the orchestrator's after `attach`, the registry's own before. */
  getServices(): Readonly<PluginServices> {
    return this.services;
  }

  /** The EventBus lifecycle events go to. */
  getEventBus(): EventBus {
    return this.services.bus;
  }

  /**
   * Registers a plugin and loads it (its config section is checked against its
   * `configSchema`). Atomic: if validation, conflicts, a dependency cycle or the
   * load fails, nothing stays registered and the error lists every problem.
   */
  async register(plugin: DataPrismPlugin): Promise<void> {
    if (this.services.pluginsEnabled === false) {
      throw new LifecycleError(
        `plugins are disabled (enablePlugins: false); plugin '${describeName(plugin)}' is not registered. Create the orchestrator with enablePlugins: true to use plugins`,
        { component: 'plugins' },
      );
    }
    if (this.supervisor.state === 'stopping') {
      throw new LifecycleError(`cannot register plugin '${describeName(plugin)}' while the registry shuts down; register it once shutdownAll() resolved`, {
        component: 'plugins',
        state: 'stopping',
      });
    }
    if (this.supervisor.state === 'stopped') this.supervisor.reopen();
    // What is validated here is what runs: later changes to the caller's object do not reach it.
    plugin = snapshotPlugin(plugin, this.services.timeoutMs);
    const validation = validatePlugin(plugin);
    if (!validation.valid) {
      throw ValidationError.fromResult(`plugin '${describeName(plugin)}'`, validation, { component: 'plugins' });
    }
    const conflicts = this.checkConflicts(plugin);
    if (!conflicts.valid) throw ValidationError.fromResult(`registering plugin '${plugin.name}'`, conflicts, { component: 'plugins' });
    for (const w of [...validation.warnings, ...conflicts.warnings]) this.services.logger.warn(`[plugins] '${plugin.name}' ${w.path}: ${w.message}`);
    const cycle = this.cycleThrough(plugin);
    if (cycle) {
      throw new ValidationError(
        `registering plugin '${plugin.name}' would close a dependency cycle: ${formatCycle(cycle)}; remove one of these dependencies`,
        { component: 'plugins', issues: [{ path: 'dependencies', message: `cycle ${formatCycle(cycle)}` }] },
      );
    }
    const entry = this.spawn(plugin);
    entry.actor.send({ type: 'LOAD' });
    const snapshot = await settled(entry.actor);
    if (snapshot.value !== 'loaded') {
      this.remove(entry);
      throw toError(snapshot.context.lastError);
    }
  }

  /**
   * Disposes a plugin (through its actor) and removes it. Refused, with their
   * names, while plugins that depend on it are running.
   */
  async unregister(name: string): Promise<void> {
    const entry = this.require(name, 'unregister');
    const active = [...(this.declaredBy.get(name) ?? [])].filter((d) => {
      const e = this.entries.get(d);
      return e !== undefined && RUNNING_STATES.has(this.state(e));
    });
    if (active.length > 0) {
      throw new PluginError(
        `cannot unregister plugin '${name}': running plugins depend on it (${active.join(', ')}); unregister those first`,
        { plugin: name, phase: 'unregister' },
      );
    }
    await this.dispose(entry);
    this.remove(entry);
  }

  /** The registered plugin object, or null. */
  get(name: string): DataPrismPlugin | null {
    return this.entries.get(name)?.plugin ?? null;
  }

  /** True when a plugin of that name is registered. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Every registered plugin with its state (from its actor), dependencies, dependents and counters. */
  list(): PluginInfo[] {
    const infos: PluginInfo[] = [];
    for (const entry of this.entries.values()) {
      const snapshot = entry.actor.getSnapshot();
      const ctx: PluginMachineContext = snapshot.context;
      const p = entry.plugin;
      const info: PluginInfo = {
        name: p.name,
        version: p.version,
        description: p.description,
        state: pluginStateName(snapshot.value),
        dependencies: (p.dependencies ?? []).map((d) => ({ ...d })),
        dependents: [...(this.declaredBy.get(p.name) ?? [])].filter((d) => this.entries.has(d)),
        capabilities: [...p.capabilities],
        permissions: [...(p.permissions ?? [])],
        executionCount: ctx.executionCount,
        activeExecutions: ctx.executions,
        errorCount: ctx.errorCount,
        abandonedHooks: ctx.abandoned,
      };
      if (ctx.lastError !== null) info.lastError = toError(ctx.lastError).message;
      infos.push(info);
    }
    return infos;
  }

  /**
   * Checks that every dependency of `plugin` is registered at a version in its
   * range (optional ones only when present) and that no cycle runs through it.
   * Throws a PluginError naming every missing or mismatched dependency, or the
   * cycle's path (`a → b → c → a`).
   */
  async resolveDependencies(plugin: DataPrismPlugin): Promise<void> {
    const problems: string[] = [];
    for (const dep of plugin.dependencies ?? []) {
      const found = this.entries.get(dep.name);
      if (!found) {
        if (!dep.optional) problems.push(`'${dep.name}' (${dep.range}) is not registered; register it first`);
      } else if (!satisfiesRange(found.plugin.version, dep.range)) {
        problems.push(`'${dep.name}' is at ${found.plugin.version}, which does not satisfy ${dep.range}`);
      }
    }
    const cycle = this.cycleThrough(plugin);
    if (cycle) problems.push(`dependency cycle ${formatCycle(cycle)}`);
    if (problems.length > 0) {
      throw new PluginError(`plugin '${plugin.name}' has unresolved dependencies: ${problems.join('; ')}`, {
        plugin: plugin.name,
        phase: 'resolve',
      });
    }
  }

  /**
   * What registering `plugin` would clash with: a plugin of the same name, a
   * registered dependency whose version is out of range, a registered plugin
   * that needs another version of this one, and actions another plugin also
   * declares (a warning unless `actionConflicts: 'error'`).
   */
  checkConflicts(plugin: DataPrismPlugin): ValidationResult {
    const errors: ValidationIssue[] = [];
    const warnings: ValidationIssue[] = [];
    const existing = this.entries.get(plugin.name);
    if (existing) {
      errors.push({
        path: 'name',
        message: `a plugin named '${plugin.name}' (version ${existing.plugin.version}) is already registered; unregister it first or pick another name`,
      });
    }
    (plugin.dependencies ?? []).forEach((dep, i) => {
      const found = this.entries.get(dep.name);
      if (found && !satisfiesRange(found.plugin.version, dep.range)) {
        errors.push({
          path: `dependencies[${i}]`,
          message: `needs '${dep.name}' ${dep.range}, but version ${found.plugin.version} is registered`,
        });
      }
    });
    for (const dependentName of this.declaredBy.get(plugin.name) ?? []) {
      const dependent = this.entries.get(dependentName);
      const dep = dependent?.plugin.dependencies?.find((d) => d.name === plugin.name);
      if (dep && !satisfiesRange(plugin.version, dep.range)) {
        errors.push({
          path: 'version',
          message: `registered plugin '${dependentName}' needs '${plugin.name}' ${dep.range}, which ${plugin.version} does not satisfy`,
        });
      }
    }
    const clashes = this.actionClashes(plugin);
    for (const [action, other, count] of clashes) {
      const others = count > 1 ? ` and ${count - 1} other plugin${count > 2 ? 's' : ''}` : '';
      const issue = {
        path: 'capabilities',
        message: `action '${action}' is also answered by plugin '${other}'${others}; call it as execute('${plugin.name}', '${action}', ...)`,
      };
      if (this.actionConflicts === 'error') errors.push(issue);
      else warnings.push(issue);
    }
    return { valid: errors.length === 0, errors, warnings };
  }

  /**
   * Initializes every loaded plugin in dependency order: independent ones in
   * parallel, up to `maxConcurrency`. A plugin that fails, or whose dependency is
   * missing or failed, goes to `error` with a PluginError naming the cause; only
   * the plugins that depend on it are affected. Resolves with the report when
   * every plugin started; when any failed, rejects with a PluginInitializationError
   * naming each one and its cause (its `report` says what did start), unless
   * `options.onFailure` is `'report'`, which resolves with the report either way.
   */
  initializeAll(options: InitializeAllOptions = {}): Promise<InitializeReport> {
    const onFailure = options.onFailure ?? 'reject';
    if (onFailure !== 'reject' && onFailure !== 'report') {
      return Promise.reject(
        new ValidationError(`initializeAll: onFailure must be 'reject' or 'report', got ${String(onFailure)}`, {
          component: 'plugins',
          issues: [{ path: 'onFailure', message: "expected 'reject' or 'report'" }],
        }),
      );
    }
    return this.serialized(async () => {
      const report = await this.initializeLoaded();
      if (onFailure === 'reject' && report.failed.length > 0) throw new PluginInitializationError(report);
      return report;
    });
  }

  /**
   * Disposes every plugin, dependents before their dependencies, and removes
   * them. Completes even when dispose hooks throw or hang (their errors are
   * reported to the ErrorHandler and as `plugin:error`).
   */
  shutdownAll(): Promise<void> {
    // At once, not after a running initializeAll: from here on nothing new starts.
    this.supervisor.shutdown();
    return this.serialized(async () => {
      await this.disposeAllInReverseOrder();
      this.supervisor.stopped();
    });
  }

  /**
   * Runs `action` of plugin `name`, through its actor, bounded by
   * `maxConcurrency` and the plugin's time budget. A plugin's failure rejects
   * with a PluginError (phase 'execute', the action, the cause) and is reported
   * to the ErrorHandler; it never crashes the host.
   */
  execute(name: string, action: string, params?: unknown): Promise<unknown> {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      return Promise.reject(
        new PluginError(`no plugin named '${name}' is registered${this.knownNames()}; register it and call initializeAll() first`, {
          plugin: name,
          phase: 'execute',
          action,
        }),
      );
    }
    if (!entry.actions.has(action)) {
      return Promise.reject(
        new PluginError(`plugin '${name}' has no action '${action}'; it answers: ${[...entry.actions].join(', ') || 'nothing'}`, {
          plugin: name,
          phase: 'execute',
          action,
        }),
      );
    }
    const refusal = this.notReady(entry);
    if (refusal) return Promise.reject(refusal);
    return this.call(entry, action, params, true);
  }

  /** How the execution slots are used now: calls running in their plugin, calls waiting, and the bound. */
  slots(): SlotUsage {
    return this.supervisor.slots();
  }

  /** Re-runs a failed request for its recovery: it takes a slot like any call, and its failure is not reported again. */
  private rerun(name: string, action: string, params: unknown): Promise<unknown> {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      return Promise.reject(new PluginError(`plugin '${name}' was unregistered before it could be retried`, { plugin: name, phase: 'execute', action }));
    }
    return this.call(entry, action, params, false);
  }

  /**
   * Asks the supervisor for an execution slot, then sends the request to the
   * plugin's actor. The slot is given back as soon as the plugin answers (see
   * `answered`), before any recovery of a failure runs.
   */
  private call(entry: Entry, action: string, params: unknown, report: boolean): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const deferred: Deferred = { resolve, reject, action, params, report };
      this.supervisor.request({
        start: () => this.dispatch(entry, deferred),
        drop: () => reject(shutdownRefusal(entry.plugin.name, `run '${action}'`)),
      });
    });
  }

  /**
   * Restarts a started plugin through its actor: dispose (its context revoked,
   * its resources freed), then initialize from a clean state. Resolves once it is
   * initialized again; rejects with the failure otherwise.
   */
  restart(name: string): Promise<void> {
    return this.restartFor(name, 'user');
  }

  private async restartFor(name: string, cause: RestartCause): Promise<void> {
    const entry = this.require(name, 'restart');
    const refused = () =>
      this.supervisor.state !== 'open'
        ? shutdownRefusal(name, 'restart')
        : new LifecycleError(`plugin '${name}' is being disposed; it is not restarted`, { component: entry.id, state: 'disposing' });
    if (this.supervisor.state !== 'open' || this.supervisor.isDisposing(name)) throw refused();
    // Mid-execution the machine defers RESTART (and refuses new requests), so ask at once.
    let snapshot = this.state(entry) === 'executing' ? entry.actor.getSnapshot() : await settled(entry.actor);
    if (snapshot.value === 'loaded') {
      throw new LifecycleError(`plugin '${name}' was never started; call initializeAll() instead of restart()`, {
        component: entry.id,
        state: 'loaded',
      });
    }
    const missing = (entry.plugin.dependencies ?? []).filter((d) => {
      const e = this.entries.get(d.name);
      if (!e) return !d.optional;
      const state = this.state(e);
      return state !== 'initialized' && state !== 'executing';
    });
    if (missing.length > 0) {
      throw new PluginError(
        `cannot restart plugin '${name}': its dependencies ${missing.map((d) => `'${d.name}'`).join(', ')} are not initialized; restart them first (dependentsOf() gives the order)`,
        { plugin: name, phase: 'restart' },
      );
    }
    // Asked last, after every wait: shutdown or a disposal may have begun meanwhile.
    if (!this.supervisor.allowsRestart(name, cause)) throw refused();
    entry.actor.send({ type: 'RESTART' });
    try {
      snapshot = await waitForState(entry.actor, (s) => {
        const state = pluginStateName(s.value);
        return state === 'initialized' || state === 'error';
      });
    } finally {
      this.supervisor.restartEnded(name);
    }
    // Calls the old instance still held (a hook that hung past its restart) are never answered by the new one.
    this.rejectPending(entry, 'restarted', 'call it again');
    if (snapshot.value === 'error') throw toError(snapshot.context.lastError);
  }

  /**
   * A restart a recovery asked for, as its re-run of a failed initialize: if that
   * initialize fails too, the failure goes back to the recovery (this promise
   * rejects), not to a new recovery of its own — else each failed restart would
   * start another recovery that restarts again, without end.
   */
  private restartForRecovery(name: string): Promise<void> {
    return this.restartFor(name, 'recovery');
  }

  /** Every registered plugin that depends on `name`, directly or not, dependencies first. */
  dependentsOf(name: string): string[] {
    const all = transitiveDependents(name, (n) => this.registeredDependents(n));
    return topologicalOrder(all, (n) => (this.entries.get(n)?.plugin.dependencies ?? []).map((d) => d.name)).order;
  }

  /** The state of a plugin's actor (`initialized`, `error`, ...), or undefined when not registered. */
  stateOf(name: string): string | undefined {
    const entry = this.entries.get(name);
    return entry ? this.state(entry) : undefined;
  }

  // ---------------------------------------------------------------- internals

  private provideMachine(): ProvidedPluginMachine {
    return providePluginMachine({
      load: (input) => this.loadHook(input),
      initialize: (input) => this.initializeHook(input),
      execute: (name, request) => this.executeHook(name, request),
      dispose: (input) => this.disposeHook(input),
    });
  }

  private configSection(name: string): unknown {
    const fromManager = this.services.config?.get(`plugins.${name}`);
    return fromManager ?? this.pluginConfig[name] ?? {};
  }

  // The load, initialize and dispose hooks finish synchronously when the plugin's own
  // hook does (and nothing else needs waiting for): with thousands of plugins, a promise
  // turn per hook is a large share of a lifecycle.
  private loadHook({ name }: PluginHookInput): void {
    const entry = this.entries.get(name)!;
    const schema = entry.plugin.configSchema;
    if (!schema) return;
    const issues = checkConfigSection(schema, this.configSection(name));
    if (issues.length > 0) {
      const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      const cause = new ConfigError(`config section 'plugins.${name}' does not match the plugin's configSchema: ${detail}`, {
        key: `plugins.${name}`,
      });
      throw new PluginError(`plugin '${name}' cannot load: ${cause.message}; fix the config section`, { plugin: name, phase: 'load', cause });
    }
  }

  private initializeHook({ name }: PluginHookInput): void | Promise<void> {
    const entry = this.entries.get(name)!;
    // A context left by an earlier start is ended before the new one begins.
    const previous = entry.lease?.revokeNow();
    if (previous !== undefined) return previous.then(() => this.startPlugin(entry));
    return this.startPlugin(entry);
  }

  private startPlugin(entry: Entry): void | Promise<void> {
    const lease = createPluginContext(entry.plugin, this.configSection(entry.plugin.name), this.services);
    entry.lease = lease;
    // When the start ends (restart, dispose, shutdown), the calls running in it are told to stop too.
    lease.context.signal.addEventListener('abort', () => {
      for (const call of entry.running) call.abort(lease.context.signal.reason);
    });
    return runHook(() => entry.plugin.initialize(lease.context), this.hookRun(entry, 'initialize', (reason) => lease.abort(reason)));
  }

  /** A hook run of `entry`: its budget, what to abort when it overruns it, and the abandoned-hook count. */
  private hookRun(entry: Entry, phase: string, abort: (reason: Error) => void, action?: string): HookRun {
    return {
      name: entry.plugin.name,
      component: entry.id,
      phase,
      ...(action === undefined ? {} : { action }),
      timeoutMs: entry.timeoutMs,
      abort,
      abandoned: () => this.countAbandoned(entry, 'HOOK.ABANDONED'),
      settled: () => this.countAbandoned(entry, 'HOOK.SETTLED'),
    };
  }

  /** Counts a hook abandoned (or settled at last) in its plugin's actor and in the `plugin_abandoned_hooks` gauges. */
  private countAbandoned(entry: Entry, type: 'HOOK.ABANDONED' | 'HOOK.SETTLED'): void {
    this.abandonedTotal += type === 'HOOK.ABANDONED' ? 1 : -1;
    if (entry.actor.getSnapshot().status === 'active') entry.actor.send({ type });
    const monitor = this.services.monitor;
    const gauge = monitor?.setGauge?.bind(monitor);
    if (gauge === undefined) return;
    try {
      gauge.call(this.services.monitor, 'plugin_abandoned_hooks', this.abandonedTotal);
      gauge.call(this.services.monitor, `plugin_abandoned_hooks:${entry.plugin.name}`, entry.actor.getSnapshot().context.abandoned);
    } catch (error) {
      this.services.logger.warn(`[plugins] recording plugin_abandoned_hooks failed: ${toError(error).message}`);
    }
  }

  private executeHook(name: string, { action, params }: ExecuteEvent): Promise<unknown> {
    const entry = this.entries.get(name)!;
    // Each call gets its own signal: a call that overruns its budget is told to stop, the plugin goes on.
    const call = new CallSignal();
    const context = callContext(entry.lease!.context, call);
    entry.running.add(call);
    const monitor = this.services.monitor;
    const start = monitor ? performance.now() : 0;
    // A monitor's failure must not turn a plugin's success into an error.
    const record = () => {
      try {
        monitor!.recordMetric('plugin_execution_time', performance.now() - start);
      } catch (error) {
        this.services.logger.warn(`[plugins] recording plugin_execution_time failed: ${toError(error).message}`);
      }
    };
    let running: unknown;
    try {
      running = runHook(() => entry.plugin.execute(action, params, context), this.hookRun(entry, 'execute', (reason) => call.abort(reason), action));
    } catch (error) {
      running = Promise.reject(error);
    }
    return Promise.resolve(running).then(
      (result) => {
        entry.running.delete(call);
        if (monitor) record();
        return result;
      },
      (error: unknown) => {
        entry.running.delete(call);
        if (monitor) record();
        // Already a PluginError naming the plugin, the action and the cause (runHook wraps every failure).
        throw error;
      },
    );
  }

  private disposeHook({ name }: PluginHookInput): void | Promise<void> {
    const entry = this.entries.get(name)!;
    const lease = entry.lease;
    // A plugin that never reached initialize has nothing to dispose.
    if (!lease) return;
    entry.lease = undefined;
    let disposing: void | Promise<void>;
    try {
      disposing = runHook(() => entry.plugin.dispose(), this.hookRun(entry, 'dispose', (reason) => lease.abort(reason)));
    } catch (error) {
      // The context is ended whether or not the hook failed; the hook's error is what the machine sees.
      const revoking = lease.revokeNow();
      if (revoking === undefined) throw error;
      return revoking.then(() => Promise.reject(error));
    }
    if (disposing === undefined) return lease.revokeNow();
    return disposing.then(
      () => lease.revokeNow(),
      async (error: unknown) => {
        await lease.revokeNow();
        throw error;
      },
    );
  }

  private spawn(plugin: DataPrismPlugin): Entry {
    const id = `plugin:${plugin.name}`;
    const actor = this.services.actors.spawn(this.machine, {
      id,
      systemId: id,
      input: { name: plugin.name, version: plugin.version },
    }) as PluginActor;
    const pending = new Map<string, Deferred>();
    const entry: Entry = {
      plugin,
      id,
      actor,
      actions: new Set(plugin.capabilities),
      timeoutMs: plugin.timeoutMs ?? this.services.timeoutMs,
      lease: undefined,
      pending,
      running: new Set(),
      subscription: actor.subscribe({
        // Requests still waiting when the actor stops are answered, never left hanging.
        complete: () => this.rejectPending(entry, 'stopped'),
        error: () => this.rejectPending(entry, 'failed'),
      }),
    };
    actor.on('plugin:executed', (e) => this.answered(entry, e.requestId)?.resolve(e.result));
    actor.on('plugin:refused', (e) => {
      this.answered(entry, e.requestId)?.reject(
        this.notReady(entry) ?? new LifecycleError(`plugin '${plugin.name}' could not take the request; retry`, { component: id }),
      );
    });
    actor.on('plugin:error', (e) => this.onPluginError(entry, e));
    this.entries.set(plugin.name, entry);
    for (const action of entry.actions) {
      const owners = this.actionOwners.get(action);
      if (owners) owners.add(plugin.name);
      else this.actionOwners.set(action, new Set([plugin.name]));
    }
    for (const dep of plugin.dependencies ?? []) {
      const set = this.declaredBy.get(dep.name);
      if (set) set.add(plugin.name);
      else this.declaredBy.set(dep.name, new Set([plugin.name]));
    }
    return entry;
  }

  private remove(entry: Entry): void {
    if (this.entries.get(entry.plugin.name) !== entry) return;
    this.entries.delete(entry.plugin.name);
    for (const action of entry.actions) {
      const owners = this.actionOwners.get(action);
      owners?.delete(entry.plugin.name);
      if (owners?.size === 0) this.actionOwners.delete(action);
    }
    for (const dep of entry.plugin.dependencies ?? []) {
      const set = this.declaredBy.get(dep.name);
      set?.delete(entry.plugin.name);
      if (set?.size === 0) this.declaredBy.delete(dep.name);
    }
    entry.subscription.unsubscribe();
    this.rejectPending(entry, 'unregistered');
    this.services.actors.stop(entry.id);
    void entry.lease?.revokeNow();
  }

  private onPluginError(entry: Entry, event: Extract<PluginEmittedEvent, { type: 'plugin:error' }>): void {
    const name = entry.plugin.name;
    const error = toError(event.error);
    // The slot is given back before any recovery runs: a re-run asks for a slot of its own.
    const request = event.requestId === undefined ? undefined : this.answered(entry, event.requestId);
    // The executor itself failed: the requests it held will never be answered.
    if (event.requestId === undefined && event.phase === 'execute') this.rejectPending(entry, 'failed');
    const errors = this.services.errors;
    if (request !== undefined && (!request.report || !errors)) {
      request.reject(error);
      return;
    }
    if (!errors) return;
    const operation = event.phase;
    if (operation === 'initialize' && this.supervisor.restartCause(name) === 'recovery') return;
    // After SHUTDOWN nothing is re-run or restarted: the error is only reported, and the caller answered with it.
    const retry =
      this.supervisor.state !== 'open'
        ? undefined
        : request
          ? () => this.rerun(name, request.action, request.params)
          : operation === 'initialize'
            ? () => this.restartForRecovery(name)
            : undefined;
    const context: PluginErrorContext = {
      component: entry.id,
      operation,
      timestamp: Date.now(),
      plugin: name,
      metadata: request === undefined ? { phase: operation } : { action: request.action, phase: operation },
      ...(retry ? { retry } : {}),
    };
    const logFailure = (e: unknown) =>
      this.services.logger.error(`[plugins] the ErrorHandler failed on an error of '${name}': ${toError(e).message}`);
    // The ErrorHandler is someone else's code: its failure is logged, never thrown into the actor.
    try {
      if (request !== undefined && errors.process !== undefined && retry !== undefined) {
        // The caller waits for the recovery: it gets the recovered result, or the original error.
        const waiting = request;
        const recovered = this.supervisor.recover({
          abandon: () =>
            waiting.reject(
              new LifecycleError(`the plugin registry shut down while the call's recovery ran; the call failed with: ${error.message}`, {
                component: 'plugins',
                state: 'stopping',
                cause: error,
              }),
            ),
        });
        // Refused only after SHUTDOWN, when retry is not offered either; answered as a plain failure then.
        if (recovered === undefined) {
          waiting.reject(error);
          return;
        }
        errors.process(error, context).then(
          async (outcome) => {
            const recovery = outcome.recovery;
            if (recovery?.success && recovery.produced) return waiting.resolve(recovery.recovered);
            if (!recovery?.success) return waiting.reject(error);
            // A recovery that healed without re-running (a restart, a cleanup) earns the call one more try;
            // if that fails too, the recovery did not help this call: say so, and pass the error on.
            try {
              waiting.resolve(await retry());
            } catch (again) {
              this.services.bus.emit('error:escalated', {
                error: toError(again),
                recovery: recovery.strategy,
                reason: `the call failed again after '${recovery.strategy}' recovered`,
              });
              waiting.reject(error);
            }
          },
          (e: unknown) => {
            logFailure(e);
            waiting.reject(error);
          },
        ).catch((e: unknown) => waiting.reject(toError(e))).finally(recovered);
        return;
      }
      request?.reject(error);
      const result = errors.handle(error, context);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, logFailure);
    } catch (e) {
      logFailure(e);
      request?.reject(error);
    }
  }

  /** Runs a request that holds a slot: through the plugin's actor, or refused at once (the slot given back). */
  private dispatch(entry: Entry, deferred: Deferred): void {
    // The state may have changed while the request waited for a slot.
    const refusal =
      this.entries.get(entry.plugin.name) === entry
        ? this.notReady(entry)
        : new LifecycleError(`plugin '${entry.plugin.name}' was unregistered before the call could run; register it again`, { component: entry.id });
    if (refusal) {
      this.supervisor.release();
      deferred.reject(refusal);
      return;
    }
    const requestId = (++this.requestSeq).toString(36);
    entry.pending.set(requestId, deferred);
    entry.actor.send({ type: 'EXECUTE', requestId, action: deferred.action, params: deferred.params });
  }

  /** The request `requestId` of `entry`, taken off its pending map with its slot given back; undefined when already answered. */
  private answered(entry: Entry, requestId: string): Deferred | undefined {
    const deferred = entry.pending.get(requestId);
    if (deferred === undefined) return undefined;
    entry.pending.delete(requestId);
    this.supervisor.release();
    return deferred;
  }

  /** Rejects every request `entry` still owes an answer to (its plugin stopped or was replaced), giving their slots back. */
  private rejectPending(entry: Entry, why: string, hint = 'register and initialize it again'): void {
    if (entry.pending.size === 0) return;
    const error = new LifecycleError(`plugin '${entry.plugin.name}' was ${why} before it answered; ${hint}`, { component: entry.id });
    const owed = [...entry.pending.values()];
    entry.pending.clear();
    for (const deferred of owed) {
      this.supervisor.release();
      deferred.reject(error);
    }
  }

  /**
   * The supervisor for this registry's services. At SHUTDOWN it says which
   * restarts to cancel (a plugin on its way to a restart is disposed instead:
   * its initialize would start after SHUTDOWN) and when to tell hooks to stop.
   */
  private createSupervisor(): Supervisor {
    return new Supervisor(this.services.actors, SUPERVISOR_ID, checkConcurrencyLimit(this.services.maxConcurrency), {
      cancelRestart: (name) => {
        const entry = this.entries.get(name);
        if (!entry) return;
        const { value, context } = entry.actor.getSnapshot();
        // Before its initialize: the restart becomes a disposal. Mid-initialize, stopHooks aborts it.
        if ((value === 'disposing' && context.restarting) || context.pending === 'restart') entry.actor.send({ type: 'DISPOSE' });
      },
      stopHooks: () => {
        for (const entry of this.entries.values()) {
          const reason = shutdownRefusal(entry.plugin.name, 'go on');
          if (entry.actor.getSnapshot().value === 'initializing') entry.lease?.abort(reason);
          for (const call of entry.running) call.abort(reason);
        }
      },
    });
  }

  private notReady(entry: Entry): Error | undefined {
    const state = this.state(entry);
    if (state === 'initialized' || state === 'executing') return undefined;
    const name = entry.plugin.name;
    const what =
      state === 'error'
        ? `failed (${toError(entry.actor.getSnapshot().context.lastError).message}); restart it with registry.restart('${name}')`
        : state === 'loaded'
          ? 'not initialized yet; call registry.initializeAll() first'
          : `${state}; wait for it to finish or register it again`;
    return new LifecycleError(`plugin '${name}' is ${what}`, { component: entry.id, state });
  }

  private async initializeLoaded(): Promise<InitializeReport> {
    const report: InitializeReport = { initialized: [], failed: [] };
    // Plugins mid-load or mid-restart are waited for, so the candidate set is stable.
    await this.allSettled();
    const candidates = new Set<string>();
    for (const entry of this.entries.values()) if (this.state(entry) === 'loaded') candidates.add(entry.plugin.name);
    const failed = (name: string, error: Error) => {
      report.failed.push({ name, error });
      const entry = this.entries.get(name);
      if (entry && this.state(entry) === 'loaded') entry.actor.send({ type: 'FAIL', phase: 'initialize', error });
    };
    const outcome = await runInDependencyOrder({
      nodes: candidates,
      prerequisitesOf: (name) => this.dependencyNames(name),
      concurrency: this.services.maxConcurrency,
      run: async (name) => {
        const entry = this.entries.get(name);
        if (!entry) return new PluginError(`plugin '${name}' was unregistered during initializeAll()`, { plugin: name, phase: 'initialize' });
        // Checked when its turn comes: by then every dependency in this run has finished.
        const problem = this.unsatisfiable(name, candidates);
        if (problem) {
          failed(name, problem);
          return problem;
        }
        if (!this.supervisor.allowsStart()) {
          const refused = shutdownRefusal(name, 'initialize');
          failed(name, refused);
          return refused;
        }
        entry.actor.send({ type: 'INITIALIZE' });
        const snapshot = await waitForState(entry.actor, (s) => s.value !== 'initializing' && s.value !== 'loaded');
        const state = pluginStateName(snapshot.value);
        if (state === 'initialized' || state === 'executing') {
          report.initialized.push(name);
          return undefined;
        }
        const error = toError(snapshot.context.lastError);
        report.failed.push({ name, error });
        return error;
      },
      skip: (name, because) => {
        const cause = report.failed.find((f) => f.name === because)?.error;
        failed(
          name,
          new PluginError(
            `plugin '${name}' was not initialized because its dependency '${because}' failed${cause ? `: ${cause.message}` : ''}; fix '${because}', then restart both`,
            { plugin: name, phase: 'initialize', cause },
          ),
        );
      },
    });
    for (const name of outcome.blocked) {
      const cycle = findCycle(name, (n) => this.dependencyNames(n));
      failed(
        name,
        new PluginError(
          `plugin '${name}' cannot be initialized: ${cycle ? `dependency cycle ${formatCycle(cycle)}` : 'it waits on a dependency cycle'}; remove one of these dependencies`,
          { plugin: name, phase: 'initialize' },
        ),
      );
    }
    return report;
  }

  /** Why `name` can never initialize now (a missing, mismatched or failed dependency), or undefined. */
  private unsatisfiable(name: string, candidates: ReadonlySet<string>): PluginError | undefined {
    const plugin = this.entries.get(name)!.plugin;
    for (const dep of plugin.dependencies ?? []) {
      const found = this.entries.get(dep.name);
      if (!found) {
        if (dep.optional) continue;
        return new PluginError(
          `plugin '${name}' needs plugin '${dep.name}' (${dep.range}), which is not registered; register it, or mark the dependency optional`,
          { plugin: name, phase: 'initialize' },
        );
      }
      if (!satisfiesRange(found.plugin.version, dep.range)) {
        return new PluginError(`plugin '${name}' needs '${dep.name}' ${dep.range}, but ${found.plugin.version} is registered`, {
          plugin: name,
          phase: 'initialize',
        });
      }
      const state = this.state(found);
      if (!candidates.has(dep.name) && state !== 'initialized' && state !== 'executing') {
        return new PluginError(
          `plugin '${name}' was not initialized because its dependency '${dep.name}' is ${state}; restart '${dep.name}' first`,
          { plugin: name, phase: 'initialize' },
        );
      }
    }
    return undefined;
  }

  /** Waits until no plugin runs a hook; resolves at once when none does. */
  private async allSettled(): Promise<void> {
    const busy: Promise<PluginSnapshot>[] = [];
    for (const entry of this.entries.values()) if (!isSettled(entry.actor.getSnapshot())) busy.push(settled(entry.actor));
    if (busy.length > 0) await Promise.all(busy);
  }

  private async disposeAllInReverseOrder(): Promise<void> {
    await this.allSettled();
    const names = new Set(this.entries.keys());
    const outcome = await runInDependencyOrder({
      nodes: names,
      // Reverse order: a plugin waits for its dependents to be disposed.
      prerequisitesOf: (name) => this.registeredDependents(name),
      concurrency: this.services.maxConcurrency,
      run: async (name) => {
        const entry = this.entries.get(name);
        if (!entry) return undefined;
        await this.dispose(entry);
        this.remove(entry);
        return undefined;
      },
    });
    // Only a cycle could block, and register refuses cycles; dispose the rest anyway.
    await Promise.all(
      outcome.blocked.map(async (name) => {
        const entry = this.entries.get(name);
        if (!entry) return;
        await this.dispose(entry);
        this.remove(entry);
      }),
    );
  }

  private async dispose(entry: Entry): Promise<void> {
    this.supervisor.disposeBegan(entry.plugin.name);
    try {
      // The machine drops DISPOSE while a restart is initializing it, and a recovery may
      // restart it meanwhile: ask until it is disposed, each time from a settled state
      // (or at once mid-execution, where the machine defers DISPOSE and refuses new requests).
      // A hook that finishes synchronously leaves the actor settled at once: no need to wait then.
      for (let asked = 0; asked < MAX_DISPOSE_REQUESTS; asked++) {
        let snapshot = entry.actor.getSnapshot();
        if (snapshot.value !== 'executing' && !isSettled(snapshot)) snapshot = await settled(entry.actor);
        if (snapshot.status !== 'active' || snapshot.value === 'disposed') return;
        entry.actor.send({ type: 'DISPOSE' });
        let after = entry.actor.getSnapshot();
        if (!isSettled(after)) after = await settled(entry.actor);
        if (after.status !== 'active' || after.value === 'disposed') return;
      }
      throw new PluginError(`plugin '${entry.plugin.name}' could not be disposed: it kept leaving 'disposing'; check its hooks`, {
        plugin: entry.plugin.name,
        phase: 'dispose',
      });
    } finally {
      this.supervisor.disposeEnded(entry.plugin.name);
    }
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lifecycleChain.then(fn, fn);
    this.lifecycleChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private cycleThrough(plugin: DataPrismPlugin): string[] | null {
    // With no registered plugin naming it as a dependency, no cycle can pass through it.
    if ((this.declaredBy.get(plugin.name)?.size ?? 0) === 0) return null;
    // Declared names, registered or not: the edge back to `plugin` is to a name not registered yet.
    return findCycle(plugin.name, (n) =>
      (n === plugin.name ? plugin.dependencies ?? [] : this.entries.get(n)?.plugin.dependencies ?? []).map((d) => d.name),
    );
  }

  /** Per clashing action: one other plugin answering it, and how many do in all (O(1) per action). */
  private actionClashes(plugin: DataPrismPlugin): [action: string, other: string, count: number][] {
    const clashes: [string, string, number][] = [];
    for (const action of plugin.capabilities) {
      const owners = this.actionOwners.get(action);
      if (!owners) continue;
      const count = owners.size - (owners.has(plugin.name) ? 1 : 0);
      if (count === 0) continue;
      for (const owner of owners) {
        if (owner === plugin.name) continue;
        clashes.push([action, owner, count]);
        break;
      }
    }
    return clashes;
  }

  /** Dependencies of a registered plugin that are registered too. */
  private dependencyNames(name: string): string[] {
    const deps = this.entries.get(name)?.plugin.dependencies;
    if (!deps) return [];
    const names: string[] = [];
    for (const d of deps) if (this.entries.has(d.name)) names.push(d.name);
    return names;
  }

  private registeredDependents(name: string): string[] {
    const set = this.declaredBy.get(name);
    if (!set) return [];
    const names: string[] = [];
    for (const d of set) if (this.entries.has(d)) names.push(d);
    return names;
  }

  private require(name: string, phase: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new PluginError(`no plugin named '${name}' is registered${this.knownNames()}`, { plugin: name, phase });
    }
    return entry;
  }

  private knownNames(): string {
    if (this.entries.size === 0) return ' (none is)';
    if (this.entries.size > 10) return '';
    return ` (registered: ${[...this.entries.keys()].join(', ')})`;
  }

  private state(entry: Entry): string {
    return pluginStateName(entry.actor.getSnapshot().value);
  }
}

function describeName(plugin: unknown): string {
  const name = (plugin as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : String(name);
}

/** The LifecycleError for anything asked of the registry once its shutdown began. */
function shutdownRefusal(name: string, what: string): LifecycleError {
  return new LifecycleError(`plugin '${name}' cannot ${what}: the plugin registry is shutting down; nothing new starts after shutdownAll()`, {
    component: `plugin:${name}`,
    state: 'stopping',
  });
}

type PluginSnapshot = ReturnType<PluginActor['getSnapshot']>;

/** Resolves with the first snapshot (current or later) that satisfies `done`, or the last one if the actor stops. */
function waitForState(actor: PluginActor, done: (s: PluginSnapshot) => boolean): Promise<PluginSnapshot> {
  const current = actor.getSnapshot();
  if (done(current) || current.status !== 'active') return Promise.resolve(current);
  return new Promise((resolve) => {
    let finished = false;
    const finish = (s: PluginSnapshot) => {
      if (finished) return;
      finished = true;
      subscription.unsubscribe();
      resolve(s);
    };
    const subscription = actor.subscribe({
      next: (s) => {
        if (done(s) || s.status !== 'active') finish(s);
      },
      complete: () => finish(actor.getSnapshot()),
      error: () => finish(actor.getSnapshot()),
    });
  });
}

/** True when no hook is running (loading, initializing, disposing) and no execution is in flight. */
function isSettled(snapshot: PluginSnapshot): boolean {
  return SETTLED_STATES.has(pluginStateName(snapshot.value));
}

/** Waits until no hook is running (loading, initializing, disposing) and no execution is in flight. */
function settled(actor: PluginActor): Promise<PluginSnapshot> {
  return waitForState(actor, isSettled);
}
