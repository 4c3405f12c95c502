/**
 * A RecoveryHost for use without an orchestrator: actors run as root actors, and
 * plugin restarts and cleanup go to the callbacks given (a restart without one
 * fails with a PluginError saying so, and the recovery escalates). Restart logs
 * have one owner: a `restartLog` given with `restartPlugin` (e.g. a
 * PluginRegistry's, whose supervisor checks intensity where it records), else
 * this host, which then checks each restart's intensity and records it before
 * calling `restartPlugin`, in one synchronous step.
 */
import { recordRestart, withinIntensity } from '../../../machines/restartIntensity.js';
import { createStandaloneActorHost, type ActorHost } from '../../orchestrator/ActorHost.js';
import type { EventBus } from '../../events/EventBus.js';
import type { Logger } from '../../events/types.js';
import { PluginError } from '../PluginError.js';
import { RestartIntensityError } from '../RestartIntensityError.js';
import type { PluginRestartRequest, RecoveryHost } from './types.js';

/** Callbacks of a standalone host; every one is optional. */
export interface StandaloneRecoveryHostOptions {
  /** Where events go (recoveries' emitted events, `plugin:error`). */
  bus?: EventBus;
  /** Where logs go. */
  logger?: Logger;
  /** Where actors run. Default: a standalone ActorHost bridged to `bus`. */
  actors?: ActorHost;
  /**
   * Restarts a plugin. Default: fails (there is no plugin registry). Given
   * without `restartLog`, it is called only for restarts within their
   * intensity, each recorded by this host first.
   */
  restartPlugin?: (name: string, request: PluginRestartRequest) => Promise<void>;
  /**
   * A plugin's restart log, kept by whoever restarts (e.g. `(name) => registry.restartLog(name)`);
   * then `restartPlugin` must check intensity and record restarts itself (as `registry.restartForRecovery` does).
   * Default: this host keeps the log.
   */
  restartLog?: (name: string) => readonly number[];
  /** A plugin's dependents. Default: none. */
  dependentsOf?: (name: string) => string[];
  /** A plugin's lifecycle state. Default: unknown. */
  pluginState?: (name: string) => string | undefined;
  /** Frees resources (e.g. `() => resources.cleanup()`). Default: nothing to free. */
  cleanupResources?: () => Promise<unknown>;
}

/** A RecoveryHost made of the callbacks given. */
export function createStandaloneRecoveryHost(options: StandaloneRecoveryHostOptions = {}): RecoveryHost {
  const logger = options.logger;
  const actors =
    options.actors ??
    createStandaloneActorHost({
      ...(options.bus ? { bus: options.bus } : {}),
      onError: (error, id) => logger?.error(`[recovery] actor ${id} failed`, error),
    });
  const restart =
    options.restartPlugin ??
    (async (name: string) => {
      throw new PluginError(`cannot restart plugin '${name}': no plugin registry is attached to this error handler`, { plugin: name, phase: 'restart' });
    });
  let restartPlugin = restart;
  let restartLog = options.restartLog;
  if (restartLog === undefined) {
    const logs = new Map<string, readonly number[]>();
    restartLog = (name) => logs.get(name) ?? [];
    restartPlugin = async (name, request) => {
      // Checked and recorded before the first await: a concurrent recovery of the same plugin sees this restart.
      const log = logs.get(name) ?? [];
      const { intensity } = request;
      if (intensity !== undefined && !withinIntensity(log, request.at, intensity)) {
        throw RestartIntensityError.fromLog(name, log, request.at, intensity);
      }
      if (options.restartPlugin !== undefined) logs.set(name, recordRestart(log, request.at, intensity?.maxRestarts));
      await restart(name, request);
    };
  }
  const host: RecoveryHost = {
    actors,
    restartPlugin,
    restartLog,
    dependentsOf: options.dependentsOf ?? (() => []),
    pluginState: options.pluginState ?? (() => undefined),
    cleanupResources: async () => {
      await options.cleanupResources?.();
    },
  };
  if (options.bus) host.bus = options.bus;
  if (logger) host.logger = logger;
  return host;
}
