// An Arrow insert (Parquet through parquet-wasm on DuckDB-WASM, an Arrow IPC file
// everywhere) creates or replaces the target itself, inside the load's
// transaction, as DuckDB's own readers do: other connections see the old table
// or the new one whole, a bad file leaves the old table as it was, a create into
// a taken name is refused before the file is decoded, and no temporary table is
// ever made. A Parquet file of several row groups is decoded and inserted a piece
// at a time (pieces of two of DuckDB's row groups), and is as atomic as one piece.
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type DataPrismEngine } from '../../src/engine/index.js';
import type { ParquetWasmModule } from '../../src/engine/files/types.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';
import { writeDataFiles, type DataFiles } from '../support/dataFiles.js';

const ROWS = 200_000;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

/** Rows of the file of five row groups (DuckDB's 122 880 rows each, the last shorter): three pieces. */
const PIECES_ROWS = 600_000;

let files: DataFiles;
let pieces: DataFiles;
beforeAll(async () => {
  files = await writeDataFiles(ROWS, ['parquet', 'arrowStream']);
  pieces = await writeDataFiles(PIECES_ROWS, ['parquet']);
});
afterAll(async () => {
  await rm(files.dir, { recursive: true, force: true });
  await rm(pieces.dir, { recursive: true, force: true });
});

