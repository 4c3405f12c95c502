/**
 * How a plugin's hooks are told to stop: every hook's context carries an
 * AbortSignal (`context.signal`), aborted when the hook's time budget runs out,
 * when its plugin is restarted or disposed, and at shutdown. A context whose
 * signal is aborted refuses further engine, resource and event calls, so a hook
 * that ignores the signal still cannot act on the engine any more.
 */
import { LifecycleError } from '../errors/LifecycleError.js';
import { toError } from '../errors/DataPrismError.js';
import type { PluginContext } from './types.js';

/** Throws the LifecycleError for a call made through a context whose signal is aborted. */
export function refuseAborted(signal: AbortSignal, name: string, what: string): void {
  if (!signal.aborted) return;
  const reason = signal.reason === undefined ? 'its hook was told to stop' : toError(signal.reason).message;
  throw new LifecycleError(
    `plugin '${name}' used its context (${what}) after its signal was aborted (${reason}); stop the hook when context.signal aborts instead of going on`,
    { component: `plugin:${name}`, state: 'aborted', cause: signal.reason },
  );
}

/**
 * The context of one `execute` call: the plugin's context with this call's own
 * signal, whose engine and resource calls are refused once that signal is
 * aborted (the plugin's context refuses them too once its own signal is).
 */
export function callContext(context: PluginContext, signal: AbortSignal): PluginContext {
  const name = context.name;
  // The same method of the plugin's context, refused first once this call's signal is aborted.
  const guarded = <K extends 'query' | 'queryArrow' | 'loadData' | 'allocate'>(what: K): PluginContext[K] =>
    (async (...args: unknown[]) => {
      refuseAborted(signal, name, what);
      return (context[what] as (...a: unknown[]) => Promise<unknown>)(...args);
    }) as PluginContext[K];
  return Object.freeze({
    ...context,
    signal,
    query: guarded('query'),
    queryArrow: guarded('queryArrow'),
    loadData: guarded('loadData'),
    allocate: guarded('allocate'),
  });
}
