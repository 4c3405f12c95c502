/**
 * Where a plugin's failure goes (`plugin:error` from its actor): the failed
 * call is answered, or waits for its recovery (which may re-run the call or
 * restart the plugin); anything else is reported to the ErrorHandler. Whether
 * a recovery may run at all is the supervisor's decision: none after SHUTDOWN,
 * and none for a failed restart that a recovery asked for (its failure goes
 * back to that recovery). The ErrorHandler is someone else's code: its failure
 * is logged, never thrown into the actor.
 */
import type { PluginEmittedEvent } from '../../machines/plugin.machine.js';
import { toError } from '../errors/DataPrismError.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import type { PluginCalls } from './pluginCalls.js';
import type { Deferred, Entry } from './pluginEntry.js';
import type { Supervisor } from './supervisor.js';
import type { PluginErrorContext, PluginServices } from './types.js';

/** What routing an error needs from its registry. */
export interface ErrorRoutes {
  services(): PluginServices;
  supervisor(): Supervisor;
  calls: PluginCalls;
  /** Re-runs a failed call for its recovery (it takes a slot like any call). */
  rerun(name: string, action: string, params: unknown): Promise<unknown>;
  /** Restarts a plugin as a recovery's re-run of its failed initialize. */
  restartForRecovery(name: string): Promise<void>;
}

type PluginErrorEvent = Extract<PluginEmittedEvent, { type: 'plugin:error' }>;

/** Routes one `plugin:error` of `entry`. */
export function routePluginError(routes: ErrorRoutes, entry: Entry, event: PluginErrorEvent): void {
  const { errors, logger } = routes.services();
  const supervisor = routes.supervisor();
  const name = entry.plugin.name;
  const error = toError(event.error);
  // The slot is given back before any recovery runs: a re-run asks for a slot of its own.
  const request = event.requestId === undefined ? undefined : routes.calls.answered(entry, event.requestId);
  // The executor itself failed: the requests it held will never be answered.
  if (event.requestId === undefined && event.phase === 'execute') routes.calls.rejectPending(entry, 'failed');
  if (request !== undefined && (!request.report || !errors)) {
    request.reject(error);
    return;
  }
  if (!errors) return;
  const operation = event.phase;
  if (operation === 'initialize' && supervisor.restartCause(name) === 'recovery') return;
  // After SHUTDOWN nothing is re-run or restarted: the error is only reported, and the caller answered with it.
  const retry =
    supervisor.state !== 'open'
      ? undefined
      : request
        ? () => routes.rerun(name, request.action, request.params)
        : operation === 'initialize'
          ? () => routes.restartForRecovery(name)
          : undefined;
  const context: PluginErrorContext = {
    component: entry.id,
    operation,
    timestamp: Date.now(),
    plugin: name,
    metadata: request === undefined ? { phase: operation } : { action: request.action, phase: operation },
    ...(retry ? { retry } : {}),
  };
  const logFailure = (e: unknown) => logger.error(`[plugins] the ErrorHandler failed on an error of '${name}': ${toError(e).message}`);
  try {
    if (request !== undefined && errors.process !== undefined && retry !== undefined) {
      awaitRecovery(routes, errors.process.bind(errors), { waiting: request, error, context, retry, logFailure });
      return;
    }
    request?.reject(error);
    const result = errors.handle(error, context);
    if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, logFailure);
  } catch (e) {
    logFailure(e);
    request?.reject(error);
  }
}

/** A failed call waiting for its recovery. */
interface RecoveryWait {
  waiting: Deferred;
  error: Error;
  context: PluginErrorContext;
  retry: () => Promise<unknown>;
  logFailure: (e: unknown) => void;
}

/** The caller waits for the recovery: it gets the recovered result, or the original error. */
function awaitRecovery(routes: ErrorRoutes, process: NonNullable<PluginServices['errors']>['process'] & {}, wait: RecoveryWait): void {
  const { waiting, error, context, retry, logFailure } = wait;
  const { bus } = routes.services();
  const recovered = routes.supervisor().recover({
    abandon: () =>
      waiting.reject(
        new LifecycleError(`the plugin registry shut down while the call's recovery ran; the call failed with: ${error.message}`, {
          component: 'plugins',
          state: 'stopping',
          cause: error,
        }),
      ),
  });
  // Refused only after SHUTDOWN, when retry is not offered either; answered as a plain failure then.
  if (recovered === undefined) {
    waiting.reject(error);
    return;
  }
  let recovering: ReturnType<typeof process>;
  try {
    recovering = process(error, context);
  } catch (e) {
    recovered();
    throw e;
  }
  recovering
    .then(
      async (outcome) => {
        const recovery = outcome.recovery;
        if (recovery?.success && recovery.produced) return waiting.resolve(recovery.recovered);
        if (!recovery?.success) return waiting.reject(error);
        // A recovery that healed without re-running (a restart, a cleanup) earns the call one more try;
        // if that fails too, the recovery did not help this call: say so, and pass the error on.
        try {
          waiting.resolve(await retry());
        } catch (again) {
          bus.emit('error:escalated', {
            error: toError(again),
            recovery: recovery.strategy,
            reason: `the call failed again after '${recovery.strategy}' recovered`,
          });
          waiting.reject(error);
        }
      },
      (e: unknown) => {
        logFailure(e);
        waiting.reject(error);
      },
    )
    .catch((e: unknown) => waiting.reject(toError(e)))
    .finally(recovered);
}
