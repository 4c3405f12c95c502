// The plugin context against a real DuckDB-WASM engine and a real ResourceManager:
// permissions enforced for real, namespaced events, frozen config, owned resources.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PluginRegistry } from '../../src/plugins/index.js';
import { readOnlyStatement } from '../../src/engine/access.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { ResourceManager } from '../../src/resources/ResourceManager.js';
import type { Logger } from '../../src/events/types.js';
import type { PluginContext, PluginPermission } from '../../src/plugins/types.js';
import { createTestEngine, type TestEngine } from './duckdbEngine.js';
import { testPlugin } from './helpers.js';

let engine: TestEngine;

beforeAll(async () => {
  engine = await createTestEngine();
  engine.raw('CREATE TABLE t AS SELECT range AS a FROM range(10)');
});
afterAll(() => engine.close());

/** A registry with one plugin whose execute runs `(context) => ...` given as params. */
async function withPlugin(permissions: PluginPermission[], extra: ConstructorParameters<typeof PluginRegistry>[0] = {}) {
  const registry = new PluginRegistry({ engine, ...extra });
  await registry.register(
    testPlugin('probe', {
      permissions,
      capabilities: ['run'],
      execute: (_action, params, context) => (params as (c: PluginContext) => unknown)(context),
    }),
  );
  await registry.initializeAll();
  const run = <T>(fn: (c: PluginContext) => T | Promise<T>) => registry.execute('probe', 'run', fn) as Promise<T>;
  return { registry, run };
}

const rowCount = () => Number(engine.raw('SELECT count(*) AS n FROM t')[0]!.n);

describe('engine permissions', () => {
  test('engine:read runs queries, with parameters', async () => {
    const { registry, run } = await withPlugin(['engine:read']);
    const result = await run((c) => c.query('SELECT CAST(sum(a) AS INTEGER) AS s FROM t WHERE a < ?', [5]));
    expect(result.data).toEqual([{ s: 10 }]);
    const arrow = (await run((c) => c.queryArrow('SELECT a FROM t ORDER BY a DESC LIMIT 3'))) as { numRows: number };
    expect(arrow.numRows).toBe(3);
    await registry.shutdownAll();
  });

  test.each([
    'DROP TABLE t',
    '/* harmless */ DROP TABLE t',
    'select 1; drop table t',
    'SELECT 1; DELETE FROM t',
    'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x',
    'DELETE FROM t',
    'UPDATE t SET a = 0',
    'CREATE TABLE t2 AS SELECT 1',
    "SET memory_limit = '1GB'",
    "COPY t TO 'out.csv'",
    "ATTACH ':memory:' AS other",
    "SELECT E'\\'' ; DROP TABLE t; --'",
  ])('a read-only plugin cannot run %s', async (sql) => {
    const { registry, run } = await withPlugin(['engine:read']);
    const error = await run((c) => c.query(sql)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/read-only|engine:write/);
    expect(rowCount()).toBe(10);
    expect(engine.raw("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 't2'")[0]!.n).toBe(0);
    await registry.shutdownAll();
  });

  test('the wrapper alone makes DuckDB refuse a write, without executing it', async () => {
    // One layer on its own: DuckDB's parser rejects a DROP inside FROM (...).
    expect(() => engine.raw(readOnlyStatement('DROP TABLE t'))).toThrow(/syntax error/i);
    expect(rowCount()).toBe(10);
  });

  test('no engine:read: no queries at all', async () => {
    const { registry, run } = await withPlugin([]);
    await expect(run((c) => c.query('SELECT 1'))).rejects.toThrow(/lacks the 'engine:read' permission/);
    await registry.shutdownAll();
  });

  test('engine:write may change data and load rows; read-only may not load', async () => {
    const writer = await withPlugin(['engine:read', 'engine:write']);
    await writer.run((c) => c.query('CREATE TABLE w AS SELECT 1 AS x'));
    await writer.run((c) => c.loadData([{ id: 1, name: 'a' }, { id: 2, name: 'b' }], 'loaded'));
    expect(engine.raw('SELECT count(*) AS n FROM loaded')[0]!.n).toBe(2);
    await writer.registry.shutdownAll();
    const reader = await withPlugin(['engine:read']);
    await expect(reader.run((c) => c.loadData([{ id: 1 }], 'nope'))).rejects.toThrow(/engine:write/);
    await reader.registry.shutdownAll();
  });

  test('a query error from DuckDB reaches the caller as a PluginError with the cause', async () => {
    const { registry, run } = await withPlugin(['engine:read']);
    const error = (await run((c) => c.query('SELECT no_such_column FROM t')).catch((e: unknown) => e)) as PluginError;
    expect(error).toBeInstanceOf(PluginError);
    expect(String((error.cause as Error).message)).toMatch(/no_such_column/);
    await registry.shutdownAll();
  });
});

