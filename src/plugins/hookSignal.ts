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

/** What `refuseAborted` reads: an AbortSignal, or a CallSignal. */
export interface AbortState {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/**
 * One execute call's stop flag. Its AbortSignal is made only when the hook reads
 * `context.signal`: an AbortController per call cost as much as the rest of a
 * call, and a hook that never reads the signal cannot tell the difference (its
 * context's engine calls are refused either way).
 */
export class CallSignal implements AbortState {
  aborted = false;
  reason: unknown = undefined;
  private controller: AbortController | undefined;

  /** `report` receives the errors of the signal's listeners (guardedSignal.ts). */
  constructor(private readonly report: (error: Error) => void) {}

  /** The call's AbortSignal (made on first read, already aborted if the call was), its listeners guarded. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      guardListeners(this.controller.signal, this.report);
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Tells the call to stop; only the first reason counts. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
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
export function callContext(context: PluginContext, signal: CallSignal): PluginContext {
  const name = context.name;
  // The same method of the plugin's context, refused first once this call's signal is aborted.
  const guarded = <K extends 'query' | 'queryArrow' | 'loadData' | 'allocate'>(what: K): PluginContext[K] =>
    (async (...args: unknown[]) => {
      refuseAborted(signal, name, what);
      return (context[what] as (...a: unknown[]) => Promise<unknown>)(...args);
    }) as PluginContext[K];
  return Object.freeze({
    ...context,
    get signal() {
      return signal.signal;
    },
    query: guarded('query'),
    queryArrow: guarded('queryArrow'),
    loadData: guarded('loadData'),
    allocate: guarded('allocate'),
    loadFile: async (source: unknown, tableName: string, options?: unknown) => {
      refuseAborted(signal, name, 'loadFile');
      return context.loadFile(source, tableName, withSignal(options, signal.signal));
    },
  });
}
