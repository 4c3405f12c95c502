// compose(...) is explored through its stages: a broken stage inside a
// composition is found, and so is a bug that only the hand-over between
// correct stages makes (a plugin one stage found disposed, restarted by the next).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkStrategy, formatCheckResult, replayTrace } from '../../src/check/index.js';
import { checkCommand } from '../../src/cli/commands/check.js';
import { compose, fallbackStrategy, restartPluginStrategy, retryStrategy } from '../../src/errors/recovery/index.js';
import { impatientRetry, unboundedRetry } from '../../examples/strategies/broken.js';
import { restartTwice } from '../../examples/strategies/brokenCompose.js';

describe('a composition explored through its stages', () => {
  it('finds the bugs of both broken stages, each said of its stage', () => {
    const result = checkStrategy(compose(impatientRetry, unboundedRetry));
    const byProperty = Object.fromEntries(result.violations.map((v) => [v.property, v]));
    expect(byProperty['backoff-respected']!.message).toMatch(/^stage 0 \(impatient_retry\): 'attempt' started 0 ms after a failure/);
    expect(byProperty['attempts-bounded']!.message).toMatch(/^stage 1 \(unbounded_retry\): attempts reached 4, above the bound of 3/);
    // The trace walks through stage 0 into stage 1.
    const states = byProperty['attempts-bounded']!.trace.map((s) => s.state);
    expect(states[1]).toMatch(/^stage0\(impatient_retry\)\./);
    expect(states.at(-1)).toBe('stage1(unbounded_retry).attempting');
  });

  it('finds what only the hand-over shows: a stage restarting a plugin the stage before found disposed', () => {
    for (const stage of restartTwice.stages!) expect(checkStrategy(stage).ok).toBe(true);
    const result = checkStrategy(restartTwice);
    expect(result.violations.map((v) => v.property)).toEqual(['no-restart-after-dispose']);
    const v = result.violations[0]!;
    expect(v.message).toMatch(/^stage 1 \(plugin_restart\): 'restart' started for plugin 'p' although the machine was told it is disposed/);
    expect(v.trace.map((s) => s.event.type)).toEqual(['start', 'dispose', 'fail']);
    expect(v.trace.at(-1)!.state).toBe('stage1(plugin_restart).restarting');
  });

  it('counts the attempts of all stages against the composition\'s bound', () => {
    const result = checkStrategy(compose(retryStrategy({ maxAttempts: 2 }), retryStrategy({ maxAttempts: 2 })));
    if (!result.ok) throw new Error(formatCheckResult(result));
    // Lie about the bound: the stages together make 4 attempts.
    const lying = { ...compose(retryStrategy({ maxAttempts: 2 }), retryStrategy({ maxAttempts: 2 })), bound: 3 };
    const v = checkStrategy(lying).violations.find((x) => x.property === 'attempts-bounded')!;
    expect(v.message).toMatch(/the stages made 4 attempts in all, above the composition's bound of 3|attempts reached 4, above the bound of 3/);
  });

  it('passes a correct composition and explores more than its sequence machine', () => {
    const strategy = compose(retryStrategy({ maxAttempts: 2 }), restartPluginStrategy(), fallbackStrategy(1));
    const result = checkStrategy(strategy);
    if (!result.ok) throw new Error(formatCheckResult(result));
    const sequenceOnly = checkStrategy({ name: strategy.name, machine: strategy.machine, bound: strategy.bound! });
    expect(result.statesExplored).toBeGreaterThan(sequenceOnly.statesExplored * 5);
  });

  it('a trace through the stages is marked, refused by replay with a reason, and emitted as a property-only test', async () => {
    const v = checkStrategy(restartTwice).violations[0]!;
    expect(v.throughStages).toBe(true);
    await expect(replayTrace(restartTwice, v.trace)).rejects.toThrow(/runs through a composition's stages .* cannot be replayed on one actor/);
    const dir = mkdtempSync(join('tests', 'check', '.scratch-'));
    try {
      const io = { out: () => {}, err: () => {} };
      expect(await checkCommand(['examples/strategies/brokenCompose.ts', '--emit-test', dir], io)).toBe(1);
      const [file] = readdirSync(dir);
      const text = readFileSync(join(dir, file!), 'utf8');
      expect(text).not.toMatch(/replayTrace/);
      expect(text).toMatch(/expect\(result\.violations\.map\(\(v\) => v\.property\)\)\.not\.toContain\("no-restart-after-dispose"\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
