/**
 * Runs the supervisor machine (machines/supervisor.machine.ts) for a registry:
 * one actor, spawned through the registry's ActorHost so the inspector sees it,
 * the parent of every plugin actor (`spawnChild`), plus the payloads the machine
 * deliberately does not hold: the FIFO of waiting calls and the calls in recovery. Every decision — start this call now, drop
 * these calls, may this plugin start or restart, may this call be recovered,
 * what SHUTDOWN cancels — is the machine's; this module only carries it out.
 */
import type { ActorRefFrom, AnyActorLogic } from 'xstate';
import type { RestartIntensity } from '../../machines/restartIntensity.js';
import { ownEntry, supervisorMachine, type RestartCause, type SupervisorMachineEvent, type SupervisorStateName } from '../../machines/supervisor.machine.js';
import type { ActorHost, SpawnOptions } from '../orchestrator/ActorHost.js';

/** A call waiting for an execution slot. */
export interface SlotRequest {
  /** Runs when the supervisor grants the slot; the caller must `release()` it once the plugin answered. */
  start(): void;
  /** Runs when the supervisor drops the call (shutdown began): it will never start. */
  drop(): void;
}

/** A call whose plugin failed, waiting for its recovery. */
export interface RecoveringCall {
  /** Runs when SHUTDOWN abandons the recovery: the call must be answered now. */
  abandon(): void;
}

