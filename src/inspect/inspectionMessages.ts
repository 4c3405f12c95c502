/**
 * Converts XState inspection events (and the Stately inspector's wire events, for
 * producers in other processes) into relay messages. The observer side only
 * captures references, which is cheap enough to run on every transition; the
 * serialization happens later, in the relay's flush. That is safe because XState
 * snapshots and contexts are immutable values: a later transition makes new ones.
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { chartFromMachine, chartFromMachineConfig, type ChartNode } from './chartDefinition.js';
import { safeSerialize, serializeError, type JsonValue, type SafeSerializeOptions } from './safeSerialize.js';
import type { ActorMessage, EventMessage, SnapshotMessage, UnnumberedMessage } from './protocol.js';

/** An inspection event as captured on the hot path: references only. */
export type CapturedInspection =
  | { raw: 'actor'; time: number; ref: AnyActorRef; rootId: string }
  | { raw: 'event'; time: number; ref: AnyActorRef; source: AnyActorRef | undefined; event: { type: string } }
  | { raw: 'snapshot'; time: number; ref: AnyActorRef; event: { type: string }; snapshot: unknown };

/** Captures the three inspection events the visualizer uses; the others (microsteps, actions) are dropped. */
export function captureInspection(event: InspectionEvent): CapturedInspection | undefined {
  switch (event.type) {
    case '@xstate.snapshot':
      return { raw: 'snapshot', time: Date.now(), ref: event.actorRef as AnyActorRef, event: event.event, snapshot: event.snapshot };
    case '@xstate.event':
      return {
        raw: 'event',
        time: Date.now(),
        ref: event.actorRef as AnyActorRef,
        source: event.sourceRef as AnyActorRef | undefined,
        event: event.event,
      };
    case '@xstate.actor':
      return { raw: 'actor', time: Date.now(), ref: event.actorRef as AnyActorRef, rootId: event.rootId };
    default:
      return undefined;
  }
}

interface MachineLike {
  id?: unknown;
  root?: unknown;
  toJSON?: () => unknown;
}

/**
 * Turns captured events into messages. Keeps, per live actor, the last context it
 * sent, so an unchanged context (the common case) is not serialized again.
 */
export class InspectionConverter {
  private readonly lastContext = new Map<string, unknown>();
  /** One chart per machine, however many actors run it. */
  private readonly charts = new WeakMap<object, ChartNode | null>();

  constructor(private readonly serializeOptions: SafeSerializeOptions = {}) {}

  /** Converts one captured event; never throws. */
  convert(captured: CapturedInspection): UnnumberedMessage {
    const ref = captured.ref;
    const sessionId = ref.sessionId;
    if (captured.raw === 'actor') {
      const logic = (ref as unknown as { logic?: MachineLike }).logic;
      const message: Omit<ActorMessage, 'seq'> = {
        kind: 'actor',
        time: captured.time,
        sessionId,
        id: String(ref.id),
        logic: logicName(ref, logic),
        rootId: captured.rootId,
      };
      const parent = (ref as unknown as { _parent?: AnyActorRef })._parent;
      if (parent) message.parentId = parent.sessionId;
      const systemId = systemIdOf(ref);
      if (systemId !== undefined) message.systemId = systemId;
      const chart = logic ? this.chartOf(logic) : undefined;
      if (chart) message.definition = chart;
      return message;
    }
    if (captured.raw === 'event') {
      const message: Omit<EventMessage, 'seq'> = {
        kind: 'event',
        time: captured.time,
        sessionId,
        type: String(captured.event.type),
        event: this.serialize(captured.event),
      };
      if (captured.source) message.sourceId = captured.source.sessionId;
      return message;
    }
    const snapshot = captured.snapshot as { value?: unknown; status?: unknown; context?: unknown; error?: unknown; output?: unknown };
    const message: Omit<SnapshotMessage, 'seq'> = {
      kind: 'snapshot',
      time: captured.time,
      sessionId,
      eventType: String(captured.event.type),
      status: typeof snapshot.status === 'string' ? snapshot.status : 'active',
    };
    const systemId = systemIdOf(ref);
    if (systemId !== undefined) message.systemId = systemId;
    if (snapshot.value !== undefined) message.value = this.serialize(snapshot.value);
    const context = snapshot.context;
    if (context !== undefined && (!this.lastContext.has(sessionId) || this.lastContext.get(sessionId) !== context)) {
      message.context = this.serialize(context);
    }
    if (message.status === 'active') this.lastContext.set(sessionId, context);
    else {
      // A finished actor sends no more snapshots: forget it so the map stays bounded.
      this.lastContext.delete(sessionId);
      if (message.status === 'error' && snapshot.error !== undefined) message.error = serializeError(snapshot.error) as JsonValue;
      if (message.status === 'done' && snapshot.output !== undefined) message.output = this.serialize(snapshot.output);
    }
    return message;
  }