describe('events', () => {
  test('emits only under its own namespace and only with the events permission; subscribes freely', async () => {
    const allowed = await withPlugin(['events']);
    const heard: unknown[] = [];
    allowed.registry.getEventBus().on('probe:done', (d) => void heard.push(d));
    await allowed.run((c) => c.events.emit('probe:done', { ok: true }));
    expect(heard).toEqual([{ ok: true }]);
    await expect(allowed.run((c) => c.events.emit('plugin:loaded', { name: 'fake' }))).rejects.toThrow(/may only emit events named 'probe:<event>'/);
    await expect(allowed.run((c) => c.events.emit('probeX:done'))).rejects.toThrow(PluginError);
    let seen = 0;
    await allowed.run((c) => c.events.on('engine:ready', () => void seen++));
    allowed.registry.getEventBus().emit('engine:ready', { version: '1' });
    expect(seen).toBe(1);
    await allowed.registry.shutdownAll();
    // Disposal removed the subscription.
    allowed.registry.getEventBus().emit('engine:ready', { version: '1' });
    expect(seen).toBe(1);

    const denied = await withPlugin([]);
    await expect(denied.run((c) => c.events.emit('probe:done'))).rejects.toThrow(/'events' permission/);
    await denied.registry.shutdownAll();
  });
});

describe('config and logger', () => {
  test('the config section is a deeply frozen copy; the logger is prefixed', async () => {
    const section = { colors: ['red'], nested: { depth: 2 } };
    const lines: string[] = [];
    const logger: Logger = { debug() {}, info: (m) => void lines.push(m), warn() {}, error() {} };
    const { registry, run } = await withPlugin([], { pluginConfig: { probe: section }, logger });
    const config = await run((c) => c.config);
    expect(config).toEqual(section);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen((config as typeof section).nested)).toBe(true);
    expect(() => ((config as typeof section).colors as string[]).push('blue')).toThrow(TypeError);
    expect(section.colors).toEqual(['red']);
    await run((c) => c.logger.info('hello'));
    expect(lines).toContain('[plugin:probe] hello');
    await registry.shutdownAll();
  });

  test('a config from a ConfigManager-like source is read from plugins.<name>', async () => {
    const config = { get: (key: string) => (key === 'plugins.probe' ? { level: 3 } : undefined) };
    const { registry, run } = await withPlugin([], { config });
    expect(await run((c) => c.config)).toEqual({ level: 3 });
    await registry.shutdownAll();
  });
});

describe('resources', () => {
  test('allocations are owned by plugin:<name> and freed when the plugin is disposed', async () => {
    const resources = new ResourceManager({ memoryLimit: 10_000 });
    const { registry, run } = await withPlugin(['resources'], { resources });
    await run((c) => c.allocate(1000, 'buffer'));
    const kept = await run((c) => c.allocate(500, 'buffer'));
    expect(resources.list('plugin:probe').map((h) => h.size).sort()).toEqual([1000, 500].sort());
    await run((c) => c.free(kept));
    expect(resources.getUsage().allocated).toBe(1000);
    await registry.shutdownAll();
    expect(resources.list('plugin:probe')).toEqual([]);
    expect(resources.getUsage().allocated).toBe(0);
  });

  test('without the resources permission, allocation is refused', async () => {
    const resources = new ResourceManager({ memoryLimit: 10_000 });
    const { registry, run } = await withPlugin([], { resources });
    await expect(run((c) => c.allocate(10, 'buffer'))).rejects.toThrow(/'resources' permission/);
    expect(resources.getUsage().allocated).toBe(0);
    await registry.shutdownAll();
  });
});
