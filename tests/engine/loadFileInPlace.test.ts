// An Arrow insert (Parquet through parquet-wasm on DuckDB-WASM, an Arrow IPC file
// everywhere) creates or replaces the target itself, inside the load's
// transaction, as DuckDB's own readers do: other connections see the old table
// or the new one whole, a bad file leaves the old table as it was, a create into
// a taken name is refused before the file is decoded, and no temporary table is
// ever made.
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type DataPrismEngine } from '../../src/engine/index.js';
import type { ParquetWasmModule } from '../../src/engine/files/types.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';
import { writeDataFiles, type DataFiles } from '../support/dataFiles.js';

const ROWS = 200_000;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

let files: DataFiles;
beforeAll(async () => {
  files = await writeDataFiles(ROWS, ['parquet', 'arrowStream']);
});
afterAll(() => rm(files.dir, { recursive: true, force: true }));

describe.each(ENGINE_BACKENDS)('loadFile of an Arrow insert, in place ($label)', ({ options: backend, mode }) => {
  let engine: DataPrismEngine;
  let decodes = 0;
  beforeAll(async () => {
    const parquet = (await import('parquet-wasm')) as unknown as ParquetWasmModule;
    // parquet-wasm, counting its decodes (native DuckDB reads Parquet itself and never asks).
    const counting: ParquetWasmModule = { readParquet: (bytes, options) => (decodes++, parquet.readParquet(bytes, options)) };
    engine = await createEngine({ ...backend, parquet: counting });
  });
  afterAll(async () => {
    await engine?.close();
  });

  const sources = () => [
    ['Parquet', files.parquet],
    ['Arrow IPC', files.arrowStream],
  ] as const;
  const leftovers = async () => (await engine.query(`SELECT table_name AS t FROM duckdb_tables() WHERE table_name LIKE '__dataprism_load%'`)).data;
  const rowsOf = async (table: string) => Number((await engine.query(`SELECT count(*) AS n FROM ${table}`)).data[0]!.n);

  it.each([0, 1])('while a replace runs, other connections see the old table or the new one whole (source %i)', async (which) => {
    const [, path] = sources()[which]!;
    const table = `inplace_swap_${which}`;
    await engine.loadData([{ id: 1 }, { id: 2 }, { id: 3 }], table);
    const loading = engine.loadFile(path, table, { mode: 'replace' });
    let done = false;
    void loading.finally(() => (done = true)).catch(() => undefined);
    const seen = new Set<number>();
    // A turn of the event loop each time: on the blocking backend every query settles in microtasks, and the load reads its file from disk.
    while (!done) {
      seen.add(await rowsOf(table));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await loading).rowCount).toBe(ROWS);
    expect([...seen].filter((n) => n !== 3 && n !== ROWS)).toEqual([]);
    expect(await rowsOf(table)).toBe(ROWS);
    expect(await leftovers()).toEqual([]);
  });

  it.each([0, 1])('a damaged file under replace is a ValidationError naming it, and the old table stays as it was (source %i)', async (which) => {
    const [format, path] = sources()[which]!;
    const table = `inplace_bad_${which}`;
    await engine.loadData([{ id: 1 }, { id: 2 }], table);
    const whole = new Uint8Array(await readFile(path));
    const error = await failure(engine.loadFile(whole.slice(0, Math.floor(whole.length / 2)), table, { mode: 'replace', name: `half.${which === 0 ? 'parquet' : 'arrows'}` }));
    expect(error, format).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^half\.\w+ could not be loaded as /);
    expect((await engine.query(`SELECT id FROM ${table} ORDER BY id`)).data).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await leftovers()).toEqual([]);
  });

  it('a create into an existing table is refused before the file is decoded', async () => {
    await engine.loadData([{ id: 1 }], 'inplace_taken');
    const before = decodes;
    for (const [, path] of sources()) {
      const error = await failure(engine.loadFile(path, 'inplace_taken'));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/table 'inplace_taken' already exists; pass \{ mode: 'replace' \}/);
    }
    expect(decodes).toBe(before);
    // And a create into a free name decodes once (on DuckDB-WASM) and makes the table.
    expect((await engine.loadFile(files.parquet, 'inplace_new')).rowCount).toBe(ROWS);
    expect(decodes - before).toBe(mode === 'native' ? 0 : 1);
  });

  it('a view holding the name: create and replace are ValidationErrors naming the table; the view stays', async () => {
    await engine.query('CREATE OR REPLACE VIEW inplace_view AS SELECT 1 AS a');
    for (const [, path] of sources()) {
      for (const loadMode of ['create', 'replace'] as const) {
        const error = await failure(engine.loadFile(path, 'inplace_view', { mode: loadMode }));
        expect(error, loadMode).toBeInstanceOf(ValidationError);
        expect((error as Error).message, loadMode).toMatch(/could not be loaded into 'inplace_view': .*drop it, or load into another table name/);
      }
    }
    expect((await engine.query('SELECT a FROM inplace_view')).data).toEqual([{ a: 1 }]);
    expect(await leftovers()).toEqual([]);
  });
});
