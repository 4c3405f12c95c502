// Attacks on a plugin's declaration after review: whatever the caller's object
// says after register() — more permissions, another name, a getter that lies on
// its second read — the registered plugin keeps what was validated, through
// restarts, against a real DuckDB-WASM engine.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PluginRegistry } from '../../src/plugins/index.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import type { DataPrismPlugin, PluginContext, PluginPermission } from '../../src/plugins/types.js';
import { createTestEngine, type TestEngine } from '../plugins/duckdbEngine.js';
import { recordEvents, testPlugin } from '../plugins/helpers.js';

let engine: TestEngine;

beforeAll(async () => {
  engine = await createTestEngine();
  engine.raw('CREATE TABLE t AS SELECT range AS a FROM range(3)');
});
afterAll(() => engine.close());

/** A plugin whose `run` runs `(context) => ...` given as params. */
function probe(name: string, permissions: PluginPermission[]): DataPrismPlugin & { permissions: PluginPermission[] } {
  return testPlugin(name, {
    permissions,
    execute: (_action, params, context) => (params as (c: PluginContext) => unknown)(context),
  }) as DataPrismPlugin & { permissions: PluginPermission[] };
}

const tableCount = () => Number(engine.raw("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 't'")[0]!.n);

describe('permissions are a frozen snapshot taken at register()', () => {
  test("pushing 'engine:write' into the plugin's own array, then restarting, grants nothing", async () => {
    const registry = new PluginRegistry({ engine });
    const plugin = probe('widen', ['engine:read']);
    await registry.register(plugin);
    await registry.initializeAll();

    plugin.permissions.push('engine:write');
    await registry.restart('widen');

    expect(registry.list().find((p) => p.name === 'widen')?.permissions).toEqual(['engine:read']);
    const seen = await registry.execute('widen', 'run', (c: PluginContext) => [...c.permissions]);
    expect(seen).toEqual(['engine:read']);
    const error = await registry.execute('widen', 'run', (c: PluginContext) => c.query('DROP TABLE t')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect(tableCount()).toBe(1);
    await registry.shutdownAll();
  });

  test('replacing the whole array, or the object registry.get() returns, changes nothing either', async () => {
    const registry = new PluginRegistry({ engine });
    const plugin = probe('swap', ['engine:read']);
    await registry.register(plugin);
    (plugin as { permissions: PluginPermission[] }).permissions = ['engine:read', 'engine:write'];
    const registered = registry.get('swap')!;
    expect(Object.isFrozen(registered)).toBe(true);
    expect(Object.isFrozen(registered.permissions)).toBe(true);
    expect(() => (registered.permissions as PluginPermission[]).push('engine:write')).toThrow(TypeError);
    await registry.initializeAll();
    expect(registry.list()[0]!.permissions).toEqual(['engine:read']);
    await expect(registry.execute('swap', 'run', (c: PluginContext) => c.loadData([{ a: 1 }], 'pwned'))).rejects.toThrow(PluginError);
    await registry.shutdownAll();
  });

  test('renaming the object into a reserved namespace after register() does not move its events there', async () => {
    const registry = new PluginRegistry({ engine });
    const events = recordEvents(registry.getEventBus());
    const plugin = probe('renamed', ['events']);
    await registry.register(plugin);
    (plugin as { name: string }).name = 'orchestrator';
    await registry.initializeAll();
    await registry.restart('renamed');
    const error = await registry.execute('renamed', 'run', (c: PluginContext) => c.events.emit('orchestrator:shutdown', { timestamp: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect(events.log).not.toContain('orchestrator:shutdown ');
    expect(registry.has('orchestrator')).toBe(false);
    await registry.shutdownAll();
  });

  test('a getter that answers the review with one list and the runtime with another is read once', async () => {
    const registry = new PluginRegistry({ engine });
    let reads = 0;
    const plugin = {
      ...probe('shifty', []),
      get permissions(): PluginPermission[] {
        reads++;
        return reads === 1 ? ['engine:read'] : ['engine:read', 'engine:write'];
      },
    };
    await registry.register(plugin);
    await registry.initializeAll();
    expect(reads).toBe(1);
    expect(registry.list()[0]!.permissions).toEqual(['engine:read']);
    await expect(registry.execute('shifty', 'run', (c: PluginContext) => c.query('DROP TABLE t'))).rejects.toThrow(PluginError);
    expect(tableCount()).toBe(1);
    await registry.shutdownAll();
  });

  test('a getter name that becomes reserved after validation is read once, so the review holds', async () => {
    let reads = 0;
    const plugin = {
      ...probe('x', ['events']),
      get name(): string {
        reads++;
        return reads === 1 ? 'harmless' : 'orchestrator';
      },
    };
    const registry = new PluginRegistry({ engine });
    await registry.register(plugin);
    expect(registry.list().map((p) => p.name)).toEqual(['harmless']);
    await registry.shutdownAll();
  });

  test('a class-based plugin keeps its own `this` and its state', async () => {
    class Counter implements DataPrismPlugin {
      readonly name = 'counter';
      readonly version = '1.0.0';
      readonly description = 'counts';
      readonly capabilities = ['run'];
      private count = 0;
      initialize() {}
      execute() {
        return ++this.count;
      }
      dispose() {}
    }
    const registry = new PluginRegistry({ engine });
    await registry.register(new Counter());
    await registry.initializeAll();
    await registry.execute('counter', 'run');
    await expect(registry.execute('counter', 'run')).resolves.toBe(2);
    await registry.shutdownAll();
  });

  test('a declaration that is invalid is still refused (the snapshot is what gets validated)', async () => {
    const registry = new PluginRegistry({ engine });
    await expect(registry.register({ ...probe('bad', []), permissions: ['root' as PluginPermission] })).rejects.toThrow(ValidationError);
    await expect(registry.register(null as unknown as DataPrismPlugin)).rejects.toThrow(ValidationError);
  });
});
