/**
 * The library's internal event channel over the orchestrator's bus (its own
 * DefaultEventBus or a user's `eventBus`). Every component emits through it, and
 * the orchestrator's wiring observes it; subscriptions go to the bus itself. A
 * user bus needs only the spec's seven methods: nothing here subscribes to it,
 * relies on a `'*'` wildcard, or is undone by its `removeAllListeners()`.
 */
import { DefaultEventBus, type EventBus } from './EventBus.js';
import { ObserverList, type EventObserver } from './observers.js';
import type { Logger } from './types.js';

/** An EventBus whose emits the library can also observe. */
export interface EventChannel extends EventBus {
  /** Adds an observer of every event emitted through the channel; returns a function that removes it. */
  observe(observer: EventObserver): () => void;
}

/**
 * The channel of `bus`. A DefaultEventBus observes itself (so users' own emits
 * are seen too); any other bus is wrapped, and its observers see what the
 * library and its plugins emit.
 */
export function eventChannel(bus: EventBus, logger: Logger): EventChannel {
  if (bus instanceof DefaultEventBus) return bus;
  const observers = new ObserverList(() => logger);
  return {
    on: (event, handler) => bus.on(event, handler),
    off: (event, handler) => bus.off(event, handler),
    once: (event, handler) => bus.once(event, handler),
    emit: (event, data) => {
      if (observers.size !== 0) observers.notify(event, data);
      bus.emit(event, data);
    },
    listEvents: () => bus.listEvents(),
    hasListeners: (event) => bus.hasListeners(event),
    removeAllListeners: (event) => bus.removeAllListeners(event),
    observe: (observer) => observers.add(observer),
  };
}
