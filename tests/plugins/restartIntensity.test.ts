// Restart intensity owned by the supervisor: concurrent failures of one plugin
// under restartPluginStrategy({ maxRestarts: 1 }) restart it exactly once, the
// other recoveries escalate, and the restart log the supervisor keeps is what
// list(), restartLog() and the supervisor's snapshot show. Before, each recovery
// read a private copy of the log at its start and restarted later: a composed
// strategy (retry, then restart) failing N times at once restarted N times.
import { describe, expect, it } from 'vitest';
import { compose, restartPluginStrategy, retryStrategy, type RecoveryStrategy } from '../../src/errors/index.js';
import { RestartIntensityError } from '../../src/errors/RestartIntensityError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { supervised, testPlugin } from './helpers.js';

const INTENSITY = /^restart intensity exceeded: plugin 'p' was restarted 1 times within 60000 ms \(limit 1\)$/;

/** A registry whose plugin 'p' fails every call (after a turn of the event loop, so the calls overlap). */
async function failing(strategy: RecoveryStrategy, maxConcurrency: number) {
  const { registry, bus } = supervised({ maxConcurrency, strategies: [strategy] });
  const counts = { initializations: 0 };
  const escalations: string[] = [];
  bus.on('error:escalated', (e) => void escalations.push((e as { reason: string }).reason));
  await registry.register(
    testPlugin('p', {
      initialize: () => void counts.initializations++,
      execute: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        throw new Error('p is broken');
      },
    }),
  );
  await registry.initializeAll();
  return { registry, counts, escalations };
}

const restartOnce = () => restartPluginStrategy({ maxRestarts: 1, withinMs: 60_000 });
const retryThenRestart = () => compose(retryStrategy({ maxAttempts: 1, initialDelayMs: 1, jitter: 0 }), restartOnce());

describe('restart intensity is the supervisor’s', () => {
  for (const [label, strategy] of [
    ['restartPluginStrategy', restartOnce],
    ['retry, then restart (each recovery decides long after it read the log)', retryThenRestart],
  ] as const) {
    it(`${label}: ${3} calls failing at once restart the plugin exactly once; the other recoveries escalate for intensity`, async () => {
      const { registry, counts, escalations } = await failing(strategy(), 3);
      const results = await Promise.allSettled([1, 2, 3].map(() => registry.execute('p', 'run')));
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(counts.initializations).toBe(2);
      expect(registry.restartLog('p')).toHaveLength(1);
      expect(escalations.filter((reason) => INTENSITY.test(reason))).toHaveLength(2);
      await registry.shutdownAll();
    });
  }

  it('the log is visible in list(), restartLog() and the supervisor’s snapshot, and is forgotten when the plugin is unregistered', async () => {
    const { registry } = supervised({ maxConcurrency: 2 });
    await registry.register(testPlugin('p'));
    await registry.initializeAll();
    const before = Date.now();
    await registry.restart('p');
    const log = registry.restartLog('p');
    expect(log).toHaveLength(1);
    expect(log[0]).toBeGreaterThanOrEqual(before);
    expect(registry.list()[0]!.restartLog).toEqual(log);
    const supervisor = registry.getServices().actors.get('supervisor')!;
    expect(supervisor.getSnapshot().context.restartLogs).toEqual({ p: log });
    // A copy: changing it changes nothing.
    registry.list()[0]!.restartLog.push(0);
    expect(registry.restartLog('p')).toEqual(log);

    await registry.unregister('p');
    expect(supervisor.getSnapshot().context.restartLogs).toEqual({});
    await registry.register(testPlugin('p'));
    expect(registry.restartLog('p')).toEqual([]);
    await registry.shutdownAll();
  });

  it('a user’s restart counts toward intensity (one log of the plugin’s restarts) but is never refused for it', async () => {
    const { registry, counts, escalations } = await failing(restartOnce(), 2);
    await registry.restart('p');
    await registry.restart('p');
    expect(counts.initializations).toBe(3);
    expect(registry.restartLog('p')).toHaveLength(2);
    // The recovery sees two restarts within its window: it does not restart a third time.
    await expect(registry.execute('p', 'run')).rejects.toThrow(/p is broken/);
    expect(counts.initializations).toBe(3);
    expect(escalations).toEqual([expect.stringMatching(/^restart intensity exceeded: plugin 'p' was restarted 2 times within 60000 ms \(limit 1\)$/)]);
    await registry.shutdownAll();
  });

  it('plugins named after Object.prototype’s members (constructor, toString, hasOwnProperty) have logs of their own', async () => {
    const { registry } = supervised({ maxConcurrency: 2 });
    const names = ['constructor', 'toString', 'hasOwnProperty'];
    for (const name of names) await registry.register(testPlugin(name));
    expect(registry.list().map((info) => info.restartLog)).toEqual([[], [], []]);
    await registry.initializeAll();
    await registry.restart('constructor');
    const intensity = { maxRestarts: 1, withinMs: 60_000 };
    await registry.restartForRecovery('toString', { at: 1000, intensity });
    await expect(registry.restartForRecovery('toString', { at: 1001, intensity })).rejects.toBeInstanceOf(RestartIntensityError);
    expect(registry.list().map((info) => [info.name, info.restartLog.length])).toEqual([
      ['constructor', 1],
      ['toString', 1],
      ['hasOwnProperty', 0],
    ]);
    await registry.unregister('constructor');
    await registry.register(testPlugin('constructor'));
    expect(registry.restartLog('constructor')).toEqual([]);
    await registry.shutdownAll();
    expect(registry.slots().inUse).toBe(0);
  });

  it('the supervisor refuses a restart past the limit with a RestartIntensityError that says what to do, and leaves the plugin running', async () => {
    const { registry } = supervised({ maxConcurrency: 1 });
    await registry.register(testPlugin('p'));
    await registry.initializeAll();
    const intensity = { maxRestarts: 2, withinMs: 1000 };
    await registry.restartForRecovery('p', { at: 10_000, intensity });
    await registry.restartForRecovery('p', { at: 10_500, intensity });
    const refused = await registry.restartForRecovery('p', { at: 10_900, intensity }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RestartIntensityError);
    expect(refused).toMatchObject({ plugin: 'p', phase: 'restart', restarts: 2, maxRestarts: 2, withinMs: 1000, category: 'plugin' });
    expect((refused as Error).message).toMatch(/restarted 2 times within 1000 ms \(limit 2\); it keeps failing: fix its cause, or allow more restarts/);
    expect(registry.stateOf('p')).toBe('initialized');
    expect(registry.restartLog('p')).toEqual([10_000, 10_500]);
    // A time or limit that is not a number would count nothing: refused, naming the field.
    await expect(registry.restartForRecovery('p', { at: Number.NaN, intensity })).rejects.toThrow(/request\.at must be a finite time in ms, got NaN/);
    await expect(registry.restartForRecovery('p', { at: 1, intensity: { maxRestarts: 1.5, withinMs: 1 } })).rejects.toThrow(/maxRestarts must be an integer ≥ 0, got 1\.5/);
    await expect(registry.restartForRecovery('p', { at: 1, intensity: { maxRestarts: 1, withinMs: -1 } })).rejects.toBeInstanceOf(ValidationError);
    // Once the window has passed the oldest, there is room again.
    await registry.restartForRecovery('p', { at: 11_001, intensity });
    expect(registry.restartLog('p')).toEqual([10_000, 10_500, 11_001]);
    await registry.shutdownAll();
  });
});
