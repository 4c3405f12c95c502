/**
 * Where components spawn their lifecycle actors. Inside an orchestrator, every
 * actor is a child of the orchestrator's root actor (the plugin supervisor, the
 * circuit breakers), of the root's `recoveries` actor (each recovery actor: a
 * `transient` spawn) or of another actor of its system that the spawner names
 * (each plugin actor is the supervisor's), so one inspector sees the whole
 * tree. Outside one (a unit test, a standalone engine), the standalone host
 * plays the orchestrator's part with a root actor of its own, in one actor
 * system, with the same contract.
 *
 * Events a spawned actor `emit`s (`{ type: 'plugin:loaded', name, version }`)
 * are forwarded to the EventBus as `bus.emit(type, payload)`: that is how the
 * machines' events reach users.
 */
import { createActor, fromCallback, type ActorRefFrom, type AnyActorLogic, type AnyActorRef, type InputFrom, type InspectionEvent, type Observer } from 'xstate';
import { LifecycleError } from '../errors/LifecycleError.js';
import type { EventBus } from '../events/EventBus.js';

export interface SpawnOptions<TLogic extends AnyActorLogic> {
  /** The child's id in the parent's snapshot (`children[id]`); unique among live children. */
  id: string;
  /** A system-wide name (`plugin:viz`, `recovery:3`) for `system.get(...)` and the inspector. */
  systemId?: string;
  /** The machine's input. */
  input?: InputFrom<TLogic>;
  /** True for the runtime's own coordination actors (the plugin supervisor): what they emit is not bridged to the EventBus. Default false. */
  internal?: boolean;
  /**
   * The actor that owns the new one, itself spawned by this host: it is the new
   * actor's parent in the actor system and the inspector, and receives its done
   * and error events (so it must take `xstate.error.actor.*`, or a child's error
   * stops it). Default: the host's root (the orchestrator's root actor).
   */
  parent?: AnyActorRef;
  /**
   * True for short-lived actors that each have an id of their own (every
   * recovery, `recovery:<n>`): their done and error events must not reach a
   * machine. XState memoizes a machine's transitions per event type on each
   * state node for the life of the process, so a machine that received
   * `xstate.done.actor.recovery:<n>` for every recovery grew by ~270 bytes per
   * error recovered, forever. Inside an orchestrator such an actor's parent is
   * the host's `recoveries` actor (a child of the root that is no machine);
   * the standalone host's root is no machine either. Ignored when `parent` is
   * given. Default false.
   */
  transient?: boolean;
}

export interface ActorHost {
  /** Spawns `logic` and returns its running actor; its emitted events reach the EventBus. */
  spawn<TLogic extends AnyActorLogic>(logic: TLogic, options: SpawnOptions<TLogic>): ActorRefFrom<TLogic>;
  /** Stops and removes a spawned child, so finished actors do not accumulate. No-op if unknown. */
  stop(id: string): void;
  /** A live child by id, or undefined. */
  get(id: string): AnyActorRef | undefined;
}

/** Forwards every event an actor emits to the bus as `(type, payload)`. */
export function bridgeEmitted(actor: AnyActorRef, bus: EventBus): void {
  actor.on('*', (emitted: { type: string }) => {
    const { type, ...payload } = emitted;
    bus.emit(type, payload);
  });
}

export interface StandaloneActorHostOptions {
  /** Where emitted events go. */
  bus?: EventBus;
  /** An XState inspection observer of the host's actor system: it sees every actor the host spawns, and the host's root. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Receives an actor's unhandled error (so it is never rethrown as an uncaught exception). */
  onError?: (error: unknown, id: string) => void;
}

/**
 * XState refuses `stop()` on an actor that has a parent, expecting the parent's
 * machine to stop it; the hosts own their children and stop them through the
 * same internal procedure the parent would use.
 */
export function stopChildActor(actor: AnyActorRef): void {
  (actor as unknown as { _stop(): void })._stop();
}

/**
 * An ActorHost for use without an orchestrator. Its actors are children of one
 * root actor that does nothing but own them (id `actors`), not root actors
 * each: a root actor brings an actor system of its own, and with thousands of
 * plugins those systems were a large share of the memory every plugin kept.
 * Sharing the system also means `system.get('plugin:viz')` finds any actor of
 * the host, as inside an orchestrator. A spawner may name another of the host's
 * actors as the parent instead (the supervisor owns the plugin actors). An unhandled error of an actor reaches
 * `onError` and is reported to the root, which ignores it; it is never rethrown.
 */
export function createStandaloneActorHost(options: StandaloneActorHostOptions = {}): ActorHost {
  const actors = new Map<string, AnyActorRef>();
  // Events the children send their parent (done, error) need no answer here.
  const root = createActor(fromCallback(() => undefined), { id: 'actors', inspect: options.inspect } as never) as AnyActorRef;
  root.start();
  return {
    spawn(logic, { id, systemId, input, internal, parent }) {
      if (actors.has(id)) throw new Error(`an actor with id '${id}' is already running; stop it first`);
      if (parent !== undefined && parent.system !== root.system) {
        throw new LifecycleError(`cannot start actor '${id}' under an actor of another actor system; name one of this host's actors as its parent`);
      }
      const actor = createActor(logic, { parent: parent ?? root, id, systemId, input } as never) as AnyActorRef;
      actor.subscribe({ error: (error: unknown) => options.onError?.(error, id) });
      if (options.bus && !internal) bridgeEmitted(actor, options.bus);
      actors.set(id, actor);
      actor.start();
      return actor as never;
    },
    stop(id) {
      const actor = actors.get(id);
      if (!actor) return;
      actors.delete(id);
      stopChildActor(actor);
    },
    get(id) {
      return actors.get(id);
    },
  };
}
