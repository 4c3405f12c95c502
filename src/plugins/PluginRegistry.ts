/**
 * The spec's PluginRegistry: a facade over the plugin actors (one actor of the
 * plugin machine per plugin, systemId `plugin:<name>`) and the supervisor that
 * coordinates them (machines/supervisor.machine.ts). It validates what users
 * give it, sends events, and answers from the actors' and the supervisor's
 * snapshots, never from a flag of its own. The work behind it lives in small
 * modules: the plugin index and its checks (pluginIndex), the path of a call
 * (pluginCalls), where a failure goes (pluginErrors), the start and stop
 * sequences (lifecycleOrder), and the hooks' side effects (pluginHooks).
 *
 * Standalone (`new PluginRegistry()`) it runs actors in a standalone host with
 * its own EventBus; an orchestrator binds it with `attach(services)`, after
 * which its actors live in the orchestrator's actor system: the supervisor a
 * child of the orchestrator's root actor, each plugin actor a child of the
 * supervisor.
 */
import type { RestartCause } from '../../machines/supervisor.machine.js';
import { pluginStateName, type PluginMachineContext } from '../../machines/plugin.machine.js';
import { toError } from '../errors/DataPrismError.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { PluginError } from '../errors/PluginError.js';
import { PluginInitializationError } from '../errors/PluginInitializationError.js';
import { RestartIntensityError } from '../errors/RestartIntensityError.js';
import type { PluginRestartRequest } from '../errors/recovery/types.js';
import { ValidationError, type ValidationResult } from '../errors/ValidationError.js';
import { createEventBus, type EventBus } from '../events/EventBus.js';
import type { Logger } from '../events/types.js';
import { createStandaloneActorHost } from '../orchestrator/ActorHost.js';
import { checkConcurrencyLimit } from '../util/ConcurrencyLimiter.js';
import { settled, waitForState } from './actorWait.js';
import { formatCycle, topologicalOrder, transitiveDependents } from './dependencyGraph.js';
import { dispose, disposeAllInReverseOrder, initializeLoaded, type LifecycleSource } from './lifecycleOrder.js';
import { providePluginMachine, type ProvidedPluginMachine } from './pluginActors.js';
import { PluginCalls } from './pluginCalls.js';
import { isRunning, stateOf, type Deferred, type Entry, type PluginActor } from './pluginEntry.js';
import { routePluginError, type ErrorRoutes } from './pluginErrors.js';
import { createPluginHooks } from './pluginHooks.js';
import { PluginIndex } from './pluginIndex.js';
import { snapshotPlugin } from './pluginSnapshot.js';
import { shutdownRefusal } from './refusals.js';
import { Supervisor, type SlotUsage } from './supervisor.js';
import type { DataPrismPlugin, EngineLike, InitializeAllOptions, InitializeReport, PluginInfo, PluginServices } from './types.js';
import { validatePlugin } from './validatePlugin.js';

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

