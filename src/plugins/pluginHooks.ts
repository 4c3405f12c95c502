/**
 * The side effects behind the plugin machine's hook actors: a plugin's load
 * (its config section checked), initialize (a fresh context), execute (a
 * signal per call, the execution-time metric) and dispose (its context ended
 * whatever the hook did), each under its time budget, with abandoned hooks
 * counted in the plugin's actor and in the `plugin_abandoned_hooks` gauges.
 *
 * The load, initialize and dispose hooks finish synchronously when the plugin's
 * own hook does (and nothing else needs waiting for): with thousands of
 * plugins, a promise turn per hook is a large share of a lifecycle.
 */
import type { ExecuteEvent, PluginHookInput } from '../../machines/plugin.machine.js';
import { ConfigError } from '../errors/ConfigError.js';
import { toError } from '../errors/DataPrismError.js';
import { PluginError } from '../errors/PluginError.js';
import { checkConfigSection } from './configSchema.js';
import { runHook, type HookRun } from './hookBudget.js';
import { LazySignal, callContext } from './hookSignal.js';
import { createPluginContext } from './PluginContext.js';
import type { PluginHooks } from './pluginActors.js';
import type { Entry } from './pluginEntry.js';
import type { PluginServices } from './types.js';

/** What the hooks need from their registry. */
export interface HookSource {
  /** The registered entry of `name` (the machine runs hooks only for registered plugins). */
  entry(name: string): Entry;
  /** The services in use now. */
  services(): PluginServices;
  /** The plugin's config section. */
  configSection(name: string): unknown;
}

/** The registry's hooks, for `providePluginMachine`. */
export function createPluginHooks(source: HookSource): PluginHooks {
  /** Hooks abandoned past their budget and not settled yet, over every plugin (the `plugin_abandoned_hooks` gauge). */
  let abandonedTotal = 0;

  /** Counts a hook abandoned (or settled at last) in its plugin's actor and in the `plugin_abandoned_hooks` gauges. */
  const countAbandoned = (entry: Entry, type: 'HOOK.ABANDONED' | 'HOOK.SETTLED'): void => {
    abandonedTotal += type === 'HOOK.ABANDONED' ? 1 : -1;
    if (entry.actor.getSnapshot().status === 'active') entry.actor.send({ type });
    const { monitor, logger } = source.services();
    const gauge = monitor?.setGauge?.bind(monitor);
    if (gauge === undefined) return;
    try {
      gauge.call(monitor, 'plugin_abandoned_hooks', abandonedTotal);
      gauge.call(monitor, `plugin_abandoned_hooks:${entry.plugin.name}`, entry.actor.getSnapshot().context.abandoned);
    } catch (error) {
      logger.warn(`[plugins] recording plugin_abandoned_hooks failed: ${toError(error).message}`);
    }
  };

  /** A hook run of `entry`: its budget, what to abort when it overruns it, and the abandoned-hook count. */
  const hookRun = (entry: Entry, phase: string, abort: (reason: Error) => void, action?: string): HookRun => ({
    name: entry.plugin.name,
    component: entry.id,
    phase,
    ...(action === undefined ? {} : { action }),
    timeoutMs: entry.timeoutMs,
    abort,
    abandoned: () => countAbandoned(entry, 'HOOK.ABANDONED'),
    settled: () => countAbandoned(entry, 'HOOK.SETTLED'),
  });

  const startPlugin = (entry: Entry): void | Promise<void> => {
    const lease = createPluginContext(entry.plugin, source.configSection(entry.plugin.name), source.services());
    entry.lease = lease;
    // When the start ends (restart, dispose, shutdown), the calls running in it are told to stop too.
    lease.onAbort((reason) => {
      for (const call of entry.running) call.abortLazily(reason);
    });
    return runHook(() => entry.plugin.initialize(lease.context), () => hookRun(entry, 'initialize', (reason) => lease.abort(reason)));
  };

  return {
    load({ name }: PluginHookInput): void {
      const entry = source.entry(name);
      const schema = entry.plugin.configSchema;
      if (!schema) return;
      const issues = checkConfigSection(schema, source.configSection(name));
      if (issues.length > 0) {
        const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
        const cause = new ConfigError(`config section 'plugins.${name}' does not match the plugin's configSchema: ${detail}`, {
          key: `plugins.${name}`,
        });
        throw new PluginError(`plugin '${name}' cannot load: ${cause.message}; fix the config section`, { plugin: name, phase: 'load', cause });
      }
    },

    initialize({ name }: PluginHookInput): void | Promise<void> {
      const entry = source.entry(name);
      // A context left by an earlier start is ended before the new one begins.
      const previous = entry.lease?.revokeNow();
      if (previous !== undefined) return previous.then(() => startPlugin(entry));
      return startPlugin(entry);
    },

    execute(name: string, { action, params }: ExecuteEvent): Promise<unknown> {
      const entry = source.entry(name);
      // Each call gets its own signal: a call that overruns its budget is told to stop, the plugin goes on.
      const call = new LazySignal(entry.lease!.reportListenerError);
      const context = callContext(entry.lease!.context, call);
      entry.running.add(call);
      const { monitor, logger } = source.services();
      const start = monitor ? performance.now() : 0;
      // A monitor's failure must not turn a plugin's success into an error.
      const record = () => {
        try {
          monitor!.recordMetric('plugin_execution_time', performance.now() - start);
        } catch (error) {
          logger.warn(`[plugins] recording plugin_execution_time failed: ${toError(error).message}`);
        }
      };
      let running: unknown;
      try {
        running = runHook(() => entry.plugin.execute(action, params, context), () => hookRun(entry, 'execute', (reason) => call.abort(reason), action));
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
    },

    dispose({ name }: PluginHookInput): void | Promise<void> {
      const entry = source.entry(name);
      const lease = entry.lease;
      // A plugin that never reached initialize has nothing to dispose.
      if (!lease) return;
      entry.lease = undefined;
      let disposing: void | Promise<void>;
      try {
        disposing = runHook(() => entry.plugin.dispose(), () => hookRun(entry, 'dispose', (reason) => lease.abort(reason)));
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
    },
  };
}
