// loadData for every input format, with row counts and inferred types;
// create/replace/append; processData leaves no table behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { createEngine, type DataPrismEngine } from '../../src/engine/index.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';

describe.each(ENGINE_BACKENDS)('loadData ($label)', ({ options: backend }) => {
  let engine: DataPrismEngine;
  beforeAll(async () => {
    engine = await createEngine({ ...backend });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('loads row objects with inferred types and nulls', async () => {
    const rows = [
      { id: 1, price: 1.5, name: 'a', ok: true, at: new Date(Date.UTC(2024, 0, 1)), big: 2 ** 40, raw: new Uint8Array([1, 2]) },
      { id: 2, price: 2, name: 'b', ok: false, at: null, big: 5, raw: null },
      { id: null, price: null, name: null, ok: null, at: new Date(Date.UTC(2024, 0, 2, 3)), big: null, raw: new Uint8Array([]) },
      { id: 4, extra: 'only here' },
    ];
    const result = await engine.loadData(rows, 'rows_t');
    expect(result.rowCount).toBe(4);
    expect(result.columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'price', type: 'DOUBLE' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'ok', type: 'BOOLEAN' },
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'big', type: 'BIGINT' },
      { name: 'raw', type: 'BLOB' },
      { name: 'extra', type: 'VARCHAR' },
    ]);
    const { data } = await engine.query('SELECT * FROM rows_t ORDER BY id NULLS LAST');
    expect(data[0]).toEqual({ ...rows[0], extra: null });
    expect(data[1]).toEqual({ ...rows[1], extra: null });
    expect(data[2]).toEqual({ id: 4, price: null, name: null, ok: null, at: null, big: null, raw: null, extra: 'only here' });
    expect(data[3]!.at).toEqual(new Date(Date.UTC(2024, 0, 2, 3)));
  });

  // Native appends row objects a 2048-row chunk at a time: rows on both sides of a
  // chunk boundary, nulls and undefined, every kind, must land as on the wasm backends.
  it('loads row objects across many chunks with every kind and nulls', async () => {
    const n = 5000;
    const start = Date.UTC(2024, 0, 1);
    const rows = Array.from({ length: n }, (_, i) => ({
      i,
      big: i % 5 === 0 ? null : BigInt(i) * 1_000_000_000_000n,
      s: i % 7 === 0 ? undefined : `ü-${i}`,
      ts: i % 11 === 0 ? null : new Date(start + i * 1001),
      none: null,
      f: i % 3 === 0 ? null : i / 4,
      b: i % 13 === 0 ? null : i % 2 === 0,
      raw: i % 17 === 0 ? null : new Uint8Array([i & 255, 0, 7]),
    }));
    const result = await engine.loadData(rows, 'chunks_t');
    expect(result.rowCount).toBe(n);
    expect(result.columns.map((c) => c.type)).toEqual(['INTEGER', 'BIGINT', 'VARCHAR', 'TIMESTAMP', 'VARCHAR', 'DOUBLE', 'BOOLEAN', 'BLOB']);
    const counts = await engine.query(
      'SELECT count(big) AS big, count(s) AS s, count(ts) AS ts, count(none) AS none, count(f) AS f, count(b) AS b, count(raw) AS raw FROM chunks_t',
    );
    const nonNull = (every: number) => n - Math.ceil(n / every);
    expect(counts.data[0]).toEqual({ big: nonNull(5), s: nonNull(7), ts: nonNull(11), none: 0, f: nonNull(3), b: nonNull(13), raw: nonNull(17) });
    const picked = [0, 1, 2047, 2048, 2049, 4095, 4096, 4999];
    const { data } = await engine.query(`SELECT * FROM chunks_t WHERE i IN (${picked.join(', ')}) ORDER BY i`);
    expect(data).toEqual(
      picked.map((i) => {
        const r = rows[i]!;
        return { ...r, big: r.big === null ? null : Number(r.big), s: r.s ?? null };
      }),
    );
  });

  it('loads column arrays, typed arrays and many distinct strings', async () => {
    const n = 5000;
    const ids = new Int32Array(n).map((_, i) => i);
    const values = new Float64Array(n).map((_, i) => i / 2);
    const labels = Array.from({ length: n }, (_, i) => `label-${i}-é`);
    const result = await engine.loadData({ id: ids, v: values, label: labels, flag: Array.from({ length: n }, (_, i) => i % 2 === 0) }, 'cols_t');
    expect(result.rowCount).toBe(n);
    const { data } = await engine.query('SELECT count(*) AS c, sum(v) AS s, count(DISTINCT label) AS d, max(label) AS m, count(*) FILTER (flag) AS f FROM cols_t');
    expect(data[0]).toEqual({ c: n, s: (n * (n - 1)) / 4, d: n, m: 'label-999-é', f: n / 2 });
  });

  it('loads an Arrow Table and CSV text', async () => {
    const table = tableFromArrays({ a: Int32Array.from([1, 2, 3]), b: ['x', 'y', 'z'] });
    expect((await engine.loadData(table, 'arrow_t')).rowCount).toBe(3);
    expect((await engine.query('SELECT sum(a) AS s, string_agg(b, \'\') AS j FROM arrow_t')).data).toEqual([{ s: 6, j: 'xyz' }]);
    const csv = 'city,population\nOslo,709000\n"Sao Paulo, BR",12330000\n';
    const loaded = await engine.loadData({ csv }, 'csv_t');
    expect(loaded.rowCount).toBe(2);
    expect(loaded.columns.map((c) => c.name)).toEqual(['city', 'population']);
    expect((await engine.query('SELECT city FROM csv_t ORDER BY population DESC')).data[0]).toEqual({ city: 'Sao Paulo, BR' });
    expect((await engine.loadData('k\n1\n2\n3\n', 'csv_plain')).rowCount).toBe(3);
    expect((await engine.loadData('k\n4\n', 'csv_plain', { mode: 'append' })).rowCount).toBe(1);
  });

  it('create refuses an existing table; replace and append do what they say', async () => {
    await engine.loadData([{ v: 1 }], 'modes_t');
    const clash = await engine.loadData([{ v: 2 }], 'modes_t').catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(ValidationError);
    expect((clash as Error).message).toMatch(/already exists.*replace.*append/);
    await engine.loadData([{ v: 2 }, { v: 3 }], 'modes_t', { mode: 'append' });
    expect((await engine.getTableInfo('modes_t')).rowCount).toBe(3);
    await engine.loadData([{ w: 'new' }], 'modes_t', { mode: 'replace' });
    expect((await engine.query('SELECT * FROM modes_t')).data).toEqual([{ w: 'new' }]);
    await engine.loadData([{ z: 1 }], 'modes_new', { mode: 'append' });
    expect((await engine.getTableInfo('modes_new')).rowCount).toBe(1);
  });

  it('refuses mixed or nested values with a ValidationError naming the column and row', async () => {
    const mixed = await engine.loadData([{ a: 1 }, { a: 'two' }], 'bad_t').catch((e: unknown) => e);
    expect(mixed).toBeInstanceOf(ValidationError);
    expect((mixed as Error).message).toMatch(/column 'a'.*row 1.*numbers with strings/);
    await expect(engine.loadData([{ a: { nested: true } }], 'bad_t')).rejects.toThrow(/nested/);
    await expect(engine.loadData([], 'bad_t')).rejects.toBeInstanceOf(ValidationError);
    await expect(engine.loadData({ a: [1, 2], b: [1] }, 'bad_t')).rejects.toThrow(/same length/);
    expect(await engine.listTables()).not.toContain('bad_t');
  });

  it('processData summarises and drops its temporary table, also on failure', async () => {
    const before = await engine.listTables();
    const summary = await engine.processData([
      { region: 'north', amount: 10 },
      { region: 'south', amount: 30 },
      { region: 'north', amount: null },
    ]);
    expect(summary.rowCount).toBe(3);
    expect(summary.columns).toEqual([
      { name: 'region', type: 'VARCHAR', nulls: 0, distinct: 2, min: 'north', max: 'south', mean: null },
      { name: 'amount', type: 'INTEGER', nulls: 1, distinct: 2, min: 10, max: 30, mean: 20 },
    ]);
    await expect(engine.processData([{ a: 1 }, { a: 'x' }])).rejects.toBeInstanceOf(ValidationError);
    expect(await engine.listTables()).toEqual(before);
    expect(engine.getMetrics().rowsLoaded).toBeGreaterThan(3);
  });
});
