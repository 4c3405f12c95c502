// Hooks that fail, hang or throw; restart from a clean state; and every plugin's
// event sequence replayed through the pure machine, to show it is a path of it.
import { describe, expect, test } from 'vitest';
import { initialTransition, transition, type AnyEventObject, type InspectionEvent } from 'xstate';
import { pluginMachine } from '../../machines/plugin.machine.js';
import { PluginRegistry } from '../../src/plugins/index.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { PluginInitializationError } from '../../src/errors/PluginInitializationError.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';
import { LifecycleError } from '../../src/errors/LifecycleError.js';
import { createEventBus } from '../../src/events/EventBus.js';
import { createStandaloneActorHost } from '../../src/orchestrator/ActorHost.js';
import type { PluginErrorContext } from '../../src/plugins/types.js';
import { recordEvents, testPlugin } from './helpers.js';

/** A registry whose actors report every event they receive, per plugin actor id. */
function observedRegistry(options: ConstructorParameters<typeof PluginRegistry>[0] = {}) {
  const bus = createEventBus();
  const received = new Map<string, AnyEventObject[]>();
  const inspect = (e: InspectionEvent) => {
    if (e.type !== '@xstate.event') return;
    const id = String((e.actorRef as { id?: unknown }).id);
    if (!id.startsWith('plugin:')) return;
    const list = received.get(id) ?? [];
    list.push(e.event);
    received.set(id, list);
  };
  const actors = createStandaloneActorHost({ bus, inspect });
  const registry = new PluginRegistry({ ...options, bus, actors });
  return { registry, bus, received, events: recordEvents(bus) };
}

/**
 * Replays the events an actor received through the pure machine and returns what
 * it emits: if that equals what reached the bus, the bus sequence is a path of the machine.
 */
function replay(name: string, version: string, received: AnyEventObject[]): string[] {
  let [snapshot] = initialTransition(pluginMachine, { name, version });
  const emitted: string[] = [];
  for (const event of received) {
    if (event.type === 'xstate.init') continue;
    const [next, actions] = transition(pluginMachine, snapshot, event as never);
    for (const action of actions as { type: string; params?: unknown }[]) {
      if (action.type === 'xstate.emit') emitted.push((action.params as { event: { type: string } }).event.type);
    }
    snapshot = next;
  }
  return emitted;
}

function busSequence(events: ReturnType<typeof recordEvents>, name: string): string[] {
  return events.payloads.filter((p) => p.data.name === name && p.type.startsWith('plugin:')).map((p) => p.type);
}