/** The id of a registry's supervisor actor. */
// Named so that no inspector takes it for a plugin, recovery or engine actor.
const SUPERVISOR_ID = 'supervisor';

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export class PluginRegistry {
  private services: PluginServices;
  private pluginConfig: Record<string, unknown>;
  private actionConflicts: 'warn' | 'error';
  private machine: ProvidedPluginMachine;
  /** Owns the coordination: execution slots and their queue, calls in recovery, who may start, restart or is disposed, the shutdown sequence. */
  private supervisor: Supervisor;
  private readonly index = new PluginIndex();
  private readonly calls = new PluginCalls(this.index, () => this.supervisor);
  private readonly errorRoutes: ErrorRoutes = {
    services: () => this.services,
    supervisor: () => this.supervisor,
    calls: this.calls,
    rerun: (name, action, params) => this.rerun(name, action, params),
    restartForRecovery: (name) => this.restartFor(name, 'recovery', { at: Date.now() }),
  };
  private readonly lifecycle: LifecycleSource = {
    index: this.index,
    supervisor: () => this.supervisor,
    remove: (entry) => this.remove(entry),
  };
  /** Serializes initializeAll/shutdownAll so two calls never start the same plugin twice. */
  private lifecycleChain: Promise<unknown> = Promise.resolve();

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
    const started = [...this.index.values()].filter((e) => stateOf(e) !== 'loaded' && stateOf(e) !== 'error');
    if (started.length > 0) {
      throw new LifecycleError(
        `cannot attach the plugin registry while plugins are running (${started.map((e) => e.plugin.name).join(', ')}); attach it before initializeAll()`,
        { component: 'plugins', state: 'initialized' },
      );
    }
    const plugins = [...this.index.values()].map((e) => e.plugin);
    for (const entry of [...this.index.values()]) this.remove(entry);
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
    const cycle = this.index.cycleThrough(plugin);
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
    const active = [...this.index.declaring(name)].filter((d) => {
      const e = this.index.get(d);
      return e !== undefined && (isRunning(stateOf(e)) || stateOf(e) === 'initializing');
    });
    if (active.length > 0) {
      throw new PluginError(
        `cannot unregister plugin '${name}': running plugins depend on it (${active.join(', ')}); unregister those first`,
        { plugin: name, phase: 'unregister' },
      );
    }
    await dispose(this.supervisor, entry);
    this.remove(entry);
  }

  /** The registered plugin object, or null. */
  get(name: string): DataPrismPlugin | null {
    return this.index.get(name)?.plugin ?? null;
  }

  /** True when a plugin of that name is registered. */
  has(name: string): boolean {
    return this.index.has(name);
  }

  /** Every registered plugin with its state (from its actor), dependencies, dependents and counters. */
  list(): PluginInfo[] {
    const infos: PluginInfo[] = [];
    for (const entry of this.index.values()) {
      const snapshot = entry.actor.getSnapshot();
      const ctx: PluginMachineContext = snapshot.context;
      const p = entry.plugin;
      const info: PluginInfo = {
        name: p.name,
        version: p.version,
        description: p.description,
        state: pluginStateName(snapshot.value),
        dependencies: (p.dependencies ?? []).map((d) => ({ ...d })),
        dependents: this.index.registeredDependents(p.name),
        capabilities: [...p.capabilities],
        permissions: [...(p.permissions ?? [])],
        executionCount: ctx.executionCount,
        activeExecutions: ctx.executions,
        errorCount: ctx.errorCount,
        abandonedHooks: ctx.abandoned,
        restartLog: [...this.supervisor.restartLog(p.name)],
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
    const problems = this.index.unresolved(plugin);
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
    return this.index.conflicts(plugin, this.actionConflicts);
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
      const report = await initializeLoaded(this.lifecycle);
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
      await disposeAllInReverseOrder(this.lifecycle);
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
    const entry = this.index.get(name);
    if (entry === undefined) {
      return Promise.reject(
        new PluginError(`no plugin named '${name}' is registered${this.index.knownNames()}; register it and call initializeAll() first`, {
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
    const refusal = this.calls.notReady(entry);
    if (refusal) return Promise.reject(refusal);
    return this.calls.call(entry, action, params, true);
  }

  /** How the execution slots are used now: calls running in their plugin, calls waiting, and the bound. */
  slots(): SlotUsage {
    return this.supervisor.slots();
  }

  /**
   * Restarts a started plugin through its actor: dispose (its context revoked,
   * its resources freed), then initialize from a clean state. Resolves once it is
   * initialized again; rejects with the failure otherwise.
   */
  restart(name: string): Promise<void> {
    return this.restartFor(name, 'user', { at: Date.now() });
  }

  /**
   * Restarts a started plugin as a recovery asks (what a RecoveryHost's
   * `restartPlugin` calls): like `restart`, except that a restart past
   * `request.intensity` is refused with a RestartIntensityError (the supervisor
   * checks the plugin's restart log and records the restart in one transition,
   * so concurrent recoveries of one plugin never exceed it), and a failed
   * initialize answers this restart only, starting no new recovery.
   */
  restartForRecovery(name: string, request: PluginRestartRequest): Promise<void> {
    const problem = restartRequestProblem(request);
    if (problem !== undefined) {
      return Promise.reject(
        new ValidationError(`restartForRecovery('${name}'): ${problem}`, { component: 'plugins', issues: [{ path: 'request', message: problem }] }),
      );
    }
    return this.restartFor(name, 'recovery', request);
  }

  /**
   * When each restart of `name` began (ms, oldest first): every restart the
   * supervisor allowed, asked by a user or a recovery, as kept in its snapshot.
   * Empty for a plugin never restarted or not registered; forgotten when it is
   * unregistered. `list()` gives it per plugin as `restartLog`.
   */
  restartLog(name: string): number[] {
    return [...this.supervisor.restartLog(name)];
  }

  /** Every registered plugin that depends on `name`, directly or not, dependencies first. */
  dependentsOf(name: string): string[] {
    const all = transitiveDependents(name, (n) => this.index.registeredDependents(n));
    return topologicalOrder(all, (n) => (this.index.get(n)?.plugin.dependencies ?? []).map((d) => d.name)).order;
  }

  /** The state of a plugin's actor (`initialized`, `error`, ...), or undefined when not registered. */
  stateOf(name: string): string | undefined {
    const entry = this.index.get(name);
    return entry ? stateOf(entry) : undefined;
  }

  // ---------------------------------------------------------------- internals

  /** Re-runs a failed request for its recovery: it takes a slot like any call, and its failure is not reported again. */
  private rerun(name: string, action: string, params: unknown): Promise<unknown> {
    const entry = this.index.get(name);
    if (entry === undefined) {
      return Promise.reject(new PluginError(`plugin '${name}' was unregistered before it could be retried`, { plugin: name, phase: 'execute', action }));
    }
    return this.calls.call(entry, action, params, false);
  }

  /**
   * A restart asked by a user, or by a recovery as its re-run of a failed
   * initialize (then a failed initialize goes back to that recovery and starts
   * no new one: the supervisor records who asked).
   */
  private async restartFor(name: string, cause: RestartCause, request: PluginRestartRequest): Promise<void> {
    const entry = this.require(name, 'restart');
    const refused = () =>
      this.supervisor.state !== 'open'
        ? shutdownRefusal(name, 'restart')
        : new LifecycleError(`plugin '${name}' is being disposed; it is not restarted`, { component: entry.id, state: 'disposing' });
    if (this.supervisor.state !== 'open' || this.supervisor.isDisposing(name)) throw refused();
    // Mid-execution the machine defers RESTART (and refuses new requests), so ask at once.
    let snapshot = stateOf(entry) === 'executing' ? entry.actor.getSnapshot() : await settled(entry.actor);
    // Its actor failed: it takes no RESTART, which would be waited for in vain.
    if (snapshot.status === 'error') throw this.calls.notReady(entry)!;
    if (snapshot.value === 'loaded') {
      throw new LifecycleError(`plugin '${name}' was never started; call initializeAll() instead of restart()`, {
        component: entry.id,
        state: 'loaded',
      });
    }
    const missing = (entry.plugin.dependencies ?? []).filter((d) => {
      const e = this.index.get(d.name);
      return e ? !isRunning(stateOf(e)) : !d.optional;
    });
    if (missing.length > 0) {
      throw new PluginError(
        `cannot restart plugin '${name}': its dependencies ${missing.map((d) => `'${d.name}'`).join(', ')} are not initialized; restart them first (dependentsOf() gives the order)`,
        { plugin: name, phase: 'restart' },
      );
    }
    // Asked last, after every wait: shutdown, a disposal or another restart may have come meanwhile.
    const { at, intensity } = request;
    if (!this.supervisor.allowsRestart(name, cause, at, intensity)) {
      if (intensity !== undefined && this.supervisor.state === 'open' && !this.supervisor.isDisposing(name)) {
        throw RestartIntensityError.fromLog(name, this.supervisor.restartLog(name), at, intensity);
      }
      throw refused();
    }
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
    this.calls.rejectPending(entry, 'restarted', 'call it again');
    if (snapshot.value === 'error') throw toError(snapshot.context.lastError);
  }

  /**
   * The supervisor for this registry's services. At SHUTDOWN it says which
   * restarts to cancel (a plugin on its way to a restart is disposed instead:
   * its initialize would start after SHUTDOWN) and when to tell hooks to stop.
   */
  private createSupervisor(): Supervisor {
    return new Supervisor(this.services.actors, SUPERVISOR_ID, checkConcurrencyLimit(this.services.maxConcurrency), {
      cancelRestart: (name) => {
        const entry = this.index.get(name);
        if (!entry) return;
        const { value, context } = entry.actor.getSnapshot();
        // Before its initialize: the restart becomes a disposal. Mid-initialize, stopHooks aborts it.
        if ((value === 'disposing' && context.restarting) || context.pending === 'restart') entry.actor.send({ type: 'DISPOSE' });
      },
      stopHooks: () => {
        for (const entry of this.index.values()) {
          const initializing = entry.actor.getSnapshot().value === 'initializing' && entry.lease !== undefined;
          // Only where a hook runs: with thousands of idle plugins, an error each is a large share of a shutdown.
          if (!initializing && entry.running.size === 0) continue;
          const reason = shutdownRefusal(entry.plugin.name, 'go on');
          if (initializing) entry.lease?.abort(reason);
          for (const call of entry.running) call.abort(reason);
        }
      },
      // Its calls were answered by the entry's own subscription, and the host logged it (its onError);
      // the failure goes to the ErrorHandler, as when the orchestrator's root was its parent.
      childFailed: (id, error) => {
        const cause = toError(error);
        const { logger, errors } = this.services;
        if (!errors) return;
        const plugin = id.startsWith('plugin:') ? id.slice('plugin:'.length) : id;
        try {
          const handled = errors.handle(cause, { component: id, operation: 'actor', timestamp: Date.now(), plugin });
          if (handled instanceof Promise) handled.catch((failure: unknown) => logger.error(`[plugins] handling the failure of ${id} failed: ${toError(failure).message}`));
        } catch (failure) {
          logger.error(`[plugins] handling the failure of ${id} failed: ${toError(failure).message}`);
        }
      },
    });
  }

  private provideMachine(): ProvidedPluginMachine {
    return providePluginMachine(
      createPluginHooks({
        entry: (name) => this.index.get(name)!,
        services: () => this.services,
        configSection: (name) => this.services.config?.get(`plugins.${name}`) ?? this.pluginConfig[name] ?? {},
      }),
    );
  }

  private spawn(plugin: DataPrismPlugin): Entry {
    const id = `plugin:${plugin.name}`;
    // A child of the supervisor, which coordinates it.
    const actor = this.supervisor.spawnChild(this.machine, {
      id,
      systemId: id,
      input: { name: plugin.name, version: plugin.version },
    }) as PluginActor;
    const entry: Entry = {
      plugin,
      id,
      actor,
      actions: new Set(plugin.capabilities),
      timeoutMs: plugin.timeoutMs ?? this.services.timeoutMs,
      lease: undefined,
      pending: new Map<string, Deferred>(),
      running: new Set(),
      subscription: actor.subscribe({
        // Requests still waiting when the actor stops are answered, never left hanging.
        complete: () => this.calls.rejectPending(entry, 'stopped'),
        error: () => this.calls.rejectPending(entry, 'failed'),
      }),
    };
    this.calls.listen(entry);
    actor.on('plugin:error', (e) => routePluginError(this.errorRoutes, entry, e));
    this.index.add(entry);
    return entry;
  }

  private remove(entry: Entry): void {
    if (!this.index.delete(entry)) return;
    entry.subscription.unsubscribe();
    this.calls.rejectPending(entry, 'unregistered');
    this.supervisor.forget(entry.plugin.name);
    this.services.actors.stop(entry.id);
    void entry.lease?.revokeNow();
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lifecycleChain.then(fn, fn);
    this.lifecycleChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private require(name: string, phase: string): Entry {
    const entry = this.index.get(name);
    if (!entry) {
      throw new PluginError(`no plugin named '${name}' is registered${this.index.knownNames()}`, { plugin: name, phase });
    }
    return entry;
  }
}

/** What is wrong with a recovery's restart request, if anything: a time or limit that is not a number would count nothing. */
function restartRequestProblem(request: PluginRestartRequest | undefined): string | undefined {
  if (typeof request !== 'object' || request === null || !Number.isFinite(request.at)) return `request.at must be a finite time in ms, got ${String(request?.at)}`;
  const intensity = request.intensity;
  if (intensity === undefined) return undefined;
  if (!Number.isInteger(intensity.maxRestarts) || intensity.maxRestarts < 0) return `request.intensity.maxRestarts must be an integer ≥ 0, got ${String(intensity.maxRestarts)}`;
  if (!(Number.isFinite(intensity.withinMs) && intensity.withinMs >= 0)) return `request.intensity.withinMs must be a number ≥ 0, got ${String(intensity.withinMs)}`;
  return undefined;
}

function describeName(plugin: unknown): string {
  const name = (plugin as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : String(name);
}
