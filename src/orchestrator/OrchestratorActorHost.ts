/**
 * The ActorHost of an orchestrator: spawns every plugin and recovery actor as a
 * child of the orchestrator's root actor (through its `CHILD.SPAWN` event), so
 * they share its actor system, its inspector and its error handling.
 */
import type { AnyActorRef } from 'xstate';
import type { EventBus } from '../events/EventBus.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { bridgeEmitted, type ActorHost } from './ActorHost.js';

export function createOrchestratorActorHost(root: AnyActorRef, bus: EventBus): ActorHost {
  const children = () => root.getSnapshot().children as Record<string, AnyActorRef | undefined>;
  return {
    spawn(logic, { id, systemId, input }) {
      if (root.getSnapshot().status !== 'active') {
        throw new LifecycleError(`cannot start actor '${id}': the orchestrator has shut down; create a new orchestrator`, {
          state: 'shutdown',
        });
      }
      if (children()[id] !== undefined) {
        throw new LifecycleError(`an actor with id '${id}' is already running; stop it before starting another`);
      }
      root.send({ type: 'CHILD.SPAWN', id, systemId, logic, input });
      const child = children()[id];
      if (child === undefined) {
        // Only possible when called synchronously from inside one of the root's own transitions.
        throw new LifecycleError(
          `cannot start actor '${id}' from inside an orchestrator transition; start it from an async callback instead`,
        );
      }
      bridgeEmitted(child, bus);
      return child as never;
    },
    stop(id) {
      if (children()[id] !== undefined) root.send({ type: 'CHILD.STOP', id });
    },
    get(id) {
      return children()[id];
    },
  };
}
