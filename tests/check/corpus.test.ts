// The example corpus: every broken strategy in examples/strategies/ has one
// plausible bug of its own kind, and the checker reports exactly the property
// that bug breaks, with a counterexample that replays on the real runtime
// (compositions excepted: replay drives one machine); every correct strategy
// passes every property with a complete search.
import { describe, expect, it } from 'vitest';
import { checkStrategy, formatCheckResult, replayTrace, type CheckableStrategy } from '../../src/check/index.js';
import * as broken from '../../examples/strategies/broken.js';
import * as liveness from '../../examples/strategies/brokenLiveness.js';
import * as data from '../../examples/strategies/brokenData.js';
import * as events from '../../examples/strategies/brokenEvents.js';
import * as composed from '../../examples/strategies/brokenCompose.js';
import * as correct from '../../examples/strategies/correct.js';
import { patientRetry } from '../../examples/strategies/patientRetry.js';
import { countingRetry } from '../../examples/strategies/countingRetry.js';

/** Each broken strategy, its kind of bug, and the property that must catch it (first in report order). */
const BROKEN: Array<[string, CheckableStrategy, string]> = [
  ['a declared bound never checked', broken.unboundedRetry, 'attempts-bounded'],
  ['a non-final state with no way out', broken.missedEscalation, 'shutdown-accepted'],
  ['restarting a plugin known to be disposed', broken.restartDisposed, 'no-restart-after-dispose'],
  ['retrying at once despite a promised backoff', broken.impatientRetry, 'backoff-respected'],
  ['an uncounted cooldown (livelock)', liveness.cooldownLivelock, 'no-livelock'],
  ['a compound state without onDone (deadlock masked by SHUTDOWN)', liveness.unfinishedCleanup, 'final-reachable'],
  ['a state that ignores SHUTDOWN', liveness.deafAfterCleanup, 'shutdown-accepted'],
  ['cleanup and attempt in flight at once', liveness.parallelCleanup, 'single-recovery-in-flight'],
  ['a bug only a Map in the context reveals', data.kindAwareRetry, 'shutdown-accepted'],
  ['a bug inside a delay function', data.hastyBackoff, 'backoff-respected'],
  ['a bound lifted for one input category', data.transientForever, 'attempts-bounded'],
  ['a livelock only a full restart log starts', data.waitForWindow, 'final-reachable'],
  ['error:recovered announced twice', events.eagerAnnouncer, 'recovered-event-iff-recovered'],
  ['an action that throws (XState error status)', events.timeoutNoter, 'ends-recovered-or-escalated'],
  ['correct stages composed wrongly', composed.restartTwice, 'no-restart-after-dispose'],
];

const CORRECT: CheckableStrategy[] = [patientRetry, countingRetry(4), correct.cooldownRetry, correct.cleanupThenRetry, correct.tolerantRetry];

describe('the broken corpus: every bug caught', () => {
  it('has at least 12 strategies, each a bug of its own kind', () => {
    expect(BROKEN.length).toBeGreaterThanOrEqual(12);
    expect(new Set(BROKEN.map(([kind]) => kind)).size).toBe(BROKEN.length);
    expect(new Set(BROKEN.map(([, s]) => s.name)).size).toBe(BROKEN.length);
  });

  it.each(BROKEN.map(([kind, strategy, property]) => [kind, property, strategy] as const))('%s: caught by %s', async (_kind, property, strategy) => {
    const result = checkStrategy(strategy);
    expect(result.ok).toBe(false);
    expect(result.violations[0]?.property, formatCheckResult(result)).toBe(property);
    if (!('stages' in strategy)) {
      for (const v of result.violations) {
        const replay = await replayTrace(strategy, v.trace);
        expect(replay.followed, `${v.property}: ${replay.message}`).toBe(true);
      }
    }
  });
});

describe('the correct corpus: no false alarm', () => {
  it.each(CORRECT.map((s) => [s.name, s] as const))('%s passes every property', (_name, strategy) => {
    const result = checkStrategy(strategy);
    if (!result.ok) throw new Error(formatCheckResult(result));
    expect(result.complete).toBe(true);
    expect(result.properties).toEqual(expect.arrayContaining(['no-livelock', 'final-reachable', 'shutdown-accepted']));
  });
});
