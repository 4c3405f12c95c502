/**
 * Counts every event of an EventBus into the monitor: one counter per event
 * name (`events.plugin:loaded`, ...), through the bus's `'*'` wildcard. The
 * counter name of each event is built once and cached, so counting an event
 * costs a Map lookup and an increment.
 */
import type { PerformanceMonitor } from './PerformanceMonitor.js';

/** The part of the EventBus this needs: subscribe to and leave the wildcard. */
export interface WildcardSource {
  on(event: '*', handler: (data: unknown, event: string) => void): void;
  off(event: '*', handler: (data: unknown, event: string) => void): void;
}

/**
 * Increments the counter `${prefix}${event}` for every event `bus` emits.
 * `prefix` defaults to `'events.'`. Returns a function that stops counting.
 */
export function countEvents(monitor: PerformanceMonitor, bus: WildcardSource, prefix = 'events.'): () => void {
  const count = eventCounter(monitor, prefix);
  const handler = (_data: unknown, event: string): void => count(event);
  bus.on('*', handler);
  return () => bus.off('*', handler);
}

/** A function that increments `${prefix}${event}` for the event it is given (for a bus observer). */
export function eventCounter(monitor: PerformanceMonitor, prefix = 'events.'): (event: string) => void {
  const names = new Map<string, string>();
  return (event) => {
    let name = names.get(event);
    if (name === undefined) {
      name = `${prefix}${event}`;
      names.set(event, name);
    }
    monitor.incrementCounter(name);
  };
}
