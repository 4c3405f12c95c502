/**
 * The typed event map of the EventBus: the spec's SystemEvents, the plugin
 * lifecycle events (bridged as `plugin:<phase>`), and the events of recovery
 * and resources. Every payload is an exported type.
 */

/** Options and loggers used across components. */
export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

/** The spec's system events. */
export interface SystemEvents {
  'orchestrator:initialized': { timestamp: number };
  'orchestrator:shutdown': { timestamp: number };
  'engine:ready': { version: string };
  'plugin:loaded': { name: string; version: string };
  'plugin:error': { name: string; error: Error; phase?: string };
  'resource:allocated': { type: string; size: number; id?: string; owner?: string };
  'resource:freed': { type: string; size: number; id?: string; owner?: string };
  'error:recovered': { error: Error; recovery: string };
}

/** The spec's plugin lifecycle payloads, keyed by phase. */
export interface PluginLifecycle {
  loading: { name: string };
  loaded: { name: string };
  initializing: { name: string };
  initialized: { name: string };
  executing: { name: string; action: string };
  executed: { name: string; action: string; result: unknown };
  disposing: { name: string };
  disposed: { name: string };
  error: { name: string; phase: string; error: Error };
}

/** Lifecycle events as they appear on the bus: `plugin:loading`, `plugin:executed`, ... */
export type PluginLifecycleEvents = {
  [K in keyof PluginLifecycle as `plugin:${K}`]: PluginLifecycle[K];
};

/** Events beyond the spec's list that the orchestrator also emits. */
export interface OrchestratorEvents {
  /** A component failed but can recover; the orchestrator is `degraded`. */
  'orchestrator:degraded': { component: string; error: Error };
  /** Every degraded component recovered; the orchestrator is `ready` again. */
  'orchestrator:restored': { component: string };
  /** The orchestrator could not start. */
  'orchestrator:failed': { error: Error };
  /** An error was reported to the ErrorHandler. */
  'error:reported': { error: Error; category: string; component: string; operation?: string };
  /** A recovery gave up and handed the error on. */
  'error:escalated': { error: Error; recovery: string; reason: string };
  /** A circuit breaker opened after `failures` consecutive failures: calls are refused until it half-opens. */
  'circuit:opened': { name: string; failures: number };
  /** A circuit breaker lets one trial call through. */
  'circuit:halfOpen': { name: string };
  /** A circuit breaker closed again after a successful trial. */
  'circuit:closed': { name: string };
  /** An option changed in the ConfigManager. */
  'config:changed': { key: string; value: unknown; previous: unknown };
  /** Resource usage crossed a high-water mark. */
  'resource:highWater': { mark: number; allocated: number; total: number };
}

/** Every event name the library itself emits, with its payload. */
export type EventMap = SystemEvents & PluginLifecycleEvents & OrchestratorEvents;

/** The names of the library's own events. */
export type KnownEvent = keyof EventMap;

/** Payload of a known event; `unknown` for any other name. */
export type EventPayload<E extends string> = E extends KnownEvent ? EventMap[E] : unknown;

/**
 * A subscriber. It receives the payload and the event's name (useful for the
 * `'*'` wildcard, which receives every event).
 */
// `any` by default: a handler typed for one event's payload must fit where the bus keeps handlers of every event.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventHandler<T = any> = (data: T, event: string) => void | Promise<void>;
