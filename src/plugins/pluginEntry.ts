/**
 * What the registry keeps per registered plugin: its validated object, its
 * actor (systemId `plugin:<name>`), the context of its current start, and the
 * calls it owes an answer. The plugin's state is its actor's, never a field here.
 */
import type { ActorRefFrom, Subscription } from 'xstate';
import { pluginStateName } from '../../machines/plugin.machine.js';
import type { PluginContextLease } from './PluginContext.js';
import type { LazySignal } from './hookSignal.js';
import type { ProvidedPluginMachine } from './pluginActors.js';
import type { DataPrismPlugin } from './types.js';

export type PluginActor = ActorRefFrom<ProvidedPluginMachine>;
export type PluginSnapshot = ReturnType<PluginActor['getSnapshot']>;

/** A call sent to a plugin (or waiting for a slot), and how to answer it. */
export interface Deferred {
  resolve(value: unknown): void;
  reject(error: Error): void;
  action: string;
  params: unknown;
  /** False for a re-run asked by a recovery: its failure goes back to that recovery, not to a new one. */
  report: boolean;
}

export interface Entry {
  readonly plugin: DataPrismPlugin;
  /** `plugin:<name>`: the actor's id and systemId, and the component named in errors. */
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
  readonly running: Set<LazySignal>;
}

/** The state of the entry's actor (`initialized`, `executing`, `error`, ...). */
export function stateOf(entry: Entry): string {
  return pluginStateName(entry.actor.getSnapshot().value);
}

/** True when the plugin can take a call now. */
export function isRunning(state: string): boolean {
  return state === 'initialized' || state === 'executing';
}
