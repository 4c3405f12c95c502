// Registration is atomic, conflicts are found, unregister respects dependents, list() reads actor snapshots.
import { describe, expect, test } from 'vitest';
import { PluginRegistry, validatePlugin } from '../../src/plugins/index.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { dep, recordEvents, testPlugin } from './helpers.js';

describe('validatePlugin', () => {
  test('lists every problem with its field', () => {
    const result = validatePlugin({
      name: 'bad name!',
      version: 'one',
      capabilities: ['x', 'x', ''],
      permissions: ['engine:read', 'root'],
      dependencies: [{ name: 'other', range: 'not a range' }, { name: 'other', range: '^1' }],
      timeoutMs: -5,
      initialize: () => undefined,
      execute: 'nope',
    });
    expect(result.valid).toBe(false);
    const paths = result.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'name',
        'version',
        'description',
        'capabilities[1]',
        'capabilities[2]',
        'permissions[1]',
        'dependencies[0].range',
        'dependencies[1].name',
        'timeoutMs',
        'execute',
        'dispose',
      ]),
    );
  });

  test('accepts a well-formed plugin and rejects non-objects', () => {
    expect(validatePlugin(testPlugin('ok', { dependencies: [dep('x', '>=1.2.0 <2')] }))).toEqual({ valid: true, errors: [], warnings: [] });
    expect(validatePlugin(null).valid).toBe(false);
    expect(validatePlugin(testPlugin('self', { dependencies: [dep('self')] })).errors[0]!.message).toMatch(/itself/);
  });

  test('rejects a configSchema ajv cannot compile', () => {
    const result = validatePlugin(testPlugin('s', { configSchema: { type: 'no-such-type' } }));
    expect(result.errors.map((e) => e.path)).toContain('configSchema');
  });
});

describe('register', () => {
  test('a registry with an impossible bound is refused up front', () => {
    expect(() => new PluginRegistry({ maxConcurrency: 0 })).toThrow(ValidationError);
    expect(() => new PluginRegistry({ maxConcurrency: 1.5 })).toThrow(/maxConcurrency/);
  });

  test('registers, loads, and reports the state from the actor', async () => {
    const registry = new PluginRegistry();
    const events = recordEvents(registry.getEventBus());
    await registry.register(testPlugin('a', { version: '1.2.3' }));
    expect(registry.get('a')?.version).toBe('1.2.3');
    expect(registry.stateOf('a')).toBe('loaded');
    expect(events.payloads.find((p) => p.type === 'plugin:loaded')?.data).toEqual({ name: 'a', version: '1.2.3' });
    await registry.shutdownAll();
  });

  test('is atomic: an invalid plugin leaves nothing behind', async () => {
    const registry = new PluginRegistry();
    const error = await registry.register({ ...testPlugin('a'), version: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['version']);
    expect(registry.get('a')).toBeNull();
    expect(registry.list()).toEqual([]);
  });

  test('is atomic: a config section that fails the configSchema leaves nothing behind', async () => {
    const registry = new PluginRegistry({ pluginConfig: { cfg: { size: 'big' } } });
    const events = recordEvents(registry.getEventBus());
    const plugin = testPlugin('cfg', { configSchema: { type: 'object', properties: { size: { type: 'number' } } } });
    const error = await registry.register(plugin).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).phase).toBe('load');
    expect((error as Error).message).toMatch(/config\.size/);
    expect(registry.get('cfg')).toBeNull();
    expect(events.log).toEqual(['plugin:loading cfg', 'plugin:error cfg']);
    // The same name can be registered once the config is right.
    const fixed = new PluginRegistry({ pluginConfig: { cfg: { size: 3 } } });
    await fixed.register(plugin);
    expect(fixed.stateOf('cfg')).toBe('loaded');
  });

  test('refuses a duplicate name and names the registered version', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('a', { version: '1.0.0' }));
    await expect(registry.register(testPlugin('a', { version: '2.0.0' }))).rejects.toThrow(/version 1\.0\.0\) is already registered/);
    expect(registry.get('a')?.version).toBe('1.0.0');
  });

  test('refuses a dependency cycle with its path', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('a', { dependencies: [dep('b')] }));
    await registry.register(testPlugin('b', { dependencies: [dep('c')] }));
    const error = await registry.register(testPlugin('c', { dependencies: [dep('a')] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('c → a → b → c');
    expect(registry.get('c')).toBeNull();
  });
});

