/**
 * The EventBus: the spec's interface and a mitt-style implementation — a Map of
 * handler arrays. Arrays are copy-on-write (replaced on `on`/`off`), so `emit`
 * walks the current array without copying it. A throwing handler never stops the
 * others or the emitter; its error goes to `onHandlerError` (the ErrorHandler),
 * and an error raised while that report is itself being delivered is logged
 * instead of re-entering the handler, so a bad handler cannot recurse.
 * Object payloads are deep-frozen before the first handler runs (see
 * freezePayload.ts): every subscriber, and the emitter, sees the same value.
 */
import type { EventHandler, EventPayload, Logger } from './types.js';
import { toError } from '../errors/DataPrismError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { freezePayload } from './freezePayload.js';
import { ObserverList, type EventObserver } from './observers.js';

/** The wildcard: a handler on `'*'` receives every event. */
export const WILDCARD = '*';

/** The spec's EventBus. Known events are typed by `EventMap`; any other name is allowed. */
export interface EventBus {
  on<E extends string>(event: E, handler: EventHandler<EventPayload<E>>): void;
  off<E extends string>(event: E, handler: EventHandler<EventPayload<E>>): void;
  once<E extends string>(event: E, handler: EventHandler<EventPayload<E>>): void;
  emit<E extends string>(event: E, data?: EventPayload<E>): void;
  listEvents(): string[];
  hasListeners(event: string): boolean;
  removeAllListeners(event?: string): void;
}

export interface EventBusOptions {
  /** Log every emitted event through `logger.debug`. Default `false`. */
  logEvents?: boolean;
  /** Where event logs and undeliverable handler errors go. Default: `console`. */
  logger?: Logger;
  /** Receives a handler's error (thrown or rejected). Default: `logger.error`. */
  onHandlerError?: (error: Error, event: string) => void;
}

type Handler = EventHandler<unknown>;

export class DefaultEventBus implements EventBus {
  private readonly handlers = new Map<string, readonly Handler[]>();
  /** Per event, maps a `once` handler to its wrapper so `off(event, handler)` removes it. */
  private readonly onceWrappers = new Map<string, Map<Handler, Handler>>();
  private logEvents: boolean;
  private logger: Logger;
  private onHandlerError: ((error: Error, event: string) => void) | undefined;
  private reportingHandlerError = false;
  private readonly observers = new ObserverList(() => this.logger);

  constructor(options: EventBusOptions = {}) {
    this.logEvents = options.logEvents ?? false;
    this.logger = options.logger ?? console;
    this.onHandlerError = options.onHandlerError;
  }

  /**
   * Adds an observer of every emitted event that is not a listener: `listEvents`,
   * `hasListeners` and `removeAllListeners` do not see it, and it runs before the
   * handlers. For the library's own wiring; returns a function that removes it.
   */
  observe(observer: EventObserver): () => void {
    return this.observers.add(observer);
  }

  /** Turns event logging on or off and replaces the logger. */
  configureLogging(logEvents: boolean, logger?: Logger): void {
    this.logEvents = logEvents;
    if (logger) this.logger = logger;
  }

  /** Sets where handler errors go (the orchestrator routes them to its ErrorHandler). */
  setHandlerErrorSink(sink: ((error: Error, event: string) => void) | undefined): void {
    this.onHandlerError = sink;
  }

  on<E extends string>(event: E, handler: EventHandler<EventPayload<E>>): void {
    assertHandler(event, handler);
    const list = this.handlers.get(event);
    this.handlers.set(event, list ? [...list, handler as Handler] : [handler as Handler]);
  }

  off<E extends string>(event: E, handler: EventHandler<EventPayload<E>>): void {
    const list = this.handlers.get(event);
    if (!list) return;
    const wrappers = this.onceWrappers.get(event);
    const target = wrappers?.get(handler as Handler) ?? (handler as Handler);
    const index = list.lastIndexOf(target);
    if (index < 0) return;
    wrappers?.delete(handler as Handler);
    if (list.length === 1) this.handlers.delete(event);
    else this.handlers.set(event, [...list.slice(0, index), ...list.slice(index + 1)]);
  }

  once<E extends string>(event: E, handler: EventHandler<EventPayload<E>>): void {
    assertHandler(event, handler);
    const original = handler as Handler;
    const wrapper: Handler = (data, name) => {
      this.off(event, original as EventHandler<EventPayload<E>>);
      return original(data, name);
    };
    let wrappers = this.onceWrappers.get(event);
    if (wrappers === undefined) this.onceWrappers.set(event, (wrappers = new Map()));
    wrappers.set(original, wrapper);
    const list = this.handlers.get(event);
    this.handlers.set(event, list ? [...list, wrapper] : [wrapper]);
  }

  emit<E extends string>(event: E, data?: EventPayload<E>): void {
    // Frozen whether or not anyone listens, so an emitter never finds its value frozen only sometimes.
    if (typeof data === 'object' && data !== null) freezePayload(data);
    if (this.logEvents) this.logger.debug(`[event] ${event}`, data);
    if (this.observers.size !== 0) this.observers.notify(event, data);
    const list = this.handlers.get(event);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) this.call(list[i]!, data, event);
    }
    if (event !== WILDCARD) {
      const all = this.handlers.get(WILDCARD);
      if (all !== undefined) {
        for (let i = 0; i < all.length; i++) this.call(all[i]!, data, event);
      }
    }
  }

  listEvents(): string[] {
    return [...this.handlers.keys()];
  }

  hasListeners(event: string): boolean {
    return (this.handlers.get(event)?.length ?? 0) > 0;
  }

  removeAllListeners(event?: string): void {
    if (event === undefined) {
      this.handlers.clear();
      this.onceWrappers.clear();
    } else {
      this.handlers.delete(event);
      this.onceWrappers.delete(event);
    }
  }

  private call(handler: Handler, data: unknown, event: string): void {
    try {
      const result = handler(data, event);
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).then(undefined, (error: unknown) => this.handlerFailed(toError(error), event));
      }
    } catch (error) {
      this.handlerFailed(toError(error), event);
    }
  }

  private handlerFailed(error: Error, event: string): void {
    const sink = this.onHandlerError;
    if (sink === undefined || this.reportingHandlerError) {
      this.logger.error(`[event] a handler of '${event}' threw: ${error.message}`, error);
      return;
    }
    this.reportingHandlerError = true;
    try {
      sink(error, event);
    } catch (sinkError) {
      this.logger.error(`[event] reporting a handler error of '${event}' failed`, sinkError);
    } finally {
      this.reportingHandlerError = false;
    }
  }
}

function assertHandler(event: unknown, handler: unknown): void {
  if (typeof event !== 'string' || event.length === 0) {
    throw new ValidationError(`EventBus: the event name must be a non-empty string, got ${String(event)}`, { component: 'events' });
  }
  if (typeof handler !== 'function') {
    throw new ValidationError(`EventBus: the handler for '${event}' must be a function, got ${typeof handler}`, { component: 'events' });
  }
}

/** A new, empty EventBus. */
export function createEventBus(options?: EventBusOptions): DefaultEventBus {
  return new DefaultEventBus(options);
}
