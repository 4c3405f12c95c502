/**
 * The types of the recovery runtime: a strategy (a machine of the strategy shape
 * plus what the model checker and the runtime need to know about it) and the host
 * the runtime acts through (which the orchestrator implements).
 */
import type { AnyStateMachine } from 'xstate';
import type { RestartIntensity } from '../../../machines/restartIntensity.js';
import type { ErrorCategory } from '../DataPrismError.js';
import type { ActorHost } from '../../orchestrator/ActorHost.js';
import type { EventBus } from '../../events/EventBus.js';
import type { Logger } from '../../events/types.js';
import type { CircuitBreaker } from './CircuitBreaker.js';

/** A recovery strategy: a machine of the strategy shape (see machines/recovery.machine.ts). */
export interface RecoveryStrategy {
  /** Its name, reported as `strategy` and as `recovery` in `error:recovered` / `error:escalated`. */
  name: string;
  /** The machine; its input is a RecoveryInput. */
  machine: AnyStateMachine;
  /** Whether it fits an error. Default: it fits every error. */
  appliesTo?(error: Error, category: ErrorCategory): boolean;
  /** Attempts at most (the model checker checks `attempts ≤ bound`). */
  bound?: number;
  /** The shortest wait before any retry, in ms (the model checker checks it). */
  minBackoffMs?: number;
  /** Runtime part of a fallback strategy: produces the substitute value. */
  fallback?: (error: Error) => unknown;
  /** Runtime part of a circuit-breaker strategy: every attempt goes through this breaker. */
  breaker?: CircuitBreaker;
  /** Runtime part of a composition: the stages, supplied to the machine as `stage0`, `stage1`, ... */
  stages?: readonly RecoveryStrategy[];
}

export type { RestartIntensity } from '../../../machines/restartIntensity.js';

/** A restart a recovery asks for. */
export interface PluginRestartRequest {
  /** When it is asked, by the recovery runtime's clock (ms): the time recorded in the plugin's restart log. */
  at: number;
  /** The restart intensity it must stay within (a restart strategy's); without it, it is never refused for intensity. */
  intensity?: RestartIntensity;
}

/** What the recovery runtime acts through. The orchestrator implements it; tests fake it. */
export interface RecoveryHost {
  /** Where recovery actors are spawned (and stopped when finished). */
  actors: ActorHost;
  /**
   * Disposes the plugin and initializes it again from a clean state, as a
   * recovery asked. The host owns the plugin's restart log: it checks
   * `request.intensity` against the log and records the restart in one step,
   * and rejects with a RestartIntensityError (the plugin left as it is) when
   * the restart would exceed it.
   */
  restartPlugin(name: string, request: PluginRestartRequest): Promise<void>;
  /** When each restart of the plugin began (ms, oldest first), as the host recorded them; the restart strategy decides from it. */
  restartLog(name: string): readonly number[];
  /** The plugins that depend on `name`, in the order to restart them. */
  dependentsOf(name: string): string[];
  /** The plugin's lifecycle state; `disposed` means it is never restarted. */
  pluginState(name: string): string | undefined;
  /** Frees what can be freed (ResourceManager.cleanup()). */
  cleanupResources(): Promise<void>;
  /** Where `plugin:error` and the like are emitted. */
  bus?: EventBus;
  /** Where recovery logs go. */
  logger?: Logger;
}
