// Exact replay: counterexamples replay on the real runtime with the machine's own
// delay functions, on a simulated clock, so a bug inside a delay function
// reproduces, and a fixed delay makes the replay diverge at that very step.
import { describe, expect, it } from 'vitest';
import { checkStrategy, replayTrace } from '../../src/check/index.js';
import { hastyBackoff, hastyBackoffWith, hastyDelay } from '../../examples/strategies/brokenData.js';

describe('replay on a simulated clock', () => {
  const violation = checkStrategy(hastyBackoff).violations.find((v) => v.property === 'backoff-respected')!;

  it('the checker finds the too-short first wait computed by the delay function', () => {
    expect(hastyDelay(0)).toBe(50);
    expect(violation.message).toMatch(/'attempt' started 50 ms after a failure, before the minimum backoff of 100 ms/);
    expect(violation.trace.map((s) => [s.event.type, s.timeMs])).toEqual([
      ['start', 0],
      ['delay', 50],
    ]);
  });

  it('the real runtime, running the real delay function, follows the trace step by step and on time', async () => {
    const replay = await replayTrace(hastyBackoff, violation.trace);
    expect(replay.followed, replay.message).toBe(true);
    expect(replay.steps.map((s) => s.actual)).toEqual(['waiting', 'attempting']);
  });

  it('with the delay function fixed, the replay diverges at the wait, saying how long the real one is', async () => {
    const fixed = hastyBackoffWith((attempts) => 100 * 2 ** attempts);
    const replay = await replayTrace(fixed, violation.trace);
    expect(replay.followed).toBe(false);
    expect(replay.divergedAt).toBe(1);
    expect(replay.message).toBe('step 1 (backoff elapses (+50 ms)): the earliest timer of the real run is due in 100 ms');
    expect(checkStrategy(fixed).ok).toBe(true);
  });

  it('every counterexample of a long trace replays, timers and invokes interleaved', async () => {
    const result = checkStrategy(hastyBackoffWith((attempts) => (attempts === 2 ? 20 : 100 * 2 ** attempts)));
    const v = result.violations.find((x) => x.property === 'backoff-respected')!;
    expect(v.trace.map((s) => s.event.type)).toEqual(['start', 'delay', 'fail', 'delay', 'fail', 'delay']);
    const replay = await replayTrace(hastyBackoff, v.trace);
    // The unfixed strategy waits 50 ms first, not 100: the first wait already diverges.
    expect(replay.divergedAt).toBe(1);
    const own = await replayTrace(hastyBackoffWith((attempts) => (attempts === 2 ? 20 : 100 * 2 ** attempts)), v.trace);
    expect(own.followed, own.message).toBe(true);
    expect(own.steps.at(-1)).toMatchObject({ actual: 'attempting' });
  });
});
