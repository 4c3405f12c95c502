/**
 * The messages the inspection relay sends to the visualizer page. Every frame is a
 * JSON array of messages; every message but `hello` carries `seq`, a number that
 * grows by one per message, so a page can prove it missed nothing.
 */
import type { JsonValue } from './safeSerialize.js';
import type { ChartNode } from './chartDefinition.js';

/** An actor was created (`@xstate.actor`): its identity, its parent and its statechart. */
export interface ActorMessage {
  kind: 'actor';
  seq: number;
  /** Epoch ms when the relay saw it. */
  time: number;
  /** The actor's unique session id (`x:3`): the key of everything else. */
  sessionId: string;
  /** Its id in its parent (`plugin:viz`, `engine`). */
  id: string;
  /** Its system-wide name, when it has one. */
  systemId?: string;
  /** The parent's session id; absent for a root actor. */
  parentId?: string;
  /** The root actor's session id. */
  rootId?: string;
  /** The machine's id (`plugin`, `recovery`), or the logic's kind for non-machine actors (`promise`). */
  logic: string;
  /** The statechart to draw, from the machine's definition; absent for non-machine actors. */
  definition?: ChartNode;
  /** Its state value at creation. */
  value?: JsonValue;
  /** `active`, `done`, `error` or `stopped`. */
  status?: string;
  /** Its context at creation. */
  context?: JsonValue;
}

/** An event was delivered to an actor (`@xstate.event`). */
export interface EventMessage {
  kind: 'event';
  seq: number;
  time: number;
  /** The receiving actor. */
  sessionId: string;
  /** The sending actor, when it was one. */
  sourceId?: string;
  /** The event's type. */
  type: string;
  /** The whole event, serialized. */
  event: JsonValue;
}

/** An actor has a new snapshot (`@xstate.snapshot`). */
export interface SnapshotMessage {
  kind: 'snapshot';
  seq: number;
  time: number;
  sessionId: string;
  /** Its system-wide name, once the system has registered it. */
  systemId?: string;
  /** The type of the event that produced this snapshot. */
  eventType: string;
  /** The state value (`'ready'`, `{ running: 'retrying' }`). */
  value?: JsonValue;
  status?: string;
  /** The context, only when it changed since the actor's previous snapshot. */
  context?: JsonValue;
  /** The error of an actor in status `error`, as `{ name, message }`. */
  error?: JsonValue;
  /** The output of an actor in status `done`. */
  output?: JsonValue;
}

/** An event of the orchestrator's EventBus (`plugin:loaded`, `error:recovered`, ...). */
export interface BusMessage {
  kind: 'bus';
  seq: number;
  time: number;
  type: string;
  payload: JsonValue;
}

/** One sample of the orchestrator's resource usage and performance metrics. */
export interface MetricsMessage {
  kind: 'metrics';
  seq: number;
  time: number;
  /** Whatever the `metrics()` function returned, serialized. */
  sample: JsonValue;
}

/** Every message that carries a sequence number. */
export type RelayMessage = ActorMessage | EventMessage | SnapshotMessage | BusMessage | MetricsMessage;

/** What an actor looks like now, with its recent past: part of `hello`. */
export interface ActorSummary {
  actor: ActorMessage;
  /** Latest state value, status and context. */
  value?: JsonValue;
  status?: string;
  context?: JsonValue;
  systemId?: string;
  /** Its most recent snapshots, oldest first (bounded). */
  history: SnapshotMessage[];
}

/**
 * The first frame a page receives: the world so far (every known actor with its
 * recent history, the recent timeline and metrics), and the `seq` of the last message
 * already folded into it; live messages follow from `seq + 1`.
 */
export interface HelloMessage {
  kind: 'hello';
  seq: number;
  time: number;
  actors: ActorSummary[];
  /** Recent bus, event and snapshot messages for the timeline, oldest first (bounded). */
  timeline: RelayMessage[];
  /** Recent metrics samples, oldest first (bounded). */
  metrics: MetricsMessage[];
}

/** A message before the relay numbers it. */
export type UnnumberedMessage = RelayMessage extends infer M ? (M extends RelayMessage ? Omit<M, 'seq'> : never) : never;
