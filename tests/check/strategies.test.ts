// Every built-in recovery strategy passes every property of the strategy shape, and
// each deliberately broken example is caught with the right, shortest counterexample.
import { describe, expect, it } from 'vitest';
import { checkStrategy, formatCheckResult, STRATEGY_PROPERTIES, type CheckResult } from '../../src/check/index.js';
import { restartPluginStrategy, retryStrategy } from '../../src/errors/recovery/index.js';
import { builtins } from './strategyFixtures.js';
import { impatientRetry, missedEscalation, restartDisposed, unboundedRetry } from '../../examples/strategies/broken.js';
import { patientRetry } from '../../examples/strategies/patientRetry.js';

function expectOk(result: CheckResult): void {
  if (!result.ok) throw new Error(formatCheckResult(result));
  expect(result.complete).toBe(true);
  expect(result.violations).toEqual([]);
}

describe('built-in strategies', () => {
  it.each(builtins)('%s satisfies every strategy property', (_name, make) => {
    const result = checkStrategy(make());
    expectOk(result);
    expect(result.properties).toEqual(expect.arrayContaining([...STRATEGY_PROPERTIES]));
    expect(result.statesExplored).toBeGreaterThan(0);
  });

  it('retry explores both outcomes and the bound: runs end recovered and escalated', () => {
    const result = checkStrategy(retryStrategy({ maxAttempts: 3 }));
    expectOk(result);
    // 3 attempts, each followed by a wait: enough states for every fault at every attempt.
    expect(result.statesExplored).toBeGreaterThanOrEqual(3 * 2);
  });

  it('restart plugin starts also from a disposed plugin and still passes', () => {
    const result = checkStrategy(restartPluginStrategy(), { input: { error: new Error('boom'), category: 'plugin', component: 'plugin:viz', plugin: 'viz', now: 0, restartLog: [] } });
    expectOk(result);
  });

  it('restart intensity: a log full of recent restarts escalates at once', () => {
    const result = checkStrategy(restartPluginStrategy({ maxRestarts: 2, withinMs: 1000 }), {
      input: { error: new Error('boom'), category: 'plugin', component: 'plugin:viz', plugin: 'viz', now: 5000, restartLog: [4500, 4800] },
    });
    expectOk(result);
    // Only start, shutdown-free escalation: no restart can have been spawned.
    expect(result.statesExplored).toBeLessThanOrEqual(3);
  });

  it('a user strategy written to the contract passes', () => {
    expectOk(checkStrategy(patientRetry));
  });
});

describe('broken strategies are caught', () => {
  const only = (result: CheckResult) => result.violations.map((v) => v.property);

  it('unbounded retry: attempts-bounded, with the shortest run past the bound', () => {
    const result = checkStrategy(unboundedRetry);
    expect(result.ok).toBe(false);
    expect(only(result)).toEqual(['attempts-bounded']);
    const trace = result.violations[0]!.trace;
    // start, then (backoff, fail) ×3, then the 4th backoff starts attempt 4.
    expect(trace.map((s) => s.event.type)).toEqual(['start', 'delay', 'fail', 'delay', 'fail', 'delay', 'fail', 'delay']);
    expect(trace.at(-1)).toMatchObject({ state: 'attempting', attempts: 4, running: ['attempt'] });
  });

  it('missed escalation: final-reachable, a deadlock right after a permanent failure that not even SHUTDOWN ends', () => {
    const result = checkStrategy(missedEscalation);
    expect(only(result)).toEqual(['shutdown-accepted', 'final-reachable', 'final-reachable-with-shutdown']);
    expect(result.violations[0]!.message).toMatch(/SHUTDOWN is ignored in 'gaveUp'/);
    const v = result.violations[1]!;
    expect(v.message).toMatch(/deadlock/);
    expect(v.trace.map((s) => s.event)).toEqual([
      { type: 'start', variant: 'input' },
      { type: 'delay', delay: 'backoff', ms: 100 },
      { type: 'fail', actor: 'attempt', fault: 'permanent' },
    ]);
    expect(v.trace.at(-1)!.state).toBe('gaveUp');
  });

  it('restart of a disposed plugin: no-restart-after-dispose, from the disposed start', () => {
    const result = checkStrategy(restartDisposed);
    expect(only(result)).toEqual(['no-restart-after-dispose']);
    const trace = result.violations[0]!.trace;
    expect(trace).toHaveLength(1);
    expect(trace[0]).toMatchObject({ event: { type: 'start', variant: 'plugin disposed' }, state: 'restarting', running: ['restart'] });
  });

  it('restart of a disposed plugin is caught mid-run too when the disposed start is left out', () => {
    const result = checkStrategy(restartDisposed, {
      input: { error: new Error('boom'), category: 'plugin', component: 'plugin:p', plugin: 'p', pluginState: 'ready' },
      faults: { dispose: 1 },
    });
    expect(only(result)).toContain('no-restart-after-dispose');
  });

  it('retry that never waits: backoff-respected, failing then re-attempting at the same instant', () => {
    const result = checkStrategy(impatientRetry);
    expect(only(result)).toEqual(['backoff-respected']);
    const trace = result.violations[0]!.trace;
    expect(trace.map((s) => s.event.type)).toEqual(['start', 'delay', 'fail']);
    expect(trace[1]!.timeMs).toBe(100);
    expect(trace[2]).toMatchObject({ state: 'attempting', timeMs: 100, attempts: 2 });
  });

  it('the report names each failing property and prints its trace', () => {
    const text = formatCheckResult(checkStrategy(unboundedRetry));
    expect(text).toMatch(/FAIL {2}attempts-bounded/);
    expect(text).toMatch(/pass {2}final-reachable/);
    expect(text).toMatch(/counterexample for attempts-bounded \(8 steps\)/);
  });
});