describe.each(ENGINE_BACKENDS)('loadFile of an Arrow insert, in place ($label)', ({ options: backend, mode }) => {
  let engine: DataPrismEngine;
  let parquet: typeof import('parquet-wasm');
  let decodes = 0;
  /** Called after each decode, when set. */
  let afterDecode: (() => void) | undefined;
  beforeAll(async () => {
    parquet = await import('parquet-wasm');
    // parquet-wasm, counting its decodes (native DuckDB reads Parquet itself and never asks).
    const counting: ParquetWasmModule = {
      readParquet: (bytes, options) => {
        decodes++;
        const decoded = parquet.readParquet(bytes, options);
        afterDecode?.();
        return decoded;
      },
      ParquetFile: parquet.ParquetFile,
    };
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

  const digest = async (on: DataPrismEngine, table: string) =>
    (await on.query(`SELECT sum(hash(t))::VARCHAR AS digest, count(*)::INTEGER AS n FROM ${table} t`)).data[0];

  it('a Parquet file of five row groups loads in three pieces the table one piece makes', async () => {
    const before = decodes;
    expect((await engine.loadFile(pieces.parquet, 'inplace_pieces')).rowCount).toBe(PIECES_ROWS);
    expect(decodes - before).toBe(mode === 'native' ? 0 : 3);
    // The same file decoded whole: parquet-wasm without its footer reader.
    const whole = await createEngine({ ...backend, parquet: { readParquet: parquet.readParquet } });
    try {
      await whole.loadFile(pieces.parquet, 'inplace_pieces');
      expect(await digest(engine, 'inplace_pieces')).toEqual({ ...(await digest(whole, 'inplace_pieces')), n: PIECES_ROWS });
      expect(await engine.getTableInfo('inplace_pieces')).toEqual(await whole.getTableInfo('inplace_pieces'));
    } finally {
      await whole.close();
    }
  });

  it('while a replace in pieces runs, other connections see the old table or the new one whole', async () => {
    await engine.loadData([{ id: 1 }, { id: 2 }, { id: 3 }], 'inplace_pieces_swap');
    const loading = engine.loadFile(pieces.parquet, 'inplace_pieces_swap', { mode: 'replace' });
    let done = false;
    void loading.finally(() => (done = true)).catch(() => undefined);
    const seen = new Set<number>();
    while (!done) {
      seen.add(await rowsOf('inplace_pieces_swap'));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await loading).rowCount).toBe(PIECES_ROWS);
    expect([...seen].filter((n) => n !== 3 && n !== PIECES_ROWS)).toEqual([]);
  });

  it('damage in the third row group: the first piece, inserted already, goes with the ROLLBACK; the old table stays; the next load works', async () => {
    const whole = new Uint8Array(await readFile(pieces.parquet));
    const footer = await parquet.ParquetFile.fromFile(new Blob([whole]));
    // Row groups follow the leading "PAR1", one after the other: the third starts where the second ends.
    const metadata = footer.metadata();
    const third = 4 + metadata.rowGroup(0).compressedSize() + metadata.rowGroup(1).compressedSize();
    footer.free();
    const damaged = whole.slice();
    damaged.fill(0xff, third, third + 64);
    const before = decodes;
    await engine.loadData([{ id: 1 }, { id: 2 }], 'inplace_damaged');
    for (const [table, loadMode] of [
      ['inplace_damaged', 'replace'],
      ['inplace_damaged_new', 'create'],
    ] as const) {
      const error = await failure(engine.loadFile(damaged, table, { mode: loadMode, name: 'damaged.parquet' }));
      expect(error, loadMode).toBeInstanceOf(ValidationError);
      expect((error as Error).message, loadMode).toMatch(/^damaged\.parquet could not be loaded as Parquet: /);
    }
    // The first piece decoded (and was inserted) before the second failed, each time.
    expect(decodes - before).toBe(mode === 'native' ? 0 : 4);
    expect((await engine.query('SELECT id FROM inplace_damaged ORDER BY id')).data).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await engine.listTables()).not.toContain('inplace_damaged_new');
    expect(await leftovers()).toEqual([]);
    expect((await engine.loadFile(pieces.parquet, 'inplace_damaged', { mode: 'replace' })).rowCount).toBe(PIECES_ROWS);
  });

  it('a footer that lies (its length past the file, its bytes garbage, a row group cut out) is a ValidationError; parquet-wasm still reads the next file', async () => {
    const whole = new Uint8Array(await readFile(pieces.parquet));
    const footerLength = new DataView(whole.buffer, whole.byteOffset + whole.length - 8, 4).getUint32(0, true);
    const longFooter = whole.slice();
    new DataView(longFooter.buffer).setUint32(longFooter.length - 8, 0xfffffff0, true);
    const garbageFooter = whole.slice();
    garbageFooter.fill(0xff, garbageFooter.length - 8 - footerLength, garbageFooter.length - 8);
    // The second half of the row groups' bytes gone, the footer kept: the footer's offsets point into the wrong bytes.
    const cut = new Uint8Array([...whole.subarray(0, whole.length >> 2), ...whole.subarray(whole.length >> 1)]);
    for (const [name, bytes] of [
      ['long-footer.parquet', longFooter],
      ['garbage-footer.parquet', garbageFooter],
      ['cut.parquet', cut],
    ] as const) {
      const error = await failure(engine.loadFile(bytes, 'inplace_lies', { name }));
      expect(error, name).toBeInstanceOf(ValidationError);
      expect((error as Error).message, name).toMatch(new RegExp(`^${name.replace('.', '\\.')} could not be loaded as Parquet`));
    }
    expect(await engine.listTables()).not.toContain('inplace_lies');
    expect((await engine.loadFile(pieces.parquet, 'inplace_lies')).rowCount).toBe(PIECES_ROWS);
  });

  it('three loads in pieces at once, into three tables, each hold the whole file', async () => {
    const tables = ['inplace_at_once_0', 'inplace_at_once_1', 'inplace_at_once_2'];
    const loaded = await Promise.all(tables.map((table) => engine.loadFile(pieces.parquet, table)));
    expect(loaded.map((result) => result.rowCount)).toEqual([PIECES_ROWS, PIECES_ROWS, PIECES_ROWS]);
    const digests = await Promise.all(tables.map((table) => digest(engine, table)));
    expect(digests[1]).toEqual(digests[0]);
    expect(digests[2]).toEqual(digests[0]);
    expect((await engine.query(`SELECT count(DISTINCT id)::INTEGER AS n FROM ${tables[2]}`)).data).toEqual([{ n: PIECES_ROWS }]);
  });

  it('a load in pieces aborted after its first piece stops before the next decodes; the old table stays', async () => {
    await engine.loadData([{ id: 1 }], 'inplace_aborted');
    const controller = new AbortController();
    const before = decodes;
    afterDecode = () => controller.abort(new Error('user left the page'));
    try {
      const loading = engine.loadFile(pieces.parquet, 'inplace_aborted', { mode: 'replace', signal: controller.signal });
      // Native DuckDB decodes nothing here (read_parquet reads the file): aborted while it resolves the file instead.
      if (mode === 'native') controller.abort(new Error('user left the page'));
      const error = await failure(loading);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/^loading .*data\.parquet was aborted by options\.signal; nothing was loaded/);
    } finally {
      afterDecode = undefined;
    }
    expect(decodes - before).toBe(mode === 'native' ? 0 : 1);
    expect((await engine.query('SELECT id FROM inplace_aborted')).data).toEqual([{ id: 1 }]);
    expect(await leftovers()).toEqual([]);
  });
});
