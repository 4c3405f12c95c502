/**
 * The hostile plugin of the attack suite: a real DataPrismEngine per engine mode
 * (blocking, worker, and each with `timeoutMs`, which sends statements through
 * DuckDB's cancellable pending path), a registry with one plugin per permission
 * set, and probes that read the engine's state as the host sees it.
 */
import { createEngine } from '../../src/engine/createEngine.js';
import type { DataPrismEngine } from '../../src/engine/DataPrismEngine.js';
import type { EngineOptions } from '../../src/engine/types.js';
import { PluginRegistry } from '../../src/plugins/PluginRegistry.js';
import { createAnalyticsPlugin } from '@dataprism/plugins';
import type { PluginContext, PluginPermission } from '../../src/plugins/types.js';
import { testPlugin } from '../plugins/helpers.js';

/** The engine configurations every attack runs against. */
export const ENGINE_MODES: readonly { label: string; options: EngineOptions }[] = [
  { label: 'blocking', options: { mode: 'blocking' } },
  { label: 'worker', options: { mode: 'worker' } },
  { label: 'blocking with timeoutMs', options: { mode: 'blocking', timeoutMs: 10_000 } },
  { label: 'worker with timeoutMs', options: { mode: 'worker', timeoutMs: 10_000 } },
  { label: 'native', options: { backend: 'native' } },
  { label: 'native with timeoutMs', options: { backend: 'native', timeoutMs: 10_000 } },
];

/** The plugins of the suite, by the permissions they hold. */
export const PLUGINS: Record<string, PluginPermission[]> = {
  reader: ['engine:read'],
  writer: ['engine:read', 'engine:write'],
  filer: ['engine:read', 'engine:files'],
};

export interface Target {
  engine: DataPrismEngine;
  registry: PluginRegistry;
  /** Runs `fn` inside the plugin `plugin`'s execute hook. */
  as<T>(plugin: keyof typeof PLUGINS, fn: (context: PluginContext) => T | Promise<T>): Promise<T>;
  /** Fails unless the host's data and settings are as the setup left them. */
  intact(): Promise<{ rows: number; tables: string[]; sequence: number; memoryLimit: string }>;
  close(): Promise<void>;
}

/** The host's state after setup, as `intact()` reports it. */
export const PRISTINE = { rows: 5, tables: ['t'], sequence: 0, memoryLimit: '' };

export async function createTarget(options: EngineOptions): Promise<Target> {
  const engine = await createEngine({ memoryLimit: 256 * 1024 * 1024, ...options });
  await engine.query('CREATE TABLE t AS SELECT range::INTEGER AS a, \'x\' || range AS comment FROM range(5)');
  await engine.query('CREATE SEQUENCE seq');
  const registry = new PluginRegistry({ engine });
  for (const [name, permissions] of Object.entries(PLUGINS)) {
    await registry.register(
      testPlugin(name, {
        permissions,
        execute: (_action, params, context) => (params as (c: PluginContext) => unknown)(context),
      }),
    );
  }
  await registry.register(createAnalyticsPlugin());
  await registry.initializeAll();
  const memoryLimit = String((await engine.query("SELECT current_setting('memory_limit') AS m")).data[0]!.m);
  PRISTINE.memoryLimit = memoryLimit;
  return {
    engine,
    registry,
    as: (plugin, fn) => registry.execute(plugin, 'run', fn) as Promise<never>,
    async intact() {
      const rows = Number((await engine.query('SELECT count(*) AS n FROM t')).data[0]!.n);
      const tables = (await engine.listTables()).filter((name) => !name.startsWith('__'));
      // currval only answers after a nextval in the same session; the sequence's catalog entry says how far it went.
      const sequence = Number((await engine.query("SELECT coalesce(last_value, 0) AS v FROM duckdb_sequences() WHERE sequence_name = 'seq'")).data[0]!.v);
      const limit = String((await engine.query("SELECT current_setting('memory_limit') AS m")).data[0]!.m);
      return { rows, tables, sequence, memoryLimit: limit };
    },
    async close() {
      await registry.shutdownAll();
      await engine.close();
    },
  };
}