describe('hooks that fail', () => {
  test('initialize that throws: plugin in error with a PluginError; the ErrorHandler hears of it', async () => {
    const handled: { error: Error; context: PluginErrorContext | undefined }[] = [];
    const { registry, events } = observedRegistry({ errors: { handle: (error, context) => void handled.push({ error, context }) } });
    await registry.register(testPlugin('bad', { initialize: () => { throw new Error('no database'); } }));
    // Never silent: the failure rejects, naming the plugin and its cause, and carries the report.
    const rejected = (await registry.initializeAll().catch((e: unknown) => e)) as PluginInitializationError;
    expect(rejected).toBeInstanceOf(PluginInitializationError);
    expect(rejected.message).toMatch(/1 plugin failed to initialize \('bad': plugin 'bad' failed in initialize: no database\)/);
    expect(rejected.message).toMatch(/onFailure: 'report'/);
    const report = rejected.report;
    expect(rejected.errors).toEqual([report.failed[0]!.error]);
    expect(report.failed[0]!.error).toBeInstanceOf(PluginError);
    expect((report.failed[0]!.error as PluginError).phase).toBe('initialize');
    expect(registry.stateOf('bad')).toBe('error');
    // The machine's own `error` state, never XState's error status: the actor stays alive to be restarted.
    expect(registry.getServices().actors.get('plugin:bad')!.getSnapshot().status).toBe('active');
    expect(busSequence(events, 'bad')).toEqual(['plugin:loading', 'plugin:loaded', 'plugin:initializing', 'plugin:error']);
    const errorEvent = events.payloads.find((p) => p.type === 'plugin:error')!.data;
    expect(errorEvent).toMatchObject({ name: 'bad', phase: 'initialize' });
    expect(handled).toHaveLength(1);
    expect(handled[0]!.context).toMatchObject({ component: 'plugin:bad', operation: 'initialize', plugin: 'bad' });
    await expect(registry.execute('bad', 'run')).rejects.toThrow(LifecycleError);
    await expect(registry.execute('bad', 'run')).rejects.toThrow(/restart it with registry\.restart\('bad'\)/);
    await registry.shutdownAll();
  });

  test('initialize that hangs ends in a TimeoutError; the plugin goes to error, never stuck', async () => {
    const { registry } = observedRegistry();
    await registry.register(testPlugin('slow', { timeoutMs: 30, initialize: () => new Promise<void>(() => undefined) }));
    const report = await registry.initializeAll({ onFailure: 'report' });
    const error = report.failed[0]!.error as PluginError;
    expect(error.cause).toBeInstanceOf(TimeoutError);
    expect((error.cause as TimeoutError).timeoutMs).toBe(30);
    expect(registry.stateOf('slow')).toBe('error');
    await registry.shutdownAll();
  });

  test('execute that throws fails that call only, as a PluginError with the action and cause', async () => {
    const handled: PluginErrorContext[] = [];
    const { registry } = observedRegistry({ errors: { handle: (_e, c) => void handled.push(c!) } });
    const cause = new RangeError('bad params');
    await registry.register(testPlugin('p', { capabilities: ['go'], execute: (_a, params) => { if (params === 'bad') throw cause; return 'ok'; } }));
    await registry.initializeAll();
    const error = (await registry.execute('p', 'go', 'bad').catch((e: unknown) => e)) as PluginError;
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ plugin: 'p', phase: 'execute', action: 'go' });
    expect(error.cause).toBe(cause);
    expect(registry.stateOf('p')).toBe('initialized');
    expect(await registry.execute('p', 'go', 'fine')).toBe('ok');
    expect(handled[0]).toMatchObject({ component: 'plugin:p', operation: 'execute', plugin: 'p', metadata: { action: 'go' } });
    // The handler's retry runs the same call again.
    expect(handled[0]!.retry).toBeTypeOf('function');
    await expect(handled[0]!.retry!()).rejects.toThrow(/bad params/);
    await registry.shutdownAll();
  });

  test('execute that hangs rejects with a TimeoutError cause and the plugin stays usable', async () => {
    const { registry } = observedRegistry();
    await registry.register(
      testPlugin('h', { timeoutMs: 25, capabilities: ['hang', 'ok'], execute: (a) => (a === 'hang' ? new Promise(() => undefined) : 1) }),
    );
    await registry.initializeAll();
    const error = (await registry.execute('h', 'hang').catch((e: unknown) => e)) as PluginError;
    expect(error.cause).toBeInstanceOf(TimeoutError);
    expect(await registry.execute('h', 'ok')).toBe(1);
    await registry.shutdownAll();
  });

  test('an execute hook that rejects with a non-Error is still a PluginError', async () => {
    const { registry } = observedRegistry();
    await registry.register(
      testPlugin('s', {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the non-Error rejection is what is tested
        execute: () => Promise.reject('just a string'),
      }),
    );
    await registry.initializeAll();
    await expect(registry.execute('s', 'run')).rejects.toThrow(/just a string/);
    await registry.shutdownAll();
  });

  test('a dispose that throws or hangs still completes the shutdown', async () => {
    const { registry, events } = observedRegistry();
    await registry.register(testPlugin('throws', { dispose: () => { throw new Error('dispose broke'); } }));
    await registry.register(testPlugin('hangs', { timeoutMs: 20, dispose: () => new Promise<void>(() => undefined) }));
    await registry.initializeAll();
    await registry.shutdownAll();
    expect(registry.list()).toEqual([]);
    expect(busSequence(events, 'throws').slice(-3)).toEqual(['plugin:disposing', 'plugin:error', 'plugin:disposed']);
    const hangError = events.payloads.find((p) => p.type === 'plugin:error' && p.data.name === 'hangs')!.data.error as PluginError;
    expect(hangError.cause).toBeInstanceOf(TimeoutError);
  });

  test('an ErrorHandler that throws does not break the registry', async () => {
    const { registry } = observedRegistry({ errors: { handle: () => { throw new Error('handler is broken'); } } });
    await registry.register(testPlugin('p', { execute: () => { throw new Error('x'); } }));
    await registry.initializeAll();
    await expect(registry.execute('p', 'run')).rejects.toThrow(/x/);
    expect(registry.stateOf('p')).toBe('initialized');
    await registry.shutdownAll();
  });
});

