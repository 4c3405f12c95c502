/**
 * The event namespaces the library itself emits under (`orchestrator:*`,
 * `engine:*`, `plugin:*`, ...). A plugin emits only `<its name>:*`, so a plugin
 * whose name were one of these could forge the library's own events
 * (`orchestrator:shutdown`, `engine:ready`, `plugin:loaded` for another plugin);
 * such names are refused at registration.
 *
 * The list is derived from the types of what is emitted — the EventBus's
 * EventMap and every machine's `emitted` union — and the compiler checks that
 * the runtime record below names exactly those namespaces: adding an event under
 * a new prefix anywhere fails the build until the prefix is reserved here.
 */
import type { CircuitBreakerEmitted } from '../../machines/circuitBreaker.machine.js';
import type { EngineEmitted } from '../../machines/engine.machine.js';
import type { OrchestratorEmitted } from '../../machines/orchestrator.machine.js';
import type { PluginEmittedEvent } from '../../machines/plugin.machine.js';
import type { RecoveryEmitted } from '../../machines/recovery.machine.js';
import type { KnownEvent } from './types.js';

/** The name of every event the library emits: the EventBus's map and the machines' emits. */
export type LibraryEventName =
  | KnownEvent
  | (CircuitBreakerEmitted | EngineEmitted | OrchestratorEmitted | PluginEmittedEvent | RecoveryEmitted)['type'];

/** The part of an event name before its first `:`. */
export type NamespaceOf<E extends string> = E extends `${infer N}:${string}` ? N : never;

/** A namespace the library emits under. */
export type ReservedNamespace = NamespaceOf<LibraryEventName>;

// A mapped type over the union: a missing or an extra key is a compile error.
const RESERVED: { readonly [N in ReservedNamespace]: true } = {
  orchestrator: true,
  engine: true,
  plugin: true,
  error: true,
  resource: true,
  config: true,
  circuit: true,
};

/** Every namespace the library emits under, sorted. */
export const RESERVED_NAMESPACES: readonly ReservedNamespace[] = Object.freeze((Object.keys(RESERVED) as ReservedNamespace[]).sort());

/**
 * The reserved namespace `name` is or looks like, or undefined. Compared after
 * Unicode compatibility folding and case folding, so `Orchestrator` or a
 * full-width `ｅｎｇｉｎｅ` (which a log or a viewer shows like the real one) is
 * refused too.
 */
export function reservedNamespaceOf(name: string): ReservedNamespace | undefined {
  const folded = name.normalize('NFKC').toLowerCase();
  return Object.hasOwn(RESERVED, folded) ? (folded as ReservedNamespace) : undefined;
}
