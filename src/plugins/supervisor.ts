/**
 * Runs the supervisor machine (machines/supervisor.machine.ts) for a registry:
 * one actor, spawned through the registry's ActorHost so the inspector sees it,
 * plus the FIFO of waiting calls whose payloads the machine deliberately does not
 * hold. Every decision — start this call now, drop these calls, may this plugin
 * start or restart — is the machine's; this module only carries it out.
 */
import type { ActorRefFrom } from 'xstate';
import { supervisorMachine, type SupervisorStateName } from '../../machines/supervisor.machine.js';
import type { ActorHost } from '../orchestrator/ActorHost.js';

/** A call waiting for an execution slot. */
export interface SlotRequest {
  /** Runs when the supervisor grants the slot; the caller must `release()` it once the plugin answered. */
  start(): void;
  /** Runs when the supervisor drops the call (shutdown began): it will never start. */
  drop(): void;
}

/** How the execution slots are used right now. */
export interface SlotUsage {
  /** Calls dispatched to their plugin and not answered yet. */
  inUse: number;
  /** Calls waiting for a slot. */
  waiting: number;
  /** The number of slots. */
  maxConcurrency: number;
}

type SupervisorActor = ActorRefFrom<typeof supervisorMachine>;

/** A FIFO without `shift()`'s copying: a head index into an array, compacted when half of it is spent. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class Supervisor {
  readonly actor: SupervisorActor;
  private readonly waiting = new Fifo<SlotRequest>();

  constructor(
    private readonly actors: ActorHost,
    readonly id: string,
    maxConcurrency: number,
  ) {
    this.actor = actors.spawn(supervisorMachine, { id, systemId: id, input: { maxConcurrency }, internal: true });
    this.actor.on('supervisor:start', () => this.waiting.shift()?.start());
    this.actor.on('supervisor:drop', ({ count }) => {
      for (let i = 0; i < count; i++) this.waiting.shift()?.drop();
    });
  }

  /** The supervisor's state: `open`, `stopping` (SHUTDOWN was sent) or `stopped`. */
  get state(): SupervisorStateName {
    return this.actor.getSnapshot().value as SupervisorStateName;
  }

  /** Asks for a slot: `request.start` runs when one is granted (at once if one is free), `request.drop` if it never will be. */
  request(request: SlotRequest): void {
    this.waiting.push(request);
    this.actor.send({ type: 'CALL' });
  }

  /** Gives a granted slot back; the oldest waiting call gets it. */
  release(): void {
    this.actor.send({ type: 'RELEASE' });
  }

  /** Whether an initialize may start now (only before SHUTDOWN); counts it when it may. */
  allowsStart(): boolean {
    return this.ask({ type: 'START_PLUGIN' });
  }

  /** Whether a restart may run now (only before SHUTDOWN); counts it when it may. */
  allowsRestart(): boolean {
    return this.ask({ type: 'RESTART' });
  }

  /** From now on nothing new starts; waiting calls are dropped. */
  shutdown(): void {
    this.actor.send({ type: 'SHUTDOWN' });
  }

  /** Every plugin is disposed. */
  stopped(): void {
    this.actor.send({ type: 'STOPPED' });
  }

  /** A plugin is registered after a shutdown finished: the registry works again. */
  reopen(): void {
    this.actor.send({ type: 'OPEN' });
  }

  /** How the slots are used. */
  slots(): SlotUsage {
    const { inUse, waiting, maxConcurrency } = this.actor.getSnapshot().context;
    return { inUse, waiting, maxConcurrency };
  }

  /** Stops the actor (the registry moved to another host). */
  stop(): void {
    this.actors.stop(this.id);
  }

  private ask(event: { type: 'START_PLUGIN' | 'RESTART' }): boolean {
    if (!this.actor.getSnapshot().can(event)) return false;
    this.actor.send(event);
    return true;
  }
}
