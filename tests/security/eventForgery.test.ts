// Attacks on the event bus from a plugin: forging the library's own events by
// taking a reserved name (in any case or width), or by emitting outside the
// plugin's own `<name>:*` namespace. Each ends in a typed error and nothing
// reaches the bus.
import { describe, expect, test } from 'vitest';
import { PluginRegistry } from '../../src/plugins/index.js';
import { validatePlugin } from '../../src/plugins/validatePlugin.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { RESERVED_NAMESPACES } from '../../src/events/reservedNamespaces.js';
import type { PluginContext } from '../../src/plugins/types.js';
import { recordEvents, testPlugin } from '../plugins/helpers.js';

/** A plugin with the `events` permission whose `run` emits what it is given. */
function forger(name: string) {
  return testPlugin(name, {
    permissions: ['events'],
    execute: (_action, params, context: PluginContext) => {
      for (const [event, data] of params as [string, unknown][]) context.events.emit(event, data);
      return 'emitted';
    },
  });
}

const FORGERIES: [string, unknown][] = [
  ['orchestrator:shutdown', { timestamp: 0 }],
  ['engine:ready', { version: 'forged' }],
  ['error:recovered', { error: new Error('forged'), recovery: 'retry' }],
  ['plugin:loaded', { name: 'victim', version: '9.9.9' }],
];

describe('reserved namespaces', () => {
  test('cover every namespace the issue names, and each is refused as a plugin name', async () => {
    expect(RESERVED_NAMESPACES).toEqual(expect.arrayContaining(['orchestrator', 'engine', 'plugin', 'error', 'resource', 'config', 'circuit']));
    for (const name of RESERVED_NAMESPACES) {
      const registry = new PluginRegistry();
      const events = recordEvents(registry.getEventBus());
      const error = await registry.register(forger(name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toContain(`'${name}' is reserved`);
      expect((error as ValidationError).message).toContain('pick another name');
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['name']);
      expect(registry.has(name)).toBe(false);
      expect(events.log).toEqual([]);
    }
  });

  test('a plugin named orchestrator cannot register, so it cannot forge shutdown, engine:ready, error:recovered or plugin:loaded', async () => {
    const registry = new PluginRegistry();
    const events = recordEvents(registry.getEventBus());
    await expect(registry.register(forger('orchestrator'))).rejects.toThrow(ValidationError);
    expect(registry.list()).toEqual([]);
    expect(events.payloads.filter((p) => FORGERIES.some(([type]) => type === p.type))).toEqual([]);
  });

  test.each(['Orchestrator', 'ENGINE', 'Plugin', 'eRRoR', 'Config', 'CIRCUIT', 'Resource'])('refuses %s: a case variant reads as the library in logs and viewers', (name) => {
    const result = validatePlugin(forger(name));
    expect(result.valid).toBe(false);
    expect(result.errors[0]!.message).toContain('is reserved');
  });

  test.each([
    'ｅｎｇｉｎｅ', // full-width: NFKC folds it to `engine`
    'еngine', // Cyrillic е
    'orchestrator\u200b', // zero-width space
    'engine\u0000',
    'plugin:x',
    '*',
  ])('refuses the look-alike name %j', (name) => {
    expect(validatePlugin(forger(name)).valid).toBe(false);
  });

  test('names that merely contain a reserved word stay allowed', () => {
    for (const name of ['my-orchestrator', 'engine2', 'plugin.tools', 'error_report', 'configurator']) {
      expect(validatePlugin(forger(name)).valid, name).toBe(true);
    }
  });
});

describe('a plugin emits only <its name>:*', () => {
  async function started() {
    const registry = new PluginRegistry();
    const events = recordEvents(registry.getEventBus());
    await registry.register(forger('spoof'));
    await registry.initializeAll();
    const emit = (event: string) => registry.execute('spoof', 'run', [[event, { forged: true }]]);
    return { registry, events, emit };
  }

  test.each([
    ...FORGERIES.map(([event]) => event),
    'Spoof:x', // another case is another namespace
    'spoof', // no event after the namespace
    'spoof:',
    'spoofy:x',
    ' spoof:x',
    'ｓｐｏｏｆ:x',
    '*',
  ])('refuses %j with a PluginError and the bus sees nothing', async (event) => {
    const { registry, events, emit } = await started();
    const before = events.payloads.length;
    const error = await emit(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).message).toContain("may only emit events named 'spoof:<event>'");
    expect(events.payloads.slice(before).filter((p) => (p.data as { forged?: boolean }).forged === true)).toEqual([]);
    await registry.shutdownAll();
  });

  test('emits its own events', async () => {
    const { registry, events, emit } = await started();
    await expect(emit('spoof:progress')).resolves.toBe('emitted');
    expect(events.payloads.find((p) => p.type === 'spoof:progress')?.data).toEqual({ forged: true });
    await registry.shutdownAll();
  });
});
