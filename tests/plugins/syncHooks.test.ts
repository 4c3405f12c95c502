// Hooks that finish synchronously move the plugin actor without a promise turn,
// and ending a plugin's context is synchronous unless resources must be freed;
// whichever way a dispose hook ends, the context is ended.
import { describe, expect, test } from 'vitest';
import { createActor } from 'xstate';
import { createEventBus } from '../../src/events/EventBus.js';
import { createStandaloneActorHost } from '../../src/orchestrator/ActorHost.js';
import { createPluginContext, PluginRegistry, providePluginMachine } from '../../src/plugins/index.js';
import type { PluginContext, PluginServices, ResourcesLike } from '../../src/plugins/types.js';
import { LifecycleError } from '../../src/errors/LifecycleError.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { gate, recordEvents, testPlugin } from './helpers.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function services(resources?: ResourcesLike): PluginServices {
  const bus = createEventBus();
  return { bus, logger: silent, actors: createStandaloneActorHost({ bus }), maxConcurrency: 2, timeoutMs: 1000, ...(resources ? { resources } : {}) };
}

describe('synchronous hooks', () => {
  test('the plugin actor passes loading, initializing and disposing within the send that started each', () => {
    const actor = createActor(
      providePluginMachine({ load() {}, initialize() {}, execute: async () => null, dispose() {} }),
      { input: { name: 'p', version: '1.0.0' } },
    ).start();
    const emitted: string[] = [];
    actor.on('*', (e: { type: string }) => void emitted.push(e.type));
    actor.send({ type: 'LOAD' });
    expect(actor.getSnapshot().value).toBe('loaded');
    actor.send({ type: 'INITIALIZE' });
    expect(actor.getSnapshot().value).toBe('initialized');
    actor.send({ type: 'DISPOSE' });
    expect(actor.getSnapshot().value).toBe('disposed');
    expect(actor.getSnapshot().status).toBe('done');
    expect(emitted).toEqual([
      'plugin:loading',
      'plugin:loaded',
      'plugin:initializing',
      'plugin:initialized',
      'plugin:disposing',
      'plugin:disposed',
    ]);
  });

  test('a hook that returns a promise still waits for it', async () => {
    const open = gate();
    const actor = createActor(
      providePluginMachine({ load() {}, initialize: () => open.promise, execute: async () => null, dispose() {} }),
      { input: { name: 'p', version: '1.0.0' } },
    ).start();
    actor.send({ type: 'LOAD' });
    actor.send({ type: 'INITIALIZE' });
    expect(actor.getSnapshot().value).toBe('initializing');
    open.open();
    await open.promise;
    await Promise.resolve();
    expect(actor.getSnapshot().value).toBe('initialized');
  });
});

describe('ending a context', () => {
  test('without a ResourceManager, revokeNow ends the context before it returns', () => {
    const s = services();
    const lease = createPluginContext(testPlugin('p', { permissions: ['events'] }), {}, s);
    lease.context.events.on('x', () => undefined);
    expect(s.bus.hasListeners('x')).toBe(true);
    expect(lease.revokeNow()).toBeUndefined();
    expect(s.bus.hasListeners('x')).toBe(false);
    expect(() => lease.context.events.emit('p:y')).toThrow(LifecycleError);
    expect(lease.revokeNow()).toBeUndefined();
  });

  test("with a ResourceManager, revokeNow returns a promise that settles once the plugin's resources are freed", async () => {
    const freeing = gate();
    const freed: string[] = [];
    const resources: ResourcesLike = {
      allocate: () => Promise.reject(new Error('unused')),
      free: async () => undefined,
      freeAllOwnedBy: async (owner: string) => {
        await freeing.promise;
        freed.push(owner);
      },
    };
    const lease = createPluginContext(testPlugin('p'), {}, services(resources));
    const ending = lease.revokeNow();
    expect(ending).toBeInstanceOf(Promise);
    expect(freed).toEqual([]);
    freeing.open();
    await ending;
    expect(freed).toEqual(['plugin:p']);
    // Already ended: nothing more to free.
    expect(lease.revokeNow()).toBeUndefined();
    await lease.revoke();
    expect(freed).toEqual(['plugin:p']);
  });

  test('a dispose hook that throws, or rejects, still ends the context, and its error is reported', async () => {
    const bus = createEventBus();
    const events = recordEvents(bus);
    const registry = new PluginRegistry({ bus });
    const contexts: PluginContext[] = [];
    const subscribe = (context: PluginContext) => {
      contexts.push(context);
      context.events.on('tick', () => undefined);
    };
    await registry.register(testPlugin('throws', { permissions: ['events'], initialize: subscribe, dispose: () => { throw new Error('sync'); } }));
    await registry.register(testPlugin('rejects', { permissions: ['events'], initialize: subscribe, dispose: () => Promise.reject(new Error('async')) }));
    await registry.initializeAll();
    expect(bus.hasListeners('tick')).toBe(true);
    await registry.shutdownAll();
    expect(bus.hasListeners('tick')).toBe(false);
    for (const context of contexts) expect(() => context.events.on('tick', () => undefined)).toThrow(LifecycleError);
    const errors = events.payloads.filter((p) => p.type === 'plugin:error');
    expect(errors.map((p) => `${String(p.data.name)} ${String(p.data.phase)}`).sort()).toEqual(['rejects dispose', 'throws dispose']);
    for (const p of errors) expect(p.data.error).toBeInstanceOf(PluginError);
    expect(registry.list()).toEqual([]);
  });
});