describe('restart', () => {
  test('restarts a failed plugin from a clean state: new context, old subscriptions gone', async () => {
    const { registry, bus, events } = observedRegistry();
    let attempts = 0;
    const contexts: unknown[] = [];
    let heard = 0;
    await registry.register(
      testPlugin('flaky', {
        initialize: (context) => {
          contexts.push(context);
          context.events.on('ping', () => void heard++);
          attempts++;
          if (attempts === 1) throw new Error('first start fails');
        },
      }),
    );
    await registry.initializeAll({ onFailure: 'report' });
    expect(registry.stateOf('flaky')).toBe('error');
    await registry.restart('flaky');
    expect(registry.stateOf('flaky')).toBe('initialized');
    expect(contexts).toHaveLength(2);
    expect(contexts[0]).not.toBe(contexts[1]);
    bus.emit('ping');
    // Only the second start's subscription is alive.
    expect(heard).toBe(1);
    await expect((contexts[0] as { query(s: string): Promise<unknown> }).query('SELECT 1')).rejects.toThrow(LifecycleError);
    expect(busSequence(events, 'flaky')).toEqual([
      'plugin:loading',
      'plugin:loaded',
      'plugin:initializing',
      'plugin:error',
      'plugin:disposing',
      'plugin:disposed',
      'plugin:initializing',
      'plugin:initialized',
    ]);
    await registry.shutdownAll();
  });

  test('a restart asked for mid-execution waits for the executions in flight', async () => {
    const { registry } = observedRegistry();
    let release!: () => void;
    let starts = 0;
    await registry.register(
      testPlugin('busy', {
        initialize: () => void starts++,
        execute: () => new Promise((r) => (release = () => r('done'))),
      }),
    );
    await registry.initializeAll();
    const running = registry.execute('busy', 'run');
    await new Promise((r) => setTimeout(r, 5));
    expect(registry.stateOf('busy')).toBe('executing');
    const restarted = registry.restart('busy');
    await new Promise((r) => setTimeout(r, 5));
    expect(registry.stateOf('busy')).toBe('executing');
    release();
    expect(await running).toBe('done');
    await restarted;
    expect(starts).toBe(2);
    expect(registry.stateOf('busy')).toBe('initialized');
    await registry.shutdownAll();
  });

  test('restart of a plugin never started, or with dependencies down, is refused', async () => {
    const { registry } = observedRegistry();
    await registry.register(testPlugin('p'));
    await expect(registry.restart('p')).rejects.toThrow(/never started/);
    await expect(registry.restart('nope')).rejects.toThrow(PluginError);
  });
});

describe('event sequences are paths of the machine', () => {
  test('for plugins that succeed, fail, time out, execute concurrently, restart and dispose', async () => {
    const { registry, received, events } = observedRegistry({ maxConcurrency: 3 });
    await registry.register(testPlugin('good', { capabilities: ['a', 'b'], execute: async (a) => { await new Promise((r) => setTimeout(r, 2)); if (a === 'b') throw new Error('b fails'); return a; } }));
    await registry.register(testPlugin('badInit', { initialize: () => { throw new Error('x'); } }));
    await registry.register(testPlugin('slowInit', { timeoutMs: 10, initialize: () => new Promise<void>(() => undefined) }));
    await registry.register(testPlugin('badDispose', { dispose: () => { throw new Error('y'); } }));
    await registry.initializeAll({ onFailure: 'report' });
    await Promise.allSettled([1, 2, 3, 4, 5].map((i) => registry.execute('good', i % 2 ? 'a' : 'b')));
    await registry.restart('badInit').catch(() => undefined);
    await registry.execute('badDispose', 'run');
    await registry.shutdownAll();
    for (const name of ['good', 'badInit', 'slowInit', 'badDispose']) {
      const bus = busSequence(events, name);
      expect(bus.length).toBeGreaterThan(3);
      expect(replay(name, '1.0.0', received.get(`plugin:${name}`) ?? [])).toEqual(bus);
      expect(bus.at(-1)).toBe('plugin:disposed');
    }
    expect(busSequence(events, 'good').filter((t) => t === 'plugin:executing')).toHaveLength(5);
  });
});
