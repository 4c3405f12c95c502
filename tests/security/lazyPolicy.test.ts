// A hostile plugin against the access policy the engine reads lazily (at the
// first restricted statement or loadFile, once per backend): its first
// statement races that read, hides a file function behind nesting, comments and
// quoting, spells an allowed path the way native DuckDB still opens it, computes
// a path no literal check sees, or arrives while the read fails. A plugin
// without 'engine:files' must read no host file, one without 'engine:write'
// change nothing, on every backend.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/createEngine.js';
import type { DataPrismEngine } from '../../src/engine/DataPrismEngine.js';
import type { EngineOptions } from '../../src/engine/types.js';
import { EngineError } from '../../src/errors/EngineError.js';
import { DataPrismError } from '../../src/errors/DataPrismError.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { QueryError } from '../../src/errors/QueryError.js';
import { PluginRegistry } from '../../src/plugins/PluginRegistry.js';
import type { PluginContext, PluginPermission } from '../../src/plugins/types.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';
import { testPlugin } from '../plugins/helpers.js';

const READERS = 8;
let dir: string;
/** A file the host allowed: readable by DuckDB, so only the permission check stands between it and a plugin. */
let allowed: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dataprism-lazy-policy-'));
  allowed = path.join(dir, 'allowed.csv');
  await writeFile(allowed, 'secret\nhost-only\n');
  await writeFile(path.join(dir, 'allowed.json'), '[{"secret":"host-only"}]');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Sandbox {
  engine: DataPrismEngine;
  as<T>(plugin: string, fn: (context: PluginContext) => T | Promise<T>): Promise<T>;
  /** Closes the engine under whatever runs (the test's own close, not the cleanup's). */
  close(): Promise<void>;
}
const open: { registry: PluginRegistry; engine: DataPrismEngine; closed: boolean }[] = [];
afterEach(async () => {
  for (const { registry, engine, closed } of open.splice(0)) {
    await registry.shutdownAll().catch(() => undefined);
    if (!closed) await engine.close().catch(() => undefined);
  }
});

/** A fresh engine whose policy nobody has read yet, with readers reader0..7, a writer without files and a filer. */
async function sandbox(options: EngineOptions): Promise<Sandbox> {
  const engine = await createEngine({ ...options, allowedDirectories: [`${dir}/`] });
  await engine.query("CREATE TABLE t AS SELECT 'x' AS v");
  const registry = new PluginRegistry({ engine });
  const entry = { registry, engine, closed: false };
  open.push(entry);
  const plugins: Record<string, PluginPermission[]> = {
    writer: ['engine:read', 'engine:write'],
    filer: ['engine:read', 'engine:files'],
  };
  for (let i = 0; i < READERS; i++) plugins[`reader${i}`] = ['engine:read'];
  for (const [name, permissions] of Object.entries(plugins)) {
    await registry.register(testPlugin(name, { permissions, execute: (_a, fn, context) => (fn as (c: PluginContext) => unknown)(context) }));
  }
  await registry.initializeAll();
  return {
    engine,
    as: (plugin, fn) => registry.execute(plugin, 'run', fn) as Promise<never>,
    close: () => {
      entry.closed = true;
      return engine.close();
    },
  };
}

/** Fails unless `outcome` is a refusal: a typed error, never rows. */
function expectRefused(outcome: PromiseSettledResult<unknown>, sql: string, message: RegExp = /engine:files/): void {
  expect(outcome.status, `${sql} was let through: ${JSON.stringify((outcome as PromiseFulfilledResult<unknown>).value)}`).toBe('rejected');
  const error = (outcome as PromiseRejectedResult).reason as Error;
  expect(error, sql).toBeInstanceOf(PluginError);
  expect(error.message, sql).toMatch(message);
}

