/**
 * How a plugin's hooks are told to stop: every hook's context carries an
 * AbortSignal (`context.signal`), aborted when the hook's time budget runs out,
 * when its plugin is restarted or disposed, and at shutdown. A context whose
 * signal is aborted refuses further engine, resource and event calls, so a hook
 * that ignores the signal still cannot act on the engine any more.
 */
import { LifecycleError } from '../errors/LifecycleError.js';
import { toError } from '../errors/DataPrismError.js';
import { guardListeners } from './guardedSignal.js';
import type { PluginContext } from './types.js';

/** What `refuseAborted` reads: an AbortSignal, or a LazySignal. */
export interface AbortState {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/**
 * A hook's stop flag: what `context.signal` reads, made only when it is read.
 * An AbortController per start or per call cost as much as the rest of a
 * hook, and a hook that never reads the signal cannot tell the difference (its
 * context's engine calls are refused either way). The reason may be given as a
 * function, called only when someone reads it: an error (and its stack) per
 * disposal of thousands of idle plugins was a large share of their shutdown.
 */
export class LazySignal implements AbortState {
  aborted = false;
  private given: unknown = undefined;
  private make: (() => unknown) | undefined;
  private controller: AbortController | undefined;
  private listeners: ((reason: () => unknown) => void)[] | undefined;
  private readonly readReason = (): unknown => this.reason;

  /** `report` receives the errors of the signal's listeners (guardedSignal.ts); without it they are not guarded. */
  constructor(private readonly report?: (error: Error) => void) {}

  /** Why it was aborted (undefined while it is not). */
  get reason(): unknown {
    if (this.make !== undefined) {
      this.given = this.make();
      this.make = undefined;
    }
    return this.given;
  }

  /** The AbortSignal (made on first read, already aborted if this was), its listeners guarded. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.report !== undefined) guardListeners(this.controller.signal, this.report);
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Tells the hook to stop; only the first reason counts. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.given = reason;
    this.fire();
  }

  /** The same as `abort(reason())`, but `reason` runs only when the reason is read. */
  abortLazily(reason: () => unknown): void {
    if (this.aborted) return;
    this.make = reason;
    this.fire();
  }

  /** Runs `listener` once, when this is aborted (at once if it already is); it reads the reason by calling `reason()`. */
  onAbort(listener: (reason: () => unknown) => void): void {
    if (this.aborted) listener(this.readReason);
    else (this.listeners ??= []).push(listener);
  }

  private fire(): void {
    this.aborted = true;
    if (this.controller !== undefined) this.controller.abort(this.reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener(this.readReason);
  }
}

const SIGNAL = Symbol('signal');

function readSignal(this: { readonly [SIGNAL]: LazySignal }): AbortSignal {
  return this[SIGNAL].signal;
}

/**
 * `context` with a `signal` property that makes `stop`'s AbortSignal when first
 * read. Defined after the object is built, with one getter shared by every
 * context: a getter written in an object literal makes V8 keep the object as a
 * slow dictionary (measured: about 500 bytes more per plugin), and a getter
 * closure per context would give each context a hidden class of its own.
 */
export function defineSignal(context: Omit<PluginContext, 'signal'>, stop: LazySignal): PluginContext {
  Object.defineProperty(context, SIGNAL, { value: stop });
  Object.defineProperty(context, 'signal', { get: readSignal, enumerable: true });
  return context as PluginContext;
}

/** Throws the LifecycleError for a call made through a context whose signal is aborted. */
export function refuseAborted(signal: AbortState, name: string, what: string): void {
  if (!signal.aborted) return;
  const reason = signal.reason === undefined ? 'its hook was told to stop' : toError(signal.reason).message;
  throw new LifecycleError(
    `plugin '${name}' used its context (${what}) after its signal was aborted (${reason}); stop the hook when context.signal aborts instead of going on`,
    { component: `plugin:${name}`, state: 'aborted', cause: signal.reason },
  );
}

/**
 * `options` of a plugin's loadFile with `signal` joined to its own signal, so a
 * download stops when the hook is told to. Anything that is not an options
 * object is passed on as it is, for loadFile to refuse.
 */
export function withSignal(options: unknown, signal: AbortSignal): unknown {
  if (options === undefined) return { signal };
  if (options === null || typeof options !== 'object') return options;
  const own = (options as { signal?: unknown }).signal;
  if (own !== undefined && !(own instanceof AbortSignal)) return options;
  return { ...options, signal: own === undefined ? signal : AbortSignal.any([own, signal]) };
}

/**
 * The context of one `execute` call: the plugin's context with this call's own
 * signal, whose engine and resource calls are refused once that signal is
 * aborted (the plugin's context refuses them too once its own signal is).
 */
export function callContext(context: PluginContext, signal: LazySignal): PluginContext {
  const name = context.name;
  // The same method of the plugin's context, refused first once this call's signal is aborted.
  const guarded = <K extends 'query' | 'queryArrow' | 'loadData' | 'allocate'>(what: K): PluginContext[K] =>
    (async (...args: unknown[]) => {
      refuseAborted(signal, name, what);
      return (context[what] as (...a: unknown[]) => Promise<unknown>)(...args);
    }) as PluginContext[K];
  // Listed, not spread: a spread would read the plugin context's `signal` and make its AbortController.
  const call: Omit<PluginContext, 'signal'> = {
    name,
    config: context.config,
    permissions: context.permissions,
    events: context.events,
    logger: context.logger,
    query: guarded('query'),
    queryArrow: guarded('queryArrow'),
    loadData: guarded('loadData'),
    allocate: guarded('allocate'),
    loadFile: async (source: unknown, tableName: string, options?: unknown) => {
      refuseAborted(signal, name, 'loadFile');
      return context.loadFile(source, tableName, withSignal(options, signal.signal));
    },
    free: (handle) => context.free(handle),
  };
  return Object.freeze(defineSignal(call, signal));
}
