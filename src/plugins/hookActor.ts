/**
 * The actor logic of a plugin hook (load, initialize, dispose): `fromPromise`
 * without what a hook never uses. It is a real XState actor, invoked by the
 * plugin machine, seen by the inspector, stopped with its state, and it answers
 * with the same snapshots and done/error events as a promise actor, but:
 *
 * - a hook that returns synchronously (a plain value, or a throw) completes
 *   during the actor's start, through its own mailbox, instead of one promise
 *   turn later: no promise, no microtask hop, and the plugin machine takes the
 *   done event before the call that started the hook returns;
 * - no AbortController per actor: no hook reads a signal (a hook that hangs is
 *   bounded by its time budget, and a stopped hook's late outcome is dropped).
 *
 * With thousands of plugins each running three hooks, those two costs were a
 * large part of a lifecycle.
 */
import type { AnyActorRef, PromiseActorLogic, PromiseSnapshot } from 'xstate';

const HOOK_DONE = 'xstate.hook.done';
const HOOK_FAILED = 'xstate.hook.failed';
const STOP = 'xstate.stop';

/** Runs a hook with the actor's input; may return synchronously or a promise. */
export type HookFunction<TOutput, TInput> = (input: TInput) => TOutput | PromiseLike<TOutput>;

type HookEvent = { type: string; [k: string]: unknown };

/**
 * The system's internal relay, which fromPromise uses for its own outcome
 * events: it records the actor as the event's source for the inspector, where
 * `self.send` would record none.
 */
interface RelayingSystem {
  _relay(source: AnyActorRef, target: AnyActorRef, event: HookEvent): void;
}

/** Actor logic that runs `hook(input)` once and finishes with its value, or fails with its error. */
export function fromHook<TOutput, TInput>(hook: HookFunction<TOutput, TInput>): PromiseActorLogic<TOutput, TInput> {
  return {
    config: hook,
    transition: (snapshot: PromiseSnapshot<TOutput, TInput>, event: HookEvent): PromiseSnapshot<TOutput, TInput> => {
      if (snapshot.status !== 'active') return snapshot;
      switch (event.type) {
        case HOOK_DONE:
          return { ...snapshot, status: 'done', output: event.data as TOutput, input: undefined };
        case HOOK_FAILED:
          return { ...snapshot, status: 'error', error: event.data, input: undefined };
        case STOP:
          return { ...snapshot, status: 'stopped', input: undefined };
        default:
          return snapshot;
      }
    },
    start: (snapshot, { self, system }) => {
      if (snapshot.status !== 'active') return;
      // Relayed like fromPromise's own events, so the inspector sees the outcome as an event.
      const finish = (type: string, data: unknown) => {
        if (self.getSnapshot().status === 'active') (system as unknown as RelayingSystem)._relay(self, self, { type, data });
      };
      let result: TOutput | PromiseLike<TOutput>;
      try {
        result = hook(snapshot.input as TInput);
      } catch (error) {
        // Queued in the actor's mailbox, which the actor flushes as soon as its start ends.
        finish(HOOK_FAILED, error);
        return;
      }
      if (isThenable(result)) {
        result.then(
          (value) => finish(HOOK_DONE, value),
          (error: unknown) => finish(HOOK_FAILED, error),
        );
      } else {
        finish(HOOK_DONE, result);
      }
    },
    getInitialSnapshot: (_scope, input) => ({ status: 'active', output: undefined, error: undefined, input }),
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as PromiseSnapshot<TOutput, TInput>,
  } as PromiseActorLogic<TOutput, TInput>;
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
