// The permission guard against the project's own DataPrismEngine (createEngine, worker mode):
// read-only plugins read, and every bypass attempt leaves the table intact.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/createEngine.js';
import type { DataPrismEngine } from '../../src/engine/DataPrismEngine.js';
import { PluginRegistry } from '../../src/plugins/index.js';
import { createAnalyticsPlugin } from '@dataprism/plugins';
import type { PluginContext } from '../../src/plugins/types.js';
import { testPlugin } from './helpers.js';

let engine: DataPrismEngine;
let registry: PluginRegistry;

beforeAll(async () => {
  engine = await createEngine({ memoryLimit: 256 * 1024 * 1024 });
  await engine.query('CREATE TABLE kept AS SELECT range AS a FROM range(5)');
  registry = new PluginRegistry({ engine });
  await registry.register(
    testPlugin('reader', {
      permissions: ['engine:read'],
      execute: (_a, sql, context: PluginContext) => context.query(sql as string),
    }),
  );
  await registry.register(createAnalyticsPlugin({ readOnly: true }));
  await registry.initializeAll();
});

afterAll(async () => {
  await registry.shutdownAll();
  await engine.close();
});

test('a read-only plugin reads through the real engine', async () => {
  const result = (await registry.execute('reader', 'run', 'SELECT CAST(count(*) AS INTEGER) AS n FROM kept')) as { data: { n: number }[] };
  expect(result.data).toEqual([{ n: 5 }]);
  const stats = (await registry.execute('analytics', 'describe', { table: 'kept' })) as { columns: { name: string; mean: number }[] };
  expect(stats.columns[0]).toMatchObject({ name: 'a', mean: 2 });
});

test.each(['DROP TABLE kept', '/**/DROP TABLE kept', 'SELECT 1; DROP TABLE kept', 'WITH x AS (SELECT 1) DELETE FROM kept', 'TRUNCATE kept'])(
  'the real engine never sees %s',
  async (sql) => {
    await expect(registry.execute('reader', 'run', sql)).rejects.toThrow(/read-only/);
    expect((await engine.query('SELECT CAST(count(*) AS INTEGER) AS n FROM kept')).data).toEqual([{ n: 5 }]);
  },
);
