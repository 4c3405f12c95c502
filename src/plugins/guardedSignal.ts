/**
 * `context.signal` with its listeners guarded: a plugin's abort listener that
 * throws, or returns a promise that rejects, is reported instead of crashing
 * the process. Node reports an EventTarget listener's error as an uncaught
 * exception on a later tick, so the runtime aborting a plugin's signal (its
 * budget ran out, a restart, dispose, shutdown) would otherwise let one
 * careless listener end the host. The signal stays a real AbortSignal
 * (`instanceof`, `aborted`, `reason`, `throwIfAborted`, `AbortSignal.any`);
 * only `addEventListener`, `removeEventListener` and `onabort` on this one
 * instance wrap what the plugin passes in. A signal the plugin derives itself
 * (`AbortSignal.any([context.signal])`) is its own, and so are its listeners.
 */
import { toError } from '../errors/DataPrismError.js';
import { PluginError } from '../errors/PluginError.js';
import type { PluginErrorContext, PluginServices } from './types.js';

type Listener = EventListenerOrEventListenerObject;

/** Guards the listeners later added to `signal` (see the header); returns `signal`. */
export function guardListeners(signal: AbortSignal, report: (error: Error) => void): AbortSignal {
  const wrapped = new WeakMap<object, EventListener>();
  const guard = (listener: Listener): EventListener => {
    let guarded = wrapped.get(listener);
    if (guarded === undefined) {
      guarded = function (this: unknown, event: Event): void {
        try {
          const result: unknown = typeof listener === 'function' ? listener.call(this, event) : listener.handleEvent(event);
          if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
            (result as PromiseLike<unknown>).then(undefined, (error: unknown) => report(toError(error)));
          }
        } catch (error) {
          report(toError(error));
        }
      };
      wrapped.set(listener, guarded);
    }
    return guarded;
  };
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  let handler: ((this: AbortSignal, event: Event) => unknown) | null = null;
  let handlerListener: EventListener | undefined;
  Object.defineProperties(signal, {
    addEventListener: {
      // A null listener is accepted and ignored, as by EventTarget itself.
      value: (type: string, listener: Listener | null, options?: boolean | AddEventListenerOptions) => {
        if (listener !== null && listener !== undefined) add(type, guard(listener), options);
      },
    },
    removeEventListener: {
      value: (type: string, listener: Listener | null, options?: boolean | EventListenerOptions) => {
        if (listener !== null && listener !== undefined) remove(type, wrapped.get(listener) ?? listener, options);
      },
    },
    onabort: {
      get: () => handler,
      set: (value: unknown) => {
        if (handlerListener !== undefined) remove('abort', handlerListener);
        handlerListener = undefined;
        handler = typeof value === 'function' ? (value as (this: AbortSignal, event: Event) => unknown) : null;
        if (handler !== null) {
          // A fresh wrapper per assignment, so the same function set twice is still one handler.
          const current = handler;
          handlerListener = guard(function (this: unknown, event: Event) {
            return current.call(this as AbortSignal, event);
          });
          add('abort', handlerListener);
        }
      },
    },
  });
  return signal;
}

/** Where a guarded listener's error goes: the ErrorHandler when there is one, else the logger. Never throws. */
export function listenerErrorReporter(name: string, services: Pick<PluginServices, 'errors' | 'logger'>): (error: Error) => void {
  return (cause) => {
    const error = new PluginError(
      `plugin '${name}': a listener on context.signal failed when the signal aborted (${cause.message}); catch errors inside abort listeners`,
      { plugin: name, phase: 'abort listener', cause },
    );
    const logFailure = (e: unknown) => services.logger.error(`[plugins] ${error.message} (and reporting it failed: ${toError(e).message})`);
    try {
      if (services.errors === undefined) {
        services.logger.error(`[plugins] ${error.message}`, cause);
        return;
      }
      const context: PluginErrorContext = { component: `plugin:${name}`, operation: 'abort listener', timestamp: Date.now(), plugin: name, metadata: { phase: 'abort listener' } };
      const result = services.errors.handle(error, context);
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') (result as PromiseLike<unknown>).then(undefined, logFailure);
    } catch (e) {
      logFailure(e);
    }
  };
}
