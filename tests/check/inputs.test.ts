// Inputs are varied over a declared input domain: a bug that only shows for one
// category, a full restart log or a disposed plugin is found, the trace names
// the start it needs, and the real runtime replays it from the same input.
import { describe, expect, it } from 'vitest';
import { checkStrategy, replayTrace } from '../../src/check/index.js';
import { applyInputPoint, domainPoints } from '../../src/check/inputs.js';
import { DataPrismError } from '../../src/errors/DataPrismError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { restartPluginStrategy, retryStrategy } from '../../src/errors/recovery/index.js';
import { transientForever, waitForWindow } from '../../examples/strategies/brokenData.js';

describe('the default input domain', () => {
  it('finds a bound lifted only for transient errors, from a transient start, and replays it', async () => {
    const result = checkStrategy(transientForever);
    const v = result.violations.find((x) => x.property === 'attempts-bounded')!;
    expect(v.trace[0]!.event).toEqual({ type: 'start', variant: 'category=transient', point: { category: 'transient' } });
    const replay = await replayTrace(transientForever, v.trace);
    expect(replay.followed, replay.message).toBe(true);
    // Only the variation finds it: from the base input alone the strategy passes.
    expect(checkStrategy(transientForever, { inputs: {} }).ok).toBe(true);
  });

  it('finds the livelock that needs a full restart log', () => {
    const v = checkStrategy(waitForWindow).violations.find((x) => x.property === 'no-livelock')!;
    expect(v.trace[0]!.event).toMatchObject({ point: { restartLogLength: 3 } });
    expect(checkStrategy(waitForWindow, { inputs: { restartLogLength: [0, 1, 2] } }).ok).toBe(true);
  });

  it('keeps every built-in strategy passing from every start', () => {
    for (const strategy of [retryStrategy({ maxAttempts: 3 }), restartPluginStrategy()]) {
      const result = checkStrategy(strategy);
      expect(result.ok).toBe(true);
    }
  });

  it('varies only what the given input leaves open', () => {
    const given = { error: new Error('x'), category: 'query', component: 'engine', hasOperation: true };
    const many = checkStrategy(retryStrategy(), {});
    const one = checkStrategy(retryStrategy(), { input: given });
    expect(one.statesExplored).toBeLessThan(many.statesExplored);
  });
});

describe('a declared domain', () => {
  it('starts from every combination, base input first', () => {
    const base = { error: new Error('x'), category: 'plugin', hasOperation: true };
    const points = domainPoints(base, { category: ['plugin', 'transient'], hasOperation: [false, true], seed: [1, 7] });
    expect(points).toEqual([
      {},
      { seed: 7 },
      { hasOperation: false },
      { hasOperation: false, seed: 7 },
      { category: 'transient' },
      { category: 'transient', seed: 7 },
      { category: 'transient', hasOperation: false },
      { category: 'transient', hasOperation: false, seed: 7 },
    ]);
  });

  it('applies a point to the error too, keeping its class', () => {
    const error = new DataPrismError('boom', 'plugin', { component: 'plugin:p' });
    const input = applyInputPoint({ error, category: 'plugin', now: 100 }, { category: 'transient', restartLogLength: 2, pluginState: 'active' });
    expect(input.error).toBeInstanceOf(DataPrismError);
    expect((input.error as DataPrismError).category).toBe('transient');
    expect(error.category).toBe('plugin');
    expect(input).toMatchObject({ category: 'transient', restartLog: [98, 99], pluginState: undefined });
  });

  it('refuses a malformed domain, naming the field', () => {
    expect(() => checkStrategy(retryStrategy(), { inputs: { hasOperation: ['yes'] as never } })).toThrow(ValidationError);
    expect(() => checkStrategy(retryStrategy(), { inputs: { restartLogLength: [-1] } })).toThrow(/inputs\.restartLogLength must be an array of whole numbers ≥ 0/);
    expect(() => checkStrategy(retryStrategy(), { inputs: { colour: ['red'] } as never })).toThrow(/inputs\.colour must be one of the domain's fields/);
  });
});
