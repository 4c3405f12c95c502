/**
 * The path of one call to a plugin: it asks the supervisor for an execution
 * slot, is sent to the plugin's actor as EXECUTE with a requestId, and is
 * answered from what the actor emits (`plugin:executed`, `plugin:refused`,
 * `plugin:error`) — the slot given back the moment the plugin answers, before
 * any recovery runs. Calls a plugin still owes when it stops are rejected, never
 * left waiting.
 */
import { toError } from '../errors/DataPrismError.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { shutdownRefusal } from './refusals.js';
import type { PluginIndex } from './pluginIndex.js';
import { isRunning, stateOf, type Deferred, type Entry } from './pluginEntry.js';
import type { Supervisor } from './supervisor.js';

export class PluginCalls {
  private requestSeq = 0;

  constructor(
    private readonly index: PluginIndex,
    private readonly supervisor: () => Supervisor,
  ) {}

  /**
   * Asks the supervisor for an execution slot, then sends the request to the
   * plugin's actor. `report` is false for a re-run asked by a recovery: its
   * failure goes back to that recovery, not to a new one.
   */
  call(entry: Entry, action: string, params: unknown, report: boolean): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const deferred: Deferred = { resolve, reject, action, params, report };
      this.supervisor().request({
        start: () => this.dispatch(entry, deferred),
        drop: () => reject(shutdownRefusal(entry.plugin.name, `run '${action}'`)),
      });
    });
  }

  /** Answers the calls of `entry` from what its actor emits. */
  listen(entry: Entry): void {
    entry.actor.on('plugin:executed', (e) => this.answered(entry, e.requestId)?.resolve(e.result));
    entry.actor.on('plugin:refused', (e) => {
      this.answered(entry, e.requestId)?.reject(
        // A running plugin refuses only while a restart or stop waits for its calls in flight.
        this.notReady(entry) ??
          new LifecycleError(`plugin '${entry.plugin.name}' is about to restart or stop and takes no new call until it has; retry the call once it is initialized again`, {
            component: entry.id,
          }),
      );
    });
  }

  /** The request `requestId` of `entry`, taken off its pending map with its slot given back; undefined when already answered. */
  answered(entry: Entry, requestId: string): Deferred | undefined {
    const deferred = entry.pending.get(requestId);
    if (deferred === undefined) return undefined;
    entry.pending.delete(requestId);
    this.supervisor().release();
    return deferred;
  }

  /** Rejects every request `entry` still owes an answer to (its plugin stopped or was replaced), giving their slots back. */
  rejectPending(entry: Entry, why: string, hint = 'register and initialize it again'): void {
    if (entry.pending.size === 0) return;
    const error = new LifecycleError(`plugin '${entry.plugin.name}' was ${why} before it answered; ${hint}`, { component: entry.id });
    const owed = [...entry.pending.values()];
    entry.pending.clear();
    for (const deferred of owed) {
      this.supervisor().release();
      deferred.reject(error);
    }
  }

  /** Why `entry` cannot take a call now (a LifecycleError saying what to do), or undefined when it can. */
  notReady(entry: Entry): Error | undefined {
    const name = entry.plugin.name;
    const snapshot = entry.actor.getSnapshot();
    // An actor that failed (XState's error status) takes no event any more: a call sent to it would never be answered.
    if (snapshot.status === 'error') {
      const cause = toError(snapshot.error).message;
      return new LifecycleError(`plugin '${name}' is out of service: its actor failed (${cause}); unregister it and register it again`, { component: entry.id, state: 'failed' });
    }
    const state = stateOf(entry);
    if (isRunning(state)) return undefined;
    const what =
      state === 'error'
        ? `failed (${toError(entry.actor.getSnapshot().context.lastError).message}); restart it with registry.restart('${name}')`
        : state === 'loaded'
          ? 'not initialized yet; call registry.initializeAll() first'
          : `${state}; wait for it to finish or register it again`;
    return new LifecycleError(`plugin '${name}' is ${what}`, { component: entry.id, state });
  }

  /** Runs a request that holds a slot: through the plugin's actor, or refused at once (the slot given back). */
  private dispatch(entry: Entry, deferred: Deferred): void {
    // The state may have changed while the request waited for a slot.
    const refusal = this.index.isCurrent(entry)
      ? this.notReady(entry)
      : new LifecycleError(`plugin '${entry.plugin.name}' was unregistered before the call could run; register it again`, { component: entry.id });
    if (refusal) {
      this.supervisor().release();
      deferred.reject(refusal);
      return;
    }
    const requestId = (++this.requestSeq).toString(36);
    entry.pending.set(requestId, deferred);
    entry.actor.send({ type: 'EXECUTE', requestId, action: deferred.action, params: deferred.params });
  }
}
