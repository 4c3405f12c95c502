/**
 * A RecoveryHost for use without an orchestrator: actors run as root actors, and
 * plugin restarts and cleanup go to the callbacks given (a restart without one
 * fails with a PluginError saying so, and the recovery escalates).
 */
import { createStandaloneActorHost, type ActorHost } from '../../orchestrator/ActorHost.js';
import type { EventBus } from '../../events/EventBus.js';
import type { Logger } from '../../events/types.js';
import { PluginError } from '../PluginError.js';
import type { RecoveryHost } from './types.js';

/** Callbacks of a standalone host; every one is optional. */
export interface StandaloneRecoveryHostOptions {
  /** Where events go (recoveries' emitted events, `plugin:error`). */
  bus?: EventBus;
  /** Where logs go. */
  logger?: Logger;
  /** Where actors run. Default: a standalone ActorHost bridged to `bus`. */
  actors?: ActorHost;
  /** Restarts a plugin. Default: fails (there is no plugin registry). */
  restartPlugin?: (name: string) => Promise<void>;
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
  const host: RecoveryHost = {
    actors,
    restartPlugin:
      options.restartPlugin ??
      (async (name) => {
        throw new PluginError(`cannot restart plugin '${name}': no plugin registry is attached to this error handler`, { plugin: name, phase: 'restart' });
      }),
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
