/**
 * The actor logic of a plugin's executor: takes each EXECUTE request, runs it,
 * and answers its parent (the plugin actor) with EXECUTION.DONE or
 * EXECUTION.FAILED carrying the same requestId. It behaves like the
 * `fromCallback` actor it replaces (events in through its mailbox, answers
 * relayed to the parent, nothing answered once stopped), but keeps no
 * per-instance state outside its snapshot: `fromCallback` keeps every live
 * instance in one module-wide WeakMap, and with thousands of initialized plugins
 * those entries made every garbage collection slower.
 */
import type { AnyActorRef, CallbackActorLogic, CallbackSnapshot } from 'xstate';
import type { ExecuteEvent, ExecutionEvent, PluginHookInput } from '../../machines/plugin.machine.js';
import { freezePayload } from '../events/freezePayload.js';
import { PluginError } from '../errors/PluginError.js';
import { toError } from '../errors/DataPrismError.js';

/** Runs one request for the plugin named `name`; resolves with its result or rejects with its error. */
export type ExecuteFunction = (name: string, request: ExecuteEvent) => Promise<unknown>;

/** The actor's internals that `fromCallback`'s sendBack also uses: its parent and the system relay. */
interface RelayingActor {
  _parent?: AnyActorRef;
  system: { _relay(source: AnyActorRef, target: AnyActorRef, event: ExecutionEvent): void };
}

const STOP = 'xstate.stop';

/** Executor logic that runs each request with `execute` and answers the parent with its outcome. */
export function fromExecutor(execute: ExecuteFunction): CallbackActorLogic<ExecuteEvent, PluginHookInput> {
  return {
    config: execute,
    transition: (snapshot: CallbackSnapshot<PluginHookInput>, event: ExecuteEvent | { type: string }, { self }) => {
      if (event.type === STOP) return { ...snapshot, status: 'stopped', error: undefined };
      if (snapshot.status !== 'active' || event.type !== 'EXECUTE') return snapshot;
      const request = event as ExecuteEvent;
      const { requestId, action } = request;
      const answer = (outcome: ExecutionEvent) => {
        if (self.getSnapshot().status === 'stopped') return;
        const { _parent: parent, system } = self as unknown as RelayingActor;
        if (parent) system._relay(self, parent, outcome);
      };
      let running: Promise<unknown>;
      try {
        running = execute(snapshot.input.name, request);
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
        (result) => {
          // The result goes to the caller and, in `plugin:executed`, to every subscriber: frozen, none can change it for
          // the others. A result that cannot be read to be frozen (a throwing getter, a hostile Proxy) fails the call.
          let frozen: unknown;
          try {
            frozen = freezePayload(result);
          } catch (cause) {
            answer({ type: 'EXECUTION.FAILED', requestId, action, error: unfreezable(snapshot.input.name, action, cause) });
            return;
          }
          answer({ type: 'EXECUTION.DONE', requestId, action, result: frozen });
        },
        (error: unknown) => answer({ type: 'EXECUTION.FAILED', requestId, action, error }),
      );
      return snapshot;
    },
    getInitialSnapshot: (_scope, input) => ({ status: 'active', output: undefined, error: undefined, input }),
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as CallbackSnapshot<PluginHookInput>,
  } as CallbackActorLogic<ExecuteEvent, PluginHookInput>;
}

function unfreezable(name: string, action: string, cause: unknown): PluginError {
  return new PluginError(
    `plugin '${name}' returned a result from '${action}' that cannot be read to be frozen (${toError(cause).message}); return plain data, without throwing getters or proxies`,
    { plugin: name, phase: 'execute', cause: toError(cause) },
  );
}
