/**
 * The registry's start and stop sequences: initialize every loaded plugin in
 * dependency order (a plugin is ready once its dependencies are initialized; the
 * supervisor decides when a ready one starts: at most `maxConcurrency` at once,
 * FIFO, none after SHUTDOWN; a failure skips what depends on it), and dispose
 * every plugin dependents first (the supervisor's stop slots bound how many at
 * once). A disposal is announced to the supervisor (no restart may begin
 * meanwhile) and asked again while a restart keeps the plugin from reaching
 * `disposed`.
 */
import { pluginStateName } from '../../machines/plugin.machine.js';
import { toError } from '../errors/DataPrismError.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { PluginError } from '../errors/PluginError.js';
import { allSettled, isSettled, settled, waitForState } from './actorWait.js';
import { findCycle, formatCycle } from './dependencyGraph.js';
import { isRunning, stateOf, type Entry } from './pluginEntry.js';
import type { PluginIndex } from './pluginIndex.js';
import { shutdownRefusal } from './refusals.js';
import { runInDependencyOrder } from './schedule.js';
import type { Supervisor } from './supervisor.js';
import type { InitializeReport } from './types.js';
import { satisfiesRange } from './versions.js';

/** How often `dispose` asks before giving up on a plugin that keeps being restarted. */
const MAX_DISPOSE_REQUESTS = 8;

/** What the sequences need from their registry. */
export interface LifecycleSource {
  index: PluginIndex;
  supervisor(): Supervisor;
  /** Takes a disposed plugin out of the registry (its actor stopped). */
  remove(entry: Entry): void;
}

/** Initializes every loaded plugin in dependency order; resolves with what started and what failed (and why). */
export async function initializeLoaded(source: LifecycleSource): Promise<InitializeReport> {
  const { index } = source;
  const report: InitializeReport = { initialized: [], failed: [] };
  // Plugins mid-load or mid-restart are waited for, so the candidate set is stable.
  await allSettled([...index.values()].map((e) => e.actor));
  const candidates = new Set<string>();
  for (const entry of index.values()) if (stateOf(entry) === 'loaded') candidates.add(entry.plugin.name);
  const failed = (name: string, error: Error) => {
    report.failed.push({ name, error });
    const entry = index.get(name);
    if (entry && stateOf(entry) === 'loaded') entry.actor.send({ type: 'FAIL', phase: 'initialize', error });
  };
  const outcome = await runInDependencyOrder({
    nodes: candidates,
    prerequisitesOf: (name) => index.dependencyNames(name),
    // Every ready plugin asks at once: the supervisor's start slots bound how many initialize.
    concurrency: Number.POSITIVE_INFINITY,
    run: async (name) => {
      const supervisor = source.supervisor();
      if (!(await startSlot(supervisor))) {
        const refused = shutdownRefusal(name, 'initialize');
        failed(name, refused);
        return refused;
      }
      try {
        const entry = index.get(name);
        if (!entry) return new PluginError(`plugin '${name}' was unregistered during initializeAll()`, { plugin: name, phase: 'initialize' });
        // Checked when its turn comes: by then every dependency in this run has finished.
        const problem = unsatisfiable(index, name, candidates);
        if (problem) {
          failed(name, problem);
          return problem;
        }
        entry.actor.send({ type: 'INITIALIZE' });
        const snapshot = await waitForState(entry.actor, (s) => s.value !== 'initializing' && s.value !== 'loaded');
        if (isRunning(pluginStateName(snapshot.value))) {
          report.initialized.push(name);
          return undefined;
        }
        const error = toError(snapshot.context.lastError);
        report.failed.push({ name, error });
        return error;
      } finally {
        supervisor.startEnded();
      }
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
    const cycle = findCycle(name, (n) => index.dependencyNames(n));
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

/** Resolves true once the supervisor grants a start slot, false when it never will (SHUTDOWN came first). */
function startSlot(supervisor: Supervisor): Promise<boolean> {
  return new Promise((resolve) => supervisor.requestStart({ start: () => resolve(true), drop: () => resolve(false) }));
}

/** Why `name` can never initialize now (a missing, mismatched or failed dependency), or undefined. */
function unsatisfiable(index: PluginIndex, name: string, candidates: ReadonlySet<string>): PluginError | undefined {
  const plugin = index.get(name)!.plugin;
  for (const dep of plugin.dependencies ?? []) {
    const found = index.get(dep.name);
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
    const state = stateOf(found);
    if (!candidates.has(dep.name) && !isRunning(state)) {
      return new PluginError(
        `plugin '${name}' was not initialized because its dependency '${dep.name}' is ${state}; restart '${dep.name}' first`,
        { plugin: name, phase: 'initialize' },
      );
    }
  }
  return undefined;
}

/** Disposes and removes every plugin, a plugin only after its dependents. */
export async function disposeAllInReverseOrder(source: LifecycleSource): Promise<void> {
  const { index } = source;
  await allSettled([...index.values()].map((e) => e.actor));
  const disposeAndRemove = async (name: string) => {
    const entry = index.get(name);
    if (!entry) return;
    await dispose(source.supervisor(), entry);
    source.remove(entry);
  };
  const outcome = await runInDependencyOrder({
    nodes: new Set(index.names()),
    // Reverse order: a plugin waits for its dependents to be disposed.
    prerequisitesOf: (name) => index.registeredDependents(name),
    // Every plugin whose dependents are disposed asks at once: the supervisor's stop slots bound how many dispose.
    concurrency: Number.POSITIVE_INFINITY,
    run: async (name) => {
      await disposeAndRemove(name);
      return undefined;
    },
  });
  // Only a cycle could block, and register refuses cycles; dispose the rest anyway.
  await Promise.all(outcome.blocked.map(disposeAndRemove));
}

function disposedWhile(name: string, what: string): LifecycleError {
  return new LifecycleError(`plugin '${name}' is being disposed while it ${what}; stop the hook when context.signal aborts`, { component: `plugin:${name}`, state: 'disposing' });
}

/** Disposes one plugin through its actor once the supervisor grants a stop slot; no restart begins meanwhile. */
export async function dispose(supervisor: Supervisor, entry: Entry): Promise<void> {
  await new Promise<void>((granted) => supervisor.requestDispose(entry.plugin.name, granted));
  try {
    // The machine drops DISPOSE while a restart is initializing it, and a recovery may
    // restart it meanwhile: ask until it is disposed, each time from a settled state
    // (or at once mid-execution, where the machine defers DISPOSE and refuses new requests).
    // A hook that finishes synchronously leaves the actor settled at once: no need to wait then.
    for (let asked = 0; asked < MAX_DISPOSE_REQUESTS; asked++) {
      let snapshot = entry.actor.getSnapshot();
      // A start still running (initializeAll's, or a restart's) is told to stop: the
      // plugin is going away, so waiting for it would cost up to its whole time budget.
      if (snapshot.value === 'initializing') entry.lease?.abort(disposedWhile(entry.plugin.name, 'initializes'));
      // The same for its execute calls: DISPOSE waits for them, so they are told to stop too.
      for (const call of entry.running) call.abort(disposedWhile(entry.plugin.name, 'runs a call'));
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
    supervisor.disposeEnded(entry.plugin.name);
  }
}
