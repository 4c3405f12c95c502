/**
 * Reads what a transition asks the world to do from the actions it returns:
 * invoked/spawned children (`xstate.spawnChild`), delayed events
 * (`xstate.raise` with a `delay`), cancelled delays (`xstate.cancel`) and emitted
 * events (`xstate.emit`). Everything else (assigns already applied, immediate
 * raises already processed, stops reflected in `snapshot.children`) is ignored.
 */
import type { EventObject } from 'xstate';
import type { ReturnedAction } from './pureTransition.js';

/** A delayed event the machine scheduled. */
export interface ScheduledDelay {
  /** The id `xstate.cancel` uses to cancel it. */
  sendId: string;
  /** The event sent when it fires. */
  event: EventObject;
  /** The delay's name (`backoff` for `after: { backoff }`), or its length for a numeric delay. */
  name: string;
  /** Its length in ms. */
  ms: number;
}

/** The effects of one transition. */
export interface Effects {
  /** Children started: invoke/spawn id and the src name (the id when the src is not a name). */
  spawned: Array<{ id: string; src: string }>;
  /** Delays scheduled. */
  scheduled: ScheduledDelay[];
  /** sendIds of delays cancelled. */
  cancelled: string[];
  /** Events emitted (`emit(...)`), in order. */
  emitted: EventObject[];
}

/** Shared empty lists (never pushed to: a step that has an effect of a kind gets its own list). */
const NONE: Effects = { spawned: [], scheduled: [], cancelled: [], emitted: [] };
const NO_EFFECTS: Effects = Object.freeze({ ...NONE }) as Effects;

/** Extracts the effects from a transition's actions. */
export function readEffects(actions: readonly ReturnedAction[]): Effects {
  if (actions.length === 0) return NO_EFFECTS;
  // Each list is allocated only when the step has an effect of its kind.
  let spawned: Effects['spawned'] | undefined;
  let scheduled: Effects['scheduled'] | undefined;
  let cancelled: Effects['cancelled'] | undefined;
  let emitted: Effects['emitted'] | undefined;
  for (const action of actions) {
    const params = action.params as Record<string, unknown> | undefined;
    switch (action.type) {
      case 'xstate.spawnChild': {
        if (!params) break;
        const id = String(params.id);
        (spawned ??= []).push({ id, src: typeof params.src === 'string' ? params.src : id });
        break;
      }
      case 'xstate.raise': {
        if (!params || typeof params.delay !== 'number') break;
        const event = params.event as EventObject;
        const sendId = String(params.id ?? event.type);
        (scheduled ??= []).push({ sendId, event, name: delayName(event.type, params.delay), ms: params.delay });
        break;
      }
      case 'xstate.cancel': {
        if (params && typeof params.sendId === 'string') (cancelled ??= []).push(params.sendId);
        break;
      }
      case 'xstate.emit': {
        if (params && typeof params.event === 'object' && params.event !== null) (emitted ??= []).push(params.event as EventObject);
        break;
      }
      default:
        break;
    }
  }
  if (!spawned && !scheduled && !cancelled && !emitted) return NO_EFFECTS;
  return { spawned: spawned ?? NONE.spawned, scheduled: scheduled ?? NONE.scheduled, cancelled: cancelled ?? NONE.cancelled, emitted: emitted ?? NONE.emitted };
}

/** `xstate.after.backoff.retry.waiting` → `backoff`; a numeric `after: { 500 }` → `500`. */
export function delayName(eventType: string, ms: number): string {
  const prefix = 'xstate.after.';
  if (!eventType.startsWith(prefix)) return eventType;
  const rest = eventType.slice(prefix.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? String(ms) : rest.slice(0, dot);
}
