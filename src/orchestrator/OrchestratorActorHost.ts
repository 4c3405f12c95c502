/**
 * The ActorHost of an orchestrator: every actor it spawns is created in the
 * orchestrator root's actor system (`system.get('plugin:viz')`) and seen by the
 * root's inspector, as a child of the root (`parent: root`: the supervisor, the
 * circuit breakers), of the root's `recoveries` actor (`transient: true`: each
 * recovery actor) or of the actor its spawner names (`parent: supervisor`: the
 * plugin actors). A child reports an unhandled error to its parent, which
 * reports it to the ErrorHandler instead of stopping.
 *
 * Why `recoveries`, not the root: every recovery has an id of its own
 * (`recovery:<n>`), and XState memoizes a machine's candidate transitions per
 * event type on each of its state nodes, module-wide and for good. Each
 * recovery's `xstate.done.actor.recovery:<n>` reaching the root machine left
 * ~270 bytes behind; 1M errors recovered on a long-running server kept ~270 MB.
 * `recoveries` is a callback actor, no machine: it ignores done events (a
 * recovery's result is read from its own snapshot) and passes an error event to
 * `onChildError`, as the root's `xstate.error.actor.*` transition does.
 *
 * Why not `spawnChild` from a root transition: XState copies the parent's
 * `children` map on every spawn and stop, so N plugins cost O(N²) — measured
 * here, 10,000 spawns took 71 s that way and 0.38 s this way. The children are
 * tracked in a Map instead of the root snapshot.
 */
import { createActor, fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import type { EventBus } from '../events/EventBus.js';
import { childFailure } from '../../machines/childFailure.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { bridgeEmitted, stopChildActor, type ActorHost } from './ActorHost.js';

export interface OrchestratorActorHost extends ActorHost {
  /** Stops every child still running (at shutdown). */
  stopAll(): void;
  /** How many children are running. */
  readonly size: number;
}

/** Receives a child's unhandled error: the actor's id and what it failed with. */
export type ChildErrorListener = (id: string, error: unknown) => void;

/** The id of the root's child that owns the transient actors (every recovery). */
const TRANSIENT_OWNER_ID = 'recoveries';

/**
 * The owner of transient actors: a child of the root that is no machine, so the
 * events of its uniquely named children are handled without being memoized.
 */
function createTransientOwner(root: AnyActorRef, onChildError: ChildErrorListener): AnyActorRef {
  const owner = createActor(
    fromCallback<EventObject>(({ receive }) => {
      receive((event) => {
        const failure = childFailure(event);
        if (failure !== undefined) onChildError(failure.id, failure.error);
      });
    }),
    { parent: root, id: TRANSIENT_OWNER_ID } as never,
  ) as AnyActorRef;
  owner.start();
  return owner;
}

/**
 * @param root the orchestrator's root actor: the parent of what the host spawns.
 * @param bus where the children's emitted events go.
 * @param onChildError receives an unhandled error of a transient child (the root machine reports the others itself).
 */
export function createOrchestratorActorHost(root: AnyActorRef, bus: EventBus, onChildError: ChildErrorListener): OrchestratorActorHost {
  const children = new Map<string, AnyActorRef>();
  // Created on the first transient spawn, and again after stopAll if one comes later.
  let transientOwner: AnyActorRef | undefined;
  const ownerOfTransient = (): AnyActorRef => {
    if (transientOwner === undefined || transientOwner.getSnapshot().status !== 'active') transientOwner = createTransientOwner(root, onChildError);
    return transientOwner;
  };
  return {
    spawn(logic, { id, systemId, input, internal, parent, transient }) {
      if (root.getSnapshot().status !== 'active') {
        throw new LifecycleError(`cannot start actor '${id}': the orchestrator has shut down; create a new orchestrator`, {
          state: 'shutdown',
        });
      }
      if (children.has(id)) {
        throw new LifecycleError(`an actor with id '${id}' is already running; stop it before starting another`);
      }
      if (parent !== undefined && parent.system !== root.system) {
        throw new LifecycleError(`cannot start actor '${id}' under an actor of another actor system; name one of this orchestrator's actors as its parent`);
      }
      const owner = parent ?? (transient === true ? ownerOfTransient() : root);
      const child = createActor(logic, { parent: owner, id, systemId, input } as never) as AnyActorRef;
      children.set(id, child);
      // Finished children leave the map by themselves; an error was already sent to their parent.
      child.subscribe({
        complete: () => {
          if (children.get(id) === child) children.delete(id);
        },
        error: () => {
          if (children.get(id) === child) children.delete(id);
        },
      });
      if (!internal) bridgeEmitted(child, bus);
      child.start();
      return child as never;
    },
    stop(id) {
      const child = children.get(id);
      if (child === undefined) return;
      children.delete(id);
      stopChildActor(child);
    },
    get(id) {
      return children.get(id);
    },
    stopAll() {
      for (const [id, child] of [...children]) {
        children.delete(id);
        stopChildActor(child);
      }
      if (transientOwner !== undefined) stopChildActor(transientOwner);
      transientOwner = undefined;
    },
    get size() {
      return children.size;
    },
  };
}
