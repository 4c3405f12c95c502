/**
 * What the relay remembers so that a page opened late still sees the whole
 * system: every actor with its latest state and a bounded history, the recent
 * timeline and the recent metrics. All bounds are fixed at creation; finished
 * actors are evicted oldest first once there are too many.
 */
import type { ActorSummary, HelloMessage, MetricsMessage, RelayMessage } from './protocol.js';

/** Bounds of the replay memory. */
export interface ReplayLimits {
  /** Snapshots kept per actor. Default 50. */
  historyPerActor?: number;
  /** Timeline messages (bus and delivered events) kept. Default 300. */
  timeline?: number;
  /** Metrics samples kept. Default 120. */
  metrics?: number;
  /** Actors kept, counting finished ones; finished actors are evicted first. Default 500. */
  actors?: number;
}

/** A ring buffer: pushing past capacity drops the oldest item. */
class Ring<T> {
  private readonly items: T[] = [];
  private start = 0;
  constructor(private readonly capacity: number) {}
  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }
  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}

export class ReplayState {
  private readonly actors = new Map<string, ActorSummary>();
  private readonly timeline: Ring<RelayMessage>;
  private readonly metrics: Ring<MetricsMessage>;
  private readonly historyPerActor: number;
  private readonly maxActors: number;
  private lastSeq = 0;

  constructor(limits: ReplayLimits = {}) {
    this.historyPerActor = limits.historyPerActor ?? 50;
    this.maxActors = limits.actors ?? 500;
    this.timeline = new Ring(limits.timeline ?? 300);
    this.metrics = new Ring(limits.metrics ?? 120);
  }

  /** Folds one numbered message into the memory. */
  apply(message: RelayMessage): void {
    this.lastSeq = message.seq;
    switch (message.kind) {
      case 'actor': {
        const summary: ActorSummary = { actor: message, history: [] };
        if (message.value !== undefined) summary.value = message.value;
        if (message.status !== undefined) summary.status = message.status;
        if (message.context !== undefined) summary.context = message.context;
        if (message.systemId !== undefined) summary.systemId = message.systemId;
        this.actors.set(message.sessionId, summary);
        if (this.actors.size > this.maxActors) this.evict();
        break;
      }
      case 'snapshot': {
        const summary = this.actors.get(message.sessionId);
        if (!summary) break;
        if (message.value !== undefined) summary.value = message.value;
        if (message.status !== undefined) summary.status = message.status;
        if (message.context !== undefined) summary.context = message.context;
        if (message.systemId !== undefined) summary.systemId = message.systemId;
        summary.history.push(message);
        if (summary.history.length > this.historyPerActor) summary.history.shift();
        break;
      }
      case 'metrics':
        this.metrics.push(message);
        break;
      default:
        this.timeline.push(message);
    }
  }

  /** The first frame for a newly connected page. */
  hello(): HelloMessage {
    return {
      kind: 'hello',
      seq: this.lastSeq,
      time: Date.now(),
      actors: [...this.actors.values()],
      timeline: this.timeline.toArray(),
      metrics: this.metrics.toArray(),
    };
  }

  /** How many actors are remembered. */
  get actorCount(): number {
    return this.actors.size;
  }

  private evict(): void {
    // Maps iterate in insertion order, so the first finished actor found is the oldest.
    for (const [sessionId, summary] of this.actors) {
      if (summary.status !== undefined && summary.status !== 'active') {
        this.actors.delete(sessionId);
        return;
      }
    }
    const oldest = this.actors.keys().next();
    if (!oldest.done) this.actors.delete(oldest.value);
  }
}
