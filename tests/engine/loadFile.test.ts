// engine.loadFile on every backend: each format from a path, bytes, a Blob and a
// URL; detection; the same values on every backend; atomicity after a corrupt
// file or a mid-file error; and the errors a careless caller meets.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type DataPrismEngine } from '../../src/engine/index.js';
import { DataPrismError } from '../../src/errors/DataPrismError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';
import { writeDataFiles, type DataFiles } from '../support/dataFiles.js';
import { serveStatic, type StaticServer } from '../support/staticServer.js';

const ROWS = 2000;
let files: DataFiles;
let server: StaticServer;
/** Each backend's rows of each format, compared across backends at the end. */
const seen = new Map<string, Map<string, unknown>>();

beforeAll(async () => {
  files = await writeDataFiles(ROWS);
  // A CSV whose 30 001st data row (line 30 002) does not fit the type sniffed from the rows before it.
  const good = Array.from({ length: 30_000 }, (_, i) => `${i},x${i}`).join('\n');
  await writeFile(join(files.dir, 'midfile.csv'), `n,s\n${good}\nnot-a-number,y\n`);
  const parquet = await readFile(files.parquet);
  await writeFile(join(files.dir, 'truncated.parquet'), parquet.subarray(0, Math.floor(parquet.length / 2)));
  await writeFile(join(files.dir, 'broken.json'), '[{"a": 1},\n {"a": 2},\n {"a": }]');
  await writeFile(join(files.dir, 'broken.ndjson'), '{"a": 1}\n{"a": 2}\n{"a": 3,,}\n{"a": 4}\n');
  await writeFile(join(files.dir, 'broken.arrow'), Buffer.concat([Buffer.from('ARROW1\0\0'), Buffer.alloc(64, 7)]));
  await writeFile(join(files.dir, 'binary.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 9]));
  server = await serveStatic({ '/files/': files.dir });
});
afterAll(async () => {
  await server?.close();
  await rm(files.dir, { recursive: true, force: true });
});

describe.each(ENGINE_BACKENDS)('loadFile ($label)', ({ label, options: backend }) => {
  let engine: DataPrismEngine;
  beforeAll(async () => {
    engine = await createEngine({ ...backend });
    seen.set(label, new Map());
  });
  afterAll(async () => {
    await engine?.close();
  });

  const formats = [
    ['csv', 'csv'],
    ['parquet', 'parquet'],
    ['json', 'json'],
    ['ndjson', 'ndjson'],
    ['arrowFile', 'arrow'],
    ['arrowStream', 'arrow'],
  ] as const;

  it.each(formats)('loads %s from a path, with its rows and types', async (key, format) => {
    const result = await engine.loadFile(files[key], `path_${key}`);
    expect(result).toMatchObject({ tableName: `path_${key}`, rowCount: ROWS, format, source: files[key] });
    expect(result.bytes).toBe((await readFile(files[key])).length);
    const { data } = await engine.query(`SELECT * FROM path_${key} ORDER BY id`);
    expect(data).toHaveLength(ROWS);
    expect(data[3]).toMatchObject({ id: 3, dbl: 0.75, name: 'name-3', flag: false, maybe: 3 });
    expect(data[10]!.maybe).toBeNull();
    seen.get(label)!.set(key, { columns: result.columns, data });
  });

  it('keeps DuckDB types a file carries: timestamps, dates, decimals (Parquet)', async () => {
    const { columns } = await engine.getTableInfo('path_parquet');
    expect(columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:INTEGER', 'big:BIGINT', 'dbl:DOUBLE', 'name:VARCHAR', 'flag:BOOLEAN', 'ts:TIMESTAMP', 'day:DATE', 'price:DECIMAL(18,3)', 'maybe:BIGINT',
    ]);
    const { data } = await engine.query('SELECT ts, day, price::VARCHAR AS price FROM path_parquet WHERE id = 1999');
    expect(data).toEqual([{ ts: new Date(Date.UTC(2024, 0, 1, 0, 33, 19)), day: new Date(Date.UTC(2022, 8, 26)), price: '1.999' }]);
  });

  it('loads from bytes, an ArrayBuffer, a Blob and a File, detecting the format from the bytes, and leaves the caller\'s buffer intact', async () => {
    for (const key of ['parquet', 'arrowFile', 'arrowStream', 'json', 'ndjson', 'csv'] as const) {
      const bytes = new Uint8Array(await readFile(files[key]));
      const copy = bytes.slice();
      const fromBytes = await engine.loadFile(bytes, `bytes_${key}`);
      expect(fromBytes.rowCount, key).toBe(ROWS);
      expect(fromBytes.format, key).toBe(key.startsWith('arrow') ? 'arrow' : key);
      expect(bytes.byteLength, `${key} still readable`).toBe(copy.byteLength);
      expect(Buffer.from(bytes).equals(Buffer.from(copy))).toBe(true);
    }
    const buffer = (await readFile(files.parquet)).buffer;
    expect((await engine.loadFile(buffer.slice(0), 'from_array_buffer', { format: 'parquet' })).rowCount).toBe(ROWS);
    const blob = new Blob([await readFile(files.csv)]);
    expect((await engine.loadFile(blob, 'from_blob')).format).toBe('csv');
    const file = new File([await readFile(files.ndjson)], 'events.jsonl');
    const loaded = await engine.loadFile(file, 'from_file');
    expect(loaded).toMatchObject({ format: 'ndjson', source: 'events.jsonl', rowCount: ROWS });
  });

  it('loads from an http URL, and names the status when the server refuses', async () => {
    const url = `${server.origin}/files/data.parquet`;
    expect(await engine.loadFile(url, 'from_url')).toMatchObject({ rowCount: ROWS, format: 'parquet', source: url });
    expect((await engine.loadFile(new URL(`${server.origin}/files/data.csv`), 'from_url_object')).rowCount).toBe(ROWS);
    const missing = await engine.loadFile(`${server.origin}/files/nope.csv`, 'from_404').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as Error).message).toMatch(/nope\.csv.*HTTP 404/);
    const tooBig = await engine.loadFile(url, 'from_url_big', { maxBytes: 1000 }).catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(ValidationError);
    expect((tooBig as Error).message).toMatch(/more than options\.maxBytes \(1000\)/);
    const down = await engine.loadFile('http://127.0.0.1:1/x.csv', 'from_down').catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ValidationError);
    expect((down as Error).message).toMatch(/request failed/);
    await expect(engine.loadFile(`file://${files.csv}`, 'from_file_url')).rejects.toThrow(/only http: and https:/);
    expect(await engine.listTables()).not.toEqual(expect.arrayContaining(['from_404', 'from_url_big', 'from_down', 'from_file_url']));
  });

  it('create refuses an existing table; replace and append (by column name) do what they say', async () => {
    await engine.loadFile(files.arrowStream, 'modes');
    const clash = await engine.loadFile(files.csv, 'modes').catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(ValidationError);
    expect((clash as Error).message).toMatch(/already exists.*replace.*append/);
    await writeFile(join(files.dir, 'reordered.csv'), 'maybe,flag,name,dbl,big,id\n7,true,extra,0.5,1,-1\n');
    const appended = await engine.loadFile(join(files.dir, 'reordered.csv'), 'modes', { mode: 'append' });
    expect(appended.rowCount).toBe(1);
    // The table's columns, in the table's order, not the file's.
    expect(appended.columns.map((c) => c.name)).toEqual(['id', 'big', 'dbl', 'name', 'flag', 'maybe']);
    expect((await engine.query('SELECT id, name, maybe FROM modes WHERE id = -1')).data).toEqual([{ id: -1, name: 'extra', maybe: 7 }]);
    expect((await engine.getTableInfo('modes')).rowCount).toBe(ROWS + 1);
    // A file whose columns the table does not have is refused whole: the table keeps its rows.
    await writeFile(join(files.dir, 'other.csv'), 'unknown_column\n1\n');
    const mismatch = await engine.loadFile(join(files.dir, 'other.csv'), 'modes', { mode: 'append' }).catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(ValidationError);
    expect((mismatch as Error).message).toMatch(/other\.csv could not be appended to 'modes'.*unknown_column.*by name/s);
    expect((await engine.getTableInfo('modes')).rowCount).toBe(ROWS + 1);
    expect((await engine.listTables()).filter((t) => t.startsWith('__dataprism'))).toEqual([]);
    await engine.loadFile(join(files.dir, 'reordered.csv'), 'modes', { mode: 'replace' });
    expect((await engine.getTableInfo('modes')).rowCount).toBe(1);
  });

  it('create into an existing table hears "already exists" first, even when the file is bad too; the table keeps its rows', async () => {
    await engine.loadData([{ keep: 1 }], 'exists_first');
    for (const name of ['truncated.parquet', 'midfile.csv', 'broken.ndjson', 'broken.arrow']) {
      const error = await engine.loadFile(join(files.dir, name), 'exists_first').catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(ValidationError);
      expect((error as Error).message, name).toMatch(/table 'exists_first' already exists; pass \{ mode: 'replace' \}/);
    }
    expect((await engine.query('SELECT keep FROM exists_first')).data).toEqual([{ keep: 1 }]);
  });

  it.each([
    ['midfile.csv', /midfile\.csv could not be loaded as CSV at line 30002.*not-a-number/s],
    ['truncated.parquet', /truncated\.parquet could not be loaded as Parquet/],
    ['broken.json', /broken\.json could not be loaded as JSON at (line|row) \d+/],
    ['broken.ndjson', /broken\.ndjson could not be loaded as NDJSON at line \d+/],
    ['broken.arrow', /broken\.arrow could not be loaded as Arrow IPC/],
  ])('a bad file (%s) is a ValidationError naming it and its position, and leaves every table as it was', async (name, message) => {
    await engine.loadData([{ keep: 1 }, { keep: 2 }], `keep_${name}`);
    const before = await engine.listTables();
    for (const mode of ['create', 'replace', 'append'] as const) {
      const table = mode === 'create' ? `new_${name}` : `keep_${name}`;
      const error = await engine.loadFile(join(files.dir, name), table, { mode }).catch((e: unknown) => e);
      expect(error, mode).toBeInstanceOf(ValidationError);
      expect((error as Error).message, mode).toMatch(message);
      expect((error as Error).message).not.toMatch(/dataprism-host-files|__dataprism_load|dataprism-native-/);
    }
    expect(await engine.listTables()).toEqual(before);
    expect((await engine.query(`SELECT sum(keep) AS s FROM "keep_${name}"`)).data).toEqual([{ s: 3 }]);
  });

  it('explains what a careless caller got wrong', async () => {
    await expect(engine.loadFile(join(files.dir, 'missing.csv'), 'x')).rejects.toThrow(/missing\.csv: it does not exist/);
    await expect(engine.loadFile(files.dir, 'x')).rejects.toThrow(/it is not a file/);
    // A device that never ends is not a file: it is refused before a byte is read.
    await expect(engine.loadFile('/dev/zero', 'x', { format: 'csv' })).rejects.toThrow(/\/dev\/zero: it is not a file/);
    await expect(engine.loadFile(join(files.dir, 'binary.bin'), 'x')).rejects.toThrow(/cannot tell the format.*options\.format/);
    await expect(engine.loadFile(files.csv, 'x', { format: 'xlsx' as never })).rejects.toThrow(/format must be one of/);
    await expect(engine.loadFile(files.csv, 'x', { maxBytes: 10 })).rejects.toThrow(/more than options\.maxBytes/);
    await expect(engine.loadFile(files.csv, '')).rejects.toThrow(/needs a table name/);
    await expect(engine.loadFile(files.csv, 'x', { mode: 'upsert' as never })).rejects.toThrow(/mode must be/);
    await expect(engine.loadFile(42 as never, 'x')).rejects.toThrow(/takes a path, a URL/);
    // A format given wins over the name: a CSV read as Parquet fails as Parquet.
    await expect(engine.loadFile(files.csv, 'x', { format: 'parquet' })).rejects.toThrow(/as Parquet/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(engine.loadFile(`${server.origin}/files/data.csv`, 'x', { signal: aborted.signal })).rejects.toBeInstanceOf(ValidationError);
    const abortedLoad = await engine.loadFile(files.csv, 'x', { signal: aborted.signal }).catch((e: unknown) => e);
    expect(abortedLoad).toBeInstanceOf(ValidationError);
    expect((abortedLoad as Error).message).toMatch(/aborted by options\.signal; nothing was loaded/);
    expect(await engine.listTables()).not.toContain('x');
  });

  it('two loads racing for one new table: one wins whole, the other fails typed, nothing half-made remains', async () => {
    const results = await Promise.allSettled([engine.loadFile(files.parquet, 'raced'), engine.loadFile(files.csv, 'raced')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(DataPrismError);
    expect(String((lost[0]!.reason as Error).message)).toMatch(/raced/);
    expect((await engine.getTableInfo('raced')).rowCount).toBe(ROWS);
    expect((await engine.listTables()).filter((t) => t.startsWith('__dataprism'))).toEqual([]);
  });

  it('reads CSV options: header and delimiter', async () => {
    await writeFile(join(files.dir, 'semi.txt'), '1;a\n2;b\n3;c\n');
    const result = await engine.loadFile(join(files.dir, 'semi.txt'), 'semi', { format: 'csv', header: false, delimiter: ';' });
    expect(result.rowCount).toBe(3);
    expect(result.columns.map((c) => c.type)).toEqual(['BIGINT', 'VARCHAR']);
  });
});

describe('loadFile gives the same values on every backend', () => {
  it.each(['csv', 'parquet', 'json', 'ndjson', 'arrowFile', 'arrowStream'])('%s', (key) => {
    const labels = ENGINE_BACKENDS.map((b) => b.label);
    const results = labels.map((label) => seen.get(label)?.get(key));
    expect(results.every((r) => r !== undefined), `every backend loaded ${key}`).toBe(true);
    for (let i = 1; i < results.length; i++) expect(results[i], `${labels[i]} vs ${labels[0]}`).toEqual(results[0]);
  });
});
