/**
 * Observers of every event a bus carries that are not listeners: the library's
 * own wiring (event counters, the memory gauge, event logging) watches the bus
 * this way, so `listEvents()` shows only users' subscriptions and a user's
 * `removeAllListeners()` cannot stop monitoring. An observer's failure is logged,
 * never thrown into the emitter.
 */
import type { Logger } from './types.js';

/** Sees each event (name, payload) as it is emitted, before its handlers run. */
export type EventObserver = (event: string, data: unknown) => void;

/** A copy-on-write list of observers: notifying walks the current array without copying it. */
export class ObserverList {
  private list: readonly EventObserver[] = [];

  constructor(private readonly logger: () => Logger) {}

  /** How many observers there are (0 keeps an emit free of any observer work). */
  get size(): number {
    return this.list.length;
  }

  /** Adds `observer`; returns a function that removes it. */
  add(observer: EventObserver): () => void {
    this.list = [...this.list, observer];
    return () => {
      this.list = this.list.filter((o) => o !== observer);
    };
  }

  /** Tells every observer about `event`. */
  notify(event: string, data: unknown): void {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(event, data);
      } catch (error) {
        this.logger().error(`[event] an internal observer of '${event}' threw`, error);
      }
    }
  }
}