  private serialize(value: unknown): JsonValue {
    return safeSerialize(value, this.serializeOptions);
  }

  private chartOf(logic: MachineLike): ChartNode | undefined {
    const cached = this.charts.get(logic);
    if (cached !== undefined) return cached ?? undefined;
    let chart: ChartNode | undefined;
    try {
      chart = typeof logic.toJSON === 'function' ? chartFromMachine(logic as { toJSON(): unknown; root?: unknown }) : undefined;
    } catch {
      chart = undefined;
    }
    this.charts.set(logic, chart ?? null);
    return chart;
  }
}

/** The system-wide name; set on the actor once the system registers it (after `@xstate.actor`). */
function systemIdOf(ref: AnyActorRef): string | undefined {
  const systemId = (ref as unknown as { systemId?: unknown }).systemId;
  return typeof systemId === 'string' ? systemId : undefined;
}

function logicName(ref: AnyActorRef, logic: MachineLike | undefined): string {
  if (logic && typeof logic.toJSON === 'function' && typeof logic.id === 'string') return logic.id;
  const src = (ref as unknown as { src?: unknown }).src;
  return typeof src === 'string' ? src : 'actor';
}

/**
 * Converts one event sent by the Stately WebSocket inspector (`createWebSocketInspector`
 * pointed at our relay) into a message; undefined for anything else.
 */
export function fromStatelyEvent(value: unknown, serializeOptions: SafeSerializeOptions = {}): UnnumberedMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  const sessionId = event['sessionId'];
  if (typeof sessionId !== 'string' || typeof event['type'] !== 'string') return undefined;
  const time = Date.now();
  const snapshot = (typeof event['snapshot'] === 'object' && event['snapshot'] !== null ? event['snapshot'] : {}) as Record<string, unknown>;
  switch (event['type']) {
    case '@xstate.actor': {
      const message: Omit<ActorMessage, 'seq'> = {
        kind: 'actor',
        time,
        sessionId,
        id: typeof event['name'] === 'string' ? event['name'] : sessionId,
        logic: typeof event['name'] === 'string' ? event['name'] : 'actor',
      };
      if (typeof event['parentId'] === 'string') message.parentId = event['parentId'];
      if (typeof event['rootId'] === 'string') message.rootId = event['rootId'];
      if (typeof event['definition'] === 'string') {
        try {
          const config = JSON.parse(event['definition']) as unknown;
          const chart = chartFromMachineConfig(config);
          if (chart && chart.states.length > 0) {
            message.definition = chart;
            message.logic = chart.key;
          }
        } catch {
          // An unparsable definition only costs the drawing, not the actor.
        }
      }
      if (snapshot['value'] !== undefined) message.value = safeSerialize(snapshot['value'], serializeOptions);
      if (typeof snapshot['status'] === 'string') message.status = snapshot['status'];
      if (snapshot['context'] !== undefined) message.context = safeSerialize(snapshot['context'], serializeOptions);
      return message;
    }
    case '@xstate.event': {
      const inner = event['event'];
      const type = typeof inner === 'object' && inner !== null ? String((inner as { type?: unknown }).type) : String(inner);
      const message: Omit<EventMessage, 'seq'> = { kind: 'event', time, sessionId, type, event: safeSerialize(inner, serializeOptions) };
      if (typeof event['sourceId'] === 'string') message.sourceId = event['sourceId'];
      return message;
    }
    case '@xstate.snapshot': {
      const inner = event['event'];
      const message: Omit<SnapshotMessage, 'seq'> = {
        kind: 'snapshot',
        time,
        sessionId,
        eventType: typeof inner === 'object' && inner !== null ? String((inner as { type?: unknown }).type) : '',
        status: typeof snapshot['status'] === 'string' ? snapshot['status'] : 'active',
      };
      if (snapshot['value'] !== undefined) message.value = safeSerialize(snapshot['value'], serializeOptions);
      if (snapshot['context'] !== undefined) message.context = safeSerialize(snapshot['context'], serializeOptions);
      if (snapshot['error'] !== undefined) message.error = safeSerialize(snapshot['error'], serializeOptions);
      if (snapshot['output'] !== undefined) message.output = safeSerialize(snapshot['output'], serializeOptions);
      return message;
    }
    default:
      return undefined;
  }
}
