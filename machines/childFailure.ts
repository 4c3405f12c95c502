/**
 * What XState tells a parent when a child actor fails: an event
 * `xstate.error.actor.<child id>` carrying the error. One reading of it for
 * every parent that reports its children's failures (the orchestrator and
 * supervisor machines, the orchestrator's `recoveries` actor).
 */

/** The prefix of the event type a failed child sends its parent; the child's id follows it. */
export const CHILD_ERROR_EVENT_PREFIX = 'xstate.error.actor.';

/** The failed child's id and its error, when `event` is a child's error event; undefined otherwise. */
export function childFailure(event: { type: string }): { id: string; error: unknown } | undefined {
  if (!event.type.startsWith(CHILD_ERROR_EVENT_PREFIX)) return undefined;
  return { id: event.type.slice(CHILD_ERROR_EVENT_PREFIX.length), error: (event as { error?: unknown }).error };
}
