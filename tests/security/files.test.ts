// Files are a capability: DuckDB opens only what the host registered or allowed
// (engineOptions.allowedPaths / allowedDirectories), and a plugin reaches even
// those only with 'engine:files'. The host's own loads keep working.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PluginError } from '../../src/errors/PluginError.js';
import { QueryError } from '../../src/errors/QueryError.js';
import { createTarget, PRISTINE, type Target } from './support.js';

let dir: string;
let target: Target;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dataprism-files-'));
  await writeFile(path.join(dir, 'allowed.csv'), 'x,y\n1,2\n3,4\n');
  target = await createTarget({ mode: 'blocking', allowedDirectories: [`${dir}/`] });
});
afterAll(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

describe('engine:files', () => {
  test('with it, a plugin reads a file in an allowed directory', async () => {
    const result = await target.as('filer', (c) => c.query(`SELECT * FROM read_csv('${dir}/allowed.csv')`));
    expect(result.data).toEqual([{ x: 1, y: 2 }, { x: 3, y: 4 }]);
  });

  test.each(['reader', 'writer'] as const)('without it, %s cannot, not even through a replacement scan', async (plugin) => {
    for (const sql of [`SELECT * FROM read_csv('${dir}/allowed.csv')`, `FROM '${dir}/allowed.csv'`, `SELECT * FROM glob('${dir}/*')`]) {
      const error = await target.as(plugin, (c) => c.query(sql)).catch((e: unknown) => e);
      expect(error, sql).toBeInstanceOf(PluginError);
      expect((error as Error).message).toMatch(/engine:files/);
    }
  });

  test('even with it, a plugin opens nothing outside the allowed directories', async () => {
    const error = await target.as('filer', (c) => c.query("SELECT * FROM read_text('/etc/passwd')")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/did not allow/);
    expect(await target.intact()).toEqual(PRISTINE);
  });

  test('the host loads CSV text through its own registered file, and reads no other file', async () => {
    const loaded = await target.engine.loadData({ csv: 'k,v\n1,a\n2,b\n' }, 'from_csv');
    expect(loaded.rowCount).toBe(2);
    await target.engine.query('DROP TABLE from_csv');
    await expect(target.engine.query("SELECT * FROM read_text('/etc/passwd')")).rejects.toBeInstanceOf(QueryError);
    await expect(target.engine.query("SET GLOBAL enable_external_access = true")).rejects.toThrow(/locked/);
    expect(await readdir(dir)).toEqual(['allowed.csv']);
  });
});