describe('checkConflicts', () => {
  test('finds version mismatches in both directions', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('base', { version: '1.4.0' }));
    await registry.register(testPlugin('needsLater', { dependencies: [dep('later', '^3.0.0')] }));
    const wantsBase2 = registry.checkConflicts(testPlugin('x', { dependencies: [dep('base', '^2.0.0')] }));
    expect(wantsBase2.valid).toBe(false);
    expect(wantsBase2.errors[0]).toMatchObject({ path: 'dependencies[0]' });
    expect(wantsBase2.errors[0]!.message).toMatch(/1\.4\.0/);
    const wrongLater = registry.checkConflicts(testPlugin('later', { version: '2.9.0' }));
    expect(wrongLater.errors[0]).toMatchObject({ path: 'version' });
    expect(wrongLater.errors[0]!.message).toMatch(/needsLater/);
    expect(registry.checkConflicts(testPlugin('later', { version: '3.1.0' })).valid).toBe(true);
  });

  test('reports clashing actions as warnings, or errors when asked', async () => {
    const lenient = new PluginRegistry();
    await lenient.register(testPlugin('one', { capabilities: ['export'] }));
    const warned = lenient.checkConflicts(testPlugin('two', { capabilities: ['export', 'other'] }));
    expect(warned.valid).toBe(true);
    expect(warned.warnings[0]!.message).toMatch(/'export'.*'one'/);

    const strict = new PluginRegistry({ actionConflicts: 'error' });
    await strict.register(testPlugin('one', { capabilities: ['export'] }));
    await expect(strict.register(testPlugin('two', { capabilities: ['export'] }))).rejects.toThrow(ValidationError);
    expect(strict.get('two')).toBeNull();
  });
});

describe('unregister', () => {
  test('refuses while running dependents exist, naming them', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('base'));
    await registry.register(testPlugin('left', { dependencies: [dep('base')] }));
    await registry.register(testPlugin('right', { dependencies: [dep('base', '^1', true)] }));
    await registry.initializeAll();
    const error = await registry.unregister('base').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/left, right/);
    expect(registry.stateOf('base')).toBe('initialized');
    await registry.unregister('left');
    await registry.unregister('right');
    await registry.unregister('base');
    expect(registry.list()).toEqual([]);
  });

  test('disposes the plugin through its actor before removing it', async () => {
    const registry = new PluginRegistry();
    const events = recordEvents(registry.getEventBus());
    let disposed = 0;
    await registry.register(testPlugin('p', { dispose: () => void disposed++ }));
    await registry.initializeAll();
    await registry.unregister('p');
    expect(disposed).toBe(1);
    expect(events.log.slice(-2)).toEqual(['plugin:disposing p', 'plugin:disposed p']);
    expect(registry.get('p')).toBeNull();
    await expect(registry.unregister('p')).rejects.toThrow(/no plugin named 'p'/);
  });
});

describe('list', () => {
  test('reports dependencies, dependents and counters', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('base', { capabilities: ['ok', 'boom'], execute: (a) => { if (a === 'boom') throw new Error('boom'); return 1; } }));
    await registry.register(testPlugin('top', { dependencies: [dep('base')] }));
    await registry.initializeAll();
    await registry.execute('base', 'ok');
    await registry.execute('base', 'ok');
    await expect(registry.execute('base', 'boom')).rejects.toThrow(/boom/);
    const base = registry.list().find((p) => p.name === 'base')!;
    expect(base).toMatchObject({ state: 'initialized', dependents: ['top'], executionCount: 3, errorCount: 1, activeExecutions: 0 });
    expect(base.lastError).toMatch(/boom/);
    const top = registry.list().find((p) => p.name === 'top')!;
    expect(top.dependencies).toEqual([{ name: 'base', range: '^1.0.0', optional: false }]);
    await registry.shutdownAll();
    expect(registry.list()).toEqual([]);
  });
});

describe('attach', () => {
  test('moves loaded plugins to the new host and bus; refused once plugins run', async () => {
    const { createEventBus } = await import('../../src/events/EventBus.js');
    const { createStandaloneActorHost } = await import('../../src/orchestrator/ActorHost.js');
    const registry = new PluginRegistry();
    await registry.register(testPlugin('early'));
    const bus = createEventBus();
    const events = recordEvents(bus);
    const actors = createStandaloneActorHost({ bus });
    await registry.attach({ actors, bus, logger: console, maxConcurrency: 2, timeoutMs: 1000 });
    expect(registry.getEventBus()).toBe(bus);
    expect(events.log).toEqual(['plugin:loading early', 'plugin:loaded early']);
    expect(actors.get('plugin:early')).toBeDefined();
    await registry.initializeAll();
    expect(events.log).toContain('plugin:initialized early');
    await expect(registry.attach({ actors, bus, logger: console, maxConcurrency: 2, timeoutMs: 1000 })).rejects.toThrow(/attach it before initializeAll/);
    await registry.shutdownAll();
    expect(actors.get('plugin:early')).toBeUndefined();
  });
});
