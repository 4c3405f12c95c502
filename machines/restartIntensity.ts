/**
 * Restart intensity, as pure functions over a plugin's restart log (the
 * timestamps, in ms, of the restarts it was allowed, oldest first): how many
 * fall within a window, whether one more is allowed, and the log with one more
 * recorded. The supervisor machine (machines/supervisor.machine.ts) keeps the
 * logs of a registry's plugins in its context with these; the standalone
 * recovery host keeps its own with the same functions; the restart strategy
 * machine reads a log to decide before it asks.
 */

/** At most `maxRestarts` restarts within `withinMs` (Erlang/OTP's intensity and period). */
export interface RestartIntensity {
  /** Restarts allowed within the window; one more is refused. An integer ≥ 0. */
  maxRestarts: number;
  /** The window, in ms, ending at the restart asked for. ≥ 0. */
  withinMs: number;
}

/**
 * Restart timestamps kept per plugin at least. A log keeps more when a limit
 * asks for more (`maxRestarts` entries are what deciding needs), so the
 * count is exact for every limit; it never holds more than the larger of the two.
 */
export const RESTART_LOG_SIZE = 64;

/** How many restarts of the log fall within the window of `withinMs` ending at `now`. */
export function restartsInWindow(restartLog: readonly number[], now: number, withinMs: number): number {
  let count = 0;
  for (const at of restartLog) if (now - at <= withinMs) count++;
  return count;
}

/** Whether a restart at `at` stays within `intensity`, given the restarts already in `restartLog`. */
export function withinIntensity(restartLog: readonly number[], at: number, intensity: RestartIntensity): boolean {
  return restartsInWindow(restartLog, at, intensity.withinMs) < intensity.maxRestarts;
}

/**
 * `restartLog` (never changed) with a restart at `at` recorded, oldest entries
 * dropped beyond the larger of RESTART_LOG_SIZE, `maxRestarts` and what the
 * log already keeps (a limit once asked for stays countable).
 */
export function recordRestart(restartLog: readonly number[] | undefined, at: number, maxRestarts = 0): number[] {
  const previous = restartLog ?? [];
  const keep = Math.max(RESTART_LOG_SIZE, maxRestarts, previous.length);
  const start = previous.length + 1 > keep ? previous.length + 1 - keep : 0;
  const next = previous.slice(start);
  next.push(at);
  return next;
}

/** Why a restart was refused, in the words the restart strategy escalates with. */
export function intensityReason(plugin: string, restarts: number, intensity: RestartIntensity): string {
  return `restart intensity exceeded: plugin '${plugin}' was restarted ${restarts} times within ${intensity.withinMs} ms (limit ${intensity.maxRestarts})`;
}
