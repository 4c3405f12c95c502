// Counterexamples are real: replayed on a real actor with fault-injecting stubs and
// tiny real timers, the run follows the checker's trace step by step; an altered
// trace is reported as diverging at the altered step.
import { describe, expect, it } from 'vitest';
import { checkStrategy, replayTrace, traceToVitest, type TraceStep } from '../../src/check/index.js';
import { retryStrategy, restartPluginStrategy } from '../../src/errors/recovery/index.js';
import { impatientRetry, missedEscalation, restartDisposed, unboundedRetry } from '../../examples/strategies/broken.js';

describe('replayTrace', () => {
  it.each([
    ['unboundedRetry', unboundedRetry],
    ['missedEscalation', missedEscalation],
    ['restartDisposed', restartDisposed],
    ['impatientRetry', impatientRetry],
  ])('the real %s follows its counterexample', async (_name, strategy) => {
    const result = checkStrategy(strategy);
    expect(result.violations.length).toBeGreaterThan(0);
    for (const v of result.violations) {
      const replay = await replayTrace(strategy, v.trace);
      expect(replay.followed, replay.message).toBe(true);
      expect(replay.steps).toHaveLength(v.trace.length);
    }
  });

  it('a built-in strategy follows a trace to escalation, emitting error:escalated', async () => {
    const strategy = retryStrategy({ maxAttempts: 2 });
    const result = checkStrategy(strategy, { invariants: [{ name: 'never-escalates', check: (s) => s.value !== 'escalated' }] });
    const v = result.violations.find((x) => x.property === 'never-escalates')!;
    const replay = await replayTrace(strategy, v.trace);
    expect(replay.followed, replay.message).toBe(true);
    expect(replay.steps.at(-1)!.emitted).toEqual(['error:escalated']);
  });

  it('reports the step where the real run leaves an altered trace', async () => {
    const strategy = restartPluginStrategy();
    const result = checkStrategy(strategy, { invariants: [{ name: 'never-recovers', check: (s) => s.value !== 'recovered' }] });
    const trace = result.violations.find((x) => x.property === 'never-recovers')!.trace;
    expect(trace.map((s) => s.state)).toEqual(['restarting', 'recovered']);
    const altered: TraceStep[] = trace.map((s, i) => (i === 1 ? { ...s, state: 'escalated' } : s));
    const replay = await replayTrace(strategy, altered);
    expect(replay.followed).toBe(false);
    expect(replay.divergedAt).toBe(1);
    expect(replay.message).toMatch(/reached 'recovered' where the trace says 'escalated'/);
  });

  it('reports an answer to an invoke the real run does not have', async () => {
    const strategy = retryStrategy();
    const trace: TraceStep[] = [
      { event: { type: 'start', variant: 'input' }, state: 'waiting', timeMs: 0, emitted: [], running: [] },
      { event: { type: 'fail', actor: 'attempt', fault: 'transient' }, state: 'waiting', timeMs: 0, emitted: [], running: [] },
    ];
    const replay = await replayTrace(strategy, trace);
    expect(replay.followed).toBe(false);
    expect(replay.message).toMatch(/no such invoke waiting/);
  });

  it('rejects a trace that does not start with start', async () => {
    await expect(replayTrace(retryStrategy(), [])).rejects.toThrow(/starts with a 'start' step/);
  });
});

describe('traceToVitest', () => {
  it('writes a test that imports the strategy, embeds the trace and asserts the fix', () => {
    const result = checkStrategy(unboundedRetry);
    const v = result.violations[0]!;
    const text = traceToVitest(unboundedRetry, v.trace, { importPath: '../examples/strategies/broken.js', exportName: 'unboundedRetry', property: v.property });
    expect(text).toContain(`import { unboundedRetry } from "../examples/strategies/broken.js";`);
    expect(text).toContain(`from "@dataprism/orchestration/check"`);
    expect(text).toContain('replayTrace(unboundedRetry, trace)');
    expect(text).toContain(`not.toContain("attempts-bounded")`);
    // the trace survives the round trip through the file
    const json = text.slice(text.indexOf('const trace: TraceStep[] = ') + 'const trace: TraceStep[] = '.length, text.indexOf(';\n\ndescribe('));
    expect(JSON.parse(json)).toEqual(v.trace);
  });

  it('needs an import path', () => {
    expect(() => traceToVitest(unboundedRetry, [], { importPath: '' })).toThrow(/importPath/);
  });
});
