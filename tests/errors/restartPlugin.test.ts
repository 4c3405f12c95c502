// Supervisor semantics of plugin restarts: restart intensity, one_for_one vs
// rest_for_one over dependents, never restarting a disposed plugin.
import { describe, expect, it } from 'vitest';
import { PluginError } from '../../src/errors/index.js';
import { createErrorHandler } from '../../src/errors/ErrorHandler.js';
import { compose, RecoveryRuntime, restartPluginStrategy, retryStrategy } from '../../src/errors/recovery/index.js';
import { fakeHost, quietLogger, recordingBus } from './support.js';

const failure = () => new PluginError('initialize threw: cannot open socket', { plugin: 'viz', phase: 'execute' });

describe('restart-plugin strategy', () => {
  it('restarts a plugin that keeps failing until the restart intensity is exceeded, then escalates', async () => {
    const { bus, named } = recordingBus();
    const host = fakeHost(bus);
    const handler = createErrorHandler({ host, logger: quietLogger(), restart: { maxRestarts: 2, withinMs: 60_000 } });
    const operation = async () => {
      throw failure();
    };
    const results = [];
    for (let i = 0; i < 5; i++) {
      const error = await operation().catch((e: Error) => e);
      results.push((await handler.process(error, { component: 'plugin:viz', operation: 'execute' })).recovery);
    }
    expect(results.map((r) => r?.success)).toEqual([true, true, false, false, false]);
    expect(results.every((r) => r?.strategy === 'plugin_restart')).toBe(true);
    expect(host.restarts).toEqual(['viz', 'viz']);
    expect(results[3]?.message).toMatch(/restart intensity exceeded: plugin 'viz' was restarted 2 times within 60000 ms \(limit 2\)/);
    expect(host.restartLog('viz')).toHaveLength(2);
    expect(named('error:recovered')).toHaveLength(2);
    expect(named('error:escalated')).toHaveLength(3);
    expect(named('plugin:error').map((e) => e.name)).toEqual(['viz', 'viz', 'viz']);
    handler.shutdown();
  });

  it('forgets restarts older than the window', async () => {
    const { bus } = recordingBus();
    let clock = 0;
    const runtime = new RecoveryRuntime(fakeHost(bus), { now: () => clock });
    const strategy = restartPluginStrategy({ maxRestarts: 1, withinMs: 1000 });
    const request = { error: failure(), category: 'plugin' as const, component: 'plugin:viz', plugin: 'viz' };
    expect((await runtime.run(strategy, request)).success).toBe(true);
    clock = 500;
    expect((await runtime.run(strategy, request)).success).toBe(false);
    clock = 1501;
    expect((await runtime.run(strategy, request)).success).toBe(true);
  });

  it('standalone, the host owns the log: recoveries that read it at once and restart later never exceed the limit', async () => {
    const { bus, named } = recordingBus();
    const host = fakeHost(bus);
    const runtime = new RecoveryRuntime(host);
    // Each recovery reads the log at its start (empty for all three) and restarts only after its retry failed.
    const strategy = compose(retryStrategy({ maxAttempts: 1, initialDelayMs: 1, jitter: 0 }), restartPluginStrategy({ maxRestarts: 1 }));
    const request = { error: failure(), category: 'plugin' as const, component: 'plugin:viz', plugin: 'viz', retry: () => Promise.reject(failure()) };
    const outcomes = await Promise.all([1, 2, 3].map(() => runtime.run(strategy, request)));
    expect(outcomes.map((o) => o.success).sort()).toEqual([false, false, true]);
    expect(host.restarts).toEqual(['viz']);
    expect(host.restartLog('viz')).toHaveLength(1);
    const reasons = named('error:escalated').map((e) => e.reason);
    expect(reasons.filter((r) => /restart intensity exceeded: plugin 'viz' was restarted 1 times within 60000 ms \(limit 1\)/.test(String(r)))).toHaveLength(2);
  });

  it('rest_for_one restarts the plugin and then its dependents; one_for_one only the plugin', async () => {
    const { bus } = recordingBus();
    const host = fakeHost(bus);
    host.dependents.set('db', ['viz', 'export']);
    const runtime = new RecoveryRuntime(host);
    const request = { error: failure(), category: 'plugin' as const, component: 'plugin:db', plugin: 'db' };
    const rest = await runtime.run(restartPluginStrategy({ mode: 'rest_for_one' }), request);
    expect(rest.success).toBe(true);
    expect(rest.message).toMatch(/and its dependents viz, export \(rest_for_one\)/);
    expect(host.restarts).toEqual(['db', 'viz', 'export']);
    host.restarts.length = 0;
    await runtime.run(restartPluginStrategy({ mode: 'one_for_one' }), request);
    expect(host.restarts).toEqual(['db']);
  });

  it('never restarts a disposed plugin, nor a disposed dependent', async () => {
    const { bus } = recordingBus();
    const host = fakeHost(bus);
    host.states.set('viz', 'disposed');
    const runtime = new RecoveryRuntime(host);
    const outcome = await runtime.run(restartPluginStrategy(), { error: failure(), category: 'plugin', component: 'plugin:viz', plugin: 'viz' });
    expect(outcome.success).toBe(false);
    expect(outcome.message).toMatch(/disposed; a disposed plugin is never restarted/);
    expect(host.restarts).toEqual([]);

    host.dependents.set('db', ['viz', 'export']);
    await runtime.run(restartPluginStrategy({ mode: 'rest_for_one' }), { error: failure(), category: 'plugin', component: 'plugin:db', plugin: 'db' });
    expect(host.restarts).toEqual(['db', 'export']);
  });

  it('escalates when the restart itself fails', async () => {
    const { bus, named } = recordingBus();
    const host = fakeHost(bus, { restartFails: () => true });
    const outcome = await new RecoveryRuntime(host).run(restartPluginStrategy(), { error: failure(), category: 'plugin', component: 'plugin:viz', plugin: 'viz' });
    expect(outcome.success).toBe(false);
    expect(outcome.message).toBe("restarting plugin 'viz' failed: plugin viz failed to initialize");
    expect(named('error:escalated')).toHaveLength(1);
    expect(host.actorErrors).toEqual([]);
  });
});