describe.each(ENGINE_BACKENDS)('the lazily read access policy under attack ($label)', ({ options }) => {
  test('many read-only plugins whose very first statement is a file function are each refused', async () => {
    const box = await sandbox(options);
    const firsts = [
      `SELECT * FROM read_csv('${allowed}')`,
      `SELECT * FROM read_csv_auto('${allowed}')`,
      `SELECT * FROM read_text('${allowed}')`,
      `SELECT * FROM read_blob('${allowed}')`,
      `SELECT * FROM glob('${dir}/*')`,
      `SELECT * FROM sniff_csv('${allowed}')`,
      `FROM '${allowed}'`,
      `SELECT * FROM read_json('${dir}/allowed.json')`,
    ];
    const outcomes = await Promise.allSettled(firsts.map((sql, i) => box.as(`reader${i}`, (c) => c.query(sql))));
    outcomes.forEach((outcome, i) => expectRefused(outcome, firsts[i]!));
    // The file was readable all along: with the permission, the same statement reads it.
    expect((await box.as('filer', (c) => c.query(firsts[0]!))).data).toEqual([{ secret: 'host-only' }]);
  });

  test('a file function hidden by nesting, comments, quoting or a schema is still refused', async () => {
    const box = await sandbox(options);
    const hidden = [
      `WITH x AS (SELECT * FROM read_csv('${allowed}')) SELECT * FROM x`,
      `SELECT * FROM (SELECT * FROM (SELECT * FROM read_text('${allowed}')))`,
      `SELECT * FROM t, LATERAL (SELECT * FROM read_csv('${allowed}'))`,
      `SELECT 1 AS a WHERE 'host-only' IN (SELECT secret FROM read_csv('${allowed}'))`,
      `SELECT * FROM read_csv /* a comment */ ('${allowed}')`,
      `SELECT * FROM read_csv --\r('${allowed}')`,
      `SELECT * FROM "READ_CSV"('${allowed}')`,
      `SELECT * FROM system.main.read_csv('${allowed}')`,
      `SELECT * FROM READ_TEXT\n\t(\n'${allowed}')`,
      `SELECT * FROM read_csv(E'${allowed}')`,
      `SELECT * FROM read_csv($$${allowed}$$)`,
      `SELECT * FROM glob(['${dir}/*'])`,
    ];
    const outcomes = await Promise.allSettled(hidden.map((sql, i) => box.as(`reader${i % READERS}`, (c) => c.query(sql))));
    outcomes.forEach((outcome, i) => expectRefused(outcome, hidden[i]!));
  });

  test('an allowed file spelled with //, /./ or a detour through .. is still an allowed file', async () => {
    // Native DuckDB opens each of these as the allowed file; the check must see them as that file too.
    const box = await sandbox(options);
    const base = path.basename(dir);
    const parent = path.dirname(dir);
    const spellings = [
      `FROM '${parent}//${base}/allowed.csv'`,
      `FROM '${parent}/./${base}/allowed.csv'`,
      `FROM '${parent}/elsewhere/../${base}/allowed.csv'`,
      `FROM '${parent}/a/b/../../${base}//./allowed.csv'`,
      `FROM '/${parent}/${base}/allowed.csv'`,
      `FROM '${parent.toUpperCase()}/${base}/allowed.csv'`,
    ];
    const reader = await Promise.allSettled(spellings.map((sql, i) => box.as(`reader${i}`, (c) => c.query(sql))));
    reader.forEach((outcome, i) => expectRefused(outcome, spellings[i]!));
    const writer = await Promise.allSettled(spellings.map((sql) => box.as('writer', (c) => c.query(`CREATE VIEW v AS ${sql}`))));
    writer.forEach((outcome, i) => expectRefused(outcome, spellings[i]!));
    expect(await box.engine.listTables()).toEqual(['t']);
  });

  test('a writer without engine:files reaches no file through a computed path, a reader an extension adds or serialized SQL', async () => {
    const box = await sandbox(options);
    const [head, tail] = [allowed.slice(0, 6), allowed.slice(6)];
    const json = path.join(dir, 'allowed.json');
    const [jsonHead, jsonTail] = [json.slice(0, 6), json.slice(6)];
    const computed = [
      `SELECT * FROM read_json(concat('${jsonHead}', '${jsonTail}'))`,
      `SELECT * FROM read_json_objects('${jsonHead}' || '${jsonTail}')`,
      `SELECT * FROM read_parquet('${head}' || '${tail}')`,
      `SELECT * FROM parquet_metadata('${head}' || '${tail}')`,
      `SELECT * FROM read_duckdb('${head}' || '${tail}')`,
      `CREATE MACRO steal() AS TABLE SELECT * FROM read_csv('${head}' || '${tail}')`,
      `CREATE TABLE stolen AS SELECT * FROM read_text('${head}' || '${tail}')`,
    ];
    const outcomes = await Promise.allSettled(computed.map((sql) => box.as('writer', (c) => c.query(sql))));
    outcomes.forEach((outcome, i) => expectRefused(outcome, computed[i]!));
    // SQL serialized into a string runs unchecked: only full rights may run it.
    const serialized = `SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM read_csv(''${head}'' || ''${tail}'')'))`;
    const error = await box.as('writer', (c) => c.query(serialized)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).not.toMatch(/host-only/);
    // A prepared parameter is a path no literal check sees: the function's name is what refuses it.
    for (const fn of ['read_csv', 'read_parquet', 'read_json_auto', 'parquet_schema']) {
      const refused = await box.engine.queryAs({ write: true, files: false }, `SELECT * FROM ${fn}(?)`, [allowed]).catch((e: unknown) => e);
      expect(refused, fn).toBeInstanceOf(QueryError);
      expect((refused as Error).message, fn).toMatch(/opens files, which needs file access/);
    }
    expect(await box.engine.listTables()).toEqual(['t']);
  });

  test('a host macro is judged as at open, whether created before or after the first read; one named like a file function unlocks nothing', async () => {
    const box = await sandbox(options);
    await box.engine.query('CREATE MACRO before_read() AS TABLE SELECT 1 AS v');
    expect((await box.as('reader0', (c) => c.query('FROM before_read()'))).data).toEqual([{ v: 1 }]);
    await box.engine.query('CREATE MACRO after_read() AS TABLE SELECT 2 AS v');
    expect((await box.as('reader1', (c) => c.query('FROM after_read()'))).data).toEqual([{ v: 2 }]);
    // A macro of the host's own named like a reader: the plugin's call is still refused by the name.
    await box.engine.query('CREATE MACRO read_parquet_lookalike(p) AS TABLE SELECT p AS v');
    expectRefused((await Promise.allSettled([box.as('reader2', (c) => c.query("FROM read_parquet_lookalike('x')"))]))[0]!, 'lookalike');
    // A read-only plugin creates no macro of its own, not even a temporary one.
    const made = await Promise.allSettled([
      box.as('reader3', (c) => c.query(`CREATE TEMP MACRO mine() AS TABLE SELECT * FROM read_csv('${allowed}')`)),
      box.as('reader4', (c) => c.query('CREATE MACRO mine() AS TABLE SELECT 1')),
    ]);
    for (const outcome of made) expectRefused(outcome, 'CREATE MACRO', /not a query|refused|read-only|engine:files/);
    const macros = await box.engine.query("SELECT function_name FROM duckdb_functions() WHERE function_name = 'mine'");
    expect(macros.data).toEqual([]);
  });

  test('read-only plugins whose first statements would write, all at once, change nothing', async () => {
    const box = await sandbox(options);
    await box.engine.query('CREATE SEQUENCE s');
    const writes = [
      "SELECT nextval('s') AS n",
      'SELECT setseed(0.5) AS s',
      'SELECT * FROM checkpoint()',
      'INSERT INTO t VALUES (1)',
      'DELETE FROM t',
      'SELECT 1;\rDROP TABLE t',
      'WITH d AS (SELECT 1) UPDATE t SET v = 2',
      'SELECT * FROM force_checkpoint()',
    ];
    const outcomes = await Promise.allSettled(writes.map((sql, i) => box.as(`reader${i}`, (c) => c.query(sql))));
    outcomes.forEach((outcome, i) => expectRefused(outcome, writes[i]!, /./));
    expect((await box.engine.query('SELECT v FROM t')).data).toEqual([{ v: 'x' }]);
    expect((await box.engine.query("SELECT coalesce(last_value, 0) AS n FROM duckdb_sequences() WHERE sequence_name = 's'")).data).toEqual([{ n: 0 }]);
  });

  test('loadFile as the first restricted use, beside plugin queries, is refused without engine:files', async () => {
    const box = await sandbox(options);
    const outcomes = await Promise.allSettled([
      box.as('writer', (c) => c.loadFile(allowed, 'stolen')),
      box.as('writer', (c) => c.loadFile(`${path.dirname(dir)}//${path.basename(dir)}/allowed.csv`, 'stolen2')),
      box.as('reader0', (c) => c.query(`SELECT * FROM read_text('${allowed}')`)),
      box.as('reader1', (c) => c.query(`FROM '${allowed}'`)),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(PluginError);
    }
    expect(await box.engine.listTables()).toEqual(['t']);
  });

  test('a failed policy read is not kept: the statement fails typed and the next one is checked against a fresh read', async () => {
    const box = await sandbox(options);
    // The read fails once, as it would when DuckDB is interrupted under it.
    const backend = (box.engine as unknown as { backend: { runQuery: (conn: number, sql: string) => Promise<unknown> } }).backend;
    const runQuery = backend.runQuery.bind(backend);
    let failures = 1;
    backend.runQuery = (conn, sql) => {
      if (failures > 0 && sql.includes('duckdb_functions()')) {
        failures--;
        return Promise.reject(new Error('interrupted while listing functions'));
      }
      return runQuery(conn, sql);
    };
    const first = await Promise.allSettled([box.as('reader0', (c) => c.query(`SELECT * FROM read_csv('${allowed}')`))]);
    expect(first[0]!.status).toBe('rejected');
    expect((first[0] as PromiseRejectedResult).reason).toBeInstanceOf(DataPrismError);
    expect(failures).toBe(0);
    const next = await Promise.allSettled([
      box.as('reader1', (c) => c.query(`SELECT * FROM read_csv('${allowed}')`)),
      box.as('reader2', (c) => c.query("SELECT * FROM query('SELECT 1')")),
    ]);
    expectRefused(next[0]!, 'read_csv after a failed read');
    expectRefused(next[1]!, 'query() after a failed read', /every engine permission/);
  });

  test('close() while many first statements read the policy: none returns a file, each settles typed', async () => {
    const box = await sandbox(options);
    const firsts = Array.from({ length: READERS }, (_, i) =>
      box.as(`reader${i}`, (c) => c.query(i % 2 === 0 ? `SELECT * FROM read_csv('${allowed}')` : `FROM '${allowed}'`)),
    );
    const closing = box.close();
    const outcomes = await Promise.allSettled(firsts);
    await closing;
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as Error;
      expect(error instanceof PluginError || error instanceof EngineError).toBe(true);
    }
  });

  test('close() while the first restricted statements wait for connections: each settles typed, none hangs', async () => {
    // Native DuckDB answered a connection opened while it closed never; the statement waiting on it hung.
    const box = await sandbox(options);
    const firsts = Array.from({ length: READERS }, (_, i) => box.engine.queryAs({ write: false, files: false }, `SELECT * FROM read_csv('${allowed}')`, i % 2 ? [] : undefined));
    const closing = box.close();
    const outcomes = await Promise.allSettled(firsts);
    await closing;
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DataPrismError);
    }
  });
});