/** What the registry does when the supervisor says so at SHUTDOWN. */
export interface ShutdownHandlers {
  /** A restart of `plugin` is on its way: turn it into a disposal. */
  cancelRestart(plugin: string): void;
  /** Tell every hook in flight to stop (abort its signal). */
  stopHooks(): void;
  /** A child of the supervisor (a plugin actor, id `id`) failed with `error`: report it. */
  childFailed?(id: string, error: unknown): void;
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

const NO_RESTARTS: readonly number[] = Object.freeze([]);

/** For a supervisor without plugins of its own to stop (its payloads are the caller's). */
const NO_HANDLERS: ShutdownHandlers = { cancelRestart() {}, stopHooks() {} };

/** A FIFO without `shift()`'s copying: a head index into an array, compacted when half of it is spent. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, left in place. */
  peek(): T | undefined {
    return this.items[this.head];
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
  private readonly startsWaiting = new Fifo<SlotRequest>();
  private readonly disposalsWaiting = new Fifo<{ plugin: string; start: () => void }>();
  private readonly recovering = new Set<RecoveringCall>();

  constructor(
    private readonly actors: ActorHost,
    readonly id: string,
    maxConcurrency: number,
    handlers: ShutdownHandlers = NO_HANDLERS,
  ) {
    this.actor = actors.spawn(supervisorMachine, { id, systemId: id, input: { maxConcurrency }, internal: true });
    this.actor.on('supervisor:start', () => this.waiting.shift()?.start());
    this.actor.on('supervisor:drop', ({ count }) => {
      for (let i = 0; i < count; i++) this.waiting.shift()?.drop();
    });
    this.actor.on('supervisor:initialize', () => this.startsWaiting.shift()?.start());
    this.actor.on('supervisor:dispose', () => this.disposalsWaiting.shift()?.start());
    this.actor.on('supervisor:drop-starts', ({ count }) => {
      for (let i = 0; i < count; i++) this.startsWaiting.shift()?.drop();
    });
    this.actor.on('supervisor:abandon', () => {
      const abandoned = [...this.recovering];
      this.recovering.clear();
      for (const call of abandoned) call.abandon();
    });
    this.actor.on('supervisor:cancel-restart', ({ plugin }) => handlers.cancelRestart(plugin));
    this.actor.on('supervisor:stop-hooks', () => handlers.stopHooks());
    this.actor.on('supervisor:child-failed', ({ id, error }) => handlers.childFailed?.(id, error));
  }

  /**
   * Spawns `logic` through the host as a child of the supervisor: its parent in
   * the actor system and the inspector, the receiver of its done and error events.
   */
  spawnChild<TLogic extends AnyActorLogic>(logic: TLogic, options: Omit<SpawnOptions<TLogic>, 'parent'>): ActorRefFrom<TLogic> {
    return this.actors.spawn(logic, { ...options, parent: this.actor });
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

  /**
   * Asks for a start slot for an initialize of the start sequence: `request.start`
   * runs when one is granted (at once if one is free; at most maxConcurrency
   * initialize hooks run at once, the others wait in FIFO order), `request.drop`
   * when it never will be (SHUTDOWN came first). The caller must `startEnded()`
   * once the initialize ended.
   */
  requestStart(request: SlotRequest): void {
    this.startsWaiting.push(request);
    this.actor.send({ type: 'START_PLUGIN' });
  }

  /** An initialize that `requestStart` granted ended; the oldest waiting start gets the slot. */
  startEnded(): void {
    this.actor.send({ type: 'STARTED' });
  }

  /**
   * Whether a restart of `plugin` at `at` may begin now (before SHUTDOWN, not
   * while it is disposed, and within `intensity` when given); when it may, it is
   * recorded in the plugin's restart log in the same transition.
   */
  allowsRestart(plugin: string, cause: RestartCause, at: number, intensity?: RestartIntensity): boolean {
    return this.ask(intensity === undefined ? { type: 'RESTART', plugin, cause, at } : { type: 'RESTART', plugin, cause, at, intensity });
  }

  /** When each restart of `plugin` the supervisor allowed began (ms, oldest first); empty when none. */
  restartLog(plugin: string): readonly number[] {
    return ownEntry(this.context.restartLogs, plugin) ?? NO_RESTARTS;
  }

  /** `plugin` was unregistered: its restart log is dropped (a plugin registered again under its name starts afresh). */
  forget(plugin: string): void {
    // Asked first: a plugin never restarted costs no event (thousands are removed at each shutdown).
    if (Object.hasOwn(this.context.restartLogs, plugin)) this.actor.send({ type: 'FORGET', plugin });
  }

  /** The restart of `plugin` ended (initialized again, failed, or cancelled). */
  restartEnded(plugin: string): void {
    if (Object.hasOwn(this.context.restarting, plugin)) this.actor.send({ type: 'RESTART_END', plugin });
  }

  /** Who asked for the restart `plugin` is in, or undefined when it is not restarting. */
  restartCause(plugin: string): RestartCause | undefined {
    return ownEntry(this.context.restarting, plugin);
  }

  /**
   * `plugin` is to be disposed from now on (no restart may begin for it): `start`
   * runs once a stop slot is granted (at once if one is free; at most
   * maxConcurrency dispose hooks run at once, the others wait in FIFO order).
   * The caller must `disposeEnded(plugin)` once the disposal ended.
   */
  requestDispose(plugin: string, start: () => void): void {
    this.disposalsWaiting.push({ plugin, start });
    this.actor.send({ type: 'STOP_PLUGIN', plugin });
  }

  /** The disposal of `plugin` ended; the oldest waiting disposal gets the stop slot. */
  disposeEnded(plugin: string): void {
    this.actor.send({ type: 'DISPOSE_END', plugin, next: this.disposalsWaiting.peek()?.plugin });
  }

  /** Whether `plugin` is being disposed. */
  isDisposing(plugin: string): boolean {
    return this.context.disposing.includes(plugin);
  }

  /**
   * Asks to let a failed call wait for its recovery (only before SHUTDOWN).
   * Returns the function to call once the recovery answered it, or undefined
   * when it may not wait (answer it with its error instead). SHUTDOWN runs
   * `call.abandon()` for each call still waiting.
   */
  recover(call: RecoveringCall): (() => void) | undefined {
    if (!this.ask({ type: 'RECOVER' })) return undefined;
    this.recovering.add(call);
    return () => {
      if (this.recovering.delete(call)) this.actor.send({ type: 'RECOVERED' });
    };
  }

  /** From now on nothing new starts: waiting calls are dropped, recoveries abandoned, restarts cancelled, hooks told to stop. */
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

  private get context() {
    return this.actor.getSnapshot().context;
  }

  private ask(event: SupervisorMachineEvent): boolean {
    if (!this.actor.getSnapshot().can(event)) return false;
    this.actor.send(event);
    return true;
  }
}
