/**
 * Waiting on a plugin actor: until its snapshot satisfies a condition, or
 * until it is settled (no hook running, no execution in flight). Answers at
 * once from the current snapshot when it already does, without a promise turn
 * per plugin when nothing needs waiting for.
 */
import { pluginStateName } from '../../machines/plugin.machine.js';
import type { PluginActor, PluginSnapshot } from './pluginEntry.js';

const SETTLED_STATES = new Set<string>(['loaded', 'initialized', 'error', 'disposed']);

/** Resolves with the first snapshot (current or later) that satisfies `done`, or the last one if the actor stops. */
export function waitForState(actor: PluginActor, done: (s: PluginSnapshot) => boolean): Promise<PluginSnapshot> {
  const current = actor.getSnapshot();
  if (done(current) || current.status !== 'active') return Promise.resolve(current);
  return new Promise((resolve) => {
    let finished = false;
    const finish = (s: PluginSnapshot) => {
      if (finished) return;
      finished = true;
      subscription.unsubscribe();
      resolve(s);
    };
    const subscription = actor.subscribe({
      next: (s) => {
        if (done(s) || s.status !== 'active') finish(s);
      },
      complete: () => finish(actor.getSnapshot()),
      error: () => finish(actor.getSnapshot()),
    });
  });
}

/** True when no hook is running (loading, initializing, disposing) and no execution is in flight. */
export function isSettled(snapshot: PluginSnapshot): boolean {
  return SETTLED_STATES.has(pluginStateName(snapshot.value));
}

/** Waits until no hook is running (loading, initializing, disposing) and no execution is in flight. */
export function settled(actor: PluginActor): Promise<PluginSnapshot> {
  return waitForState(actor, isSettled);
}

/** Waits until none of `actors` runs a hook; resolves at once when none does. */
export async function allSettled(actors: Iterable<PluginActor>): Promise<void> {
  const busy: Promise<PluginSnapshot>[] = [];
  for (const actor of actors) if (!isSettled(actor.getSnapshot())) busy.push(settled(actor));
  if (busy.length > 0) await Promise.all(busy);
}
