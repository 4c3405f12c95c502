// Every DuckDB type arrives as the documented JS type, on every backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type DataPrismEngine } from '../../src/engine/index.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';

describe.each(ENGINE_BACKENDS)('type conversion ($label)', ({ options: backend }) => {
  let engine: DataPrismEngine;
  beforeAll(async () => {
    engine = await createEngine({ ...backend });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('converts scalars', async () => {
    const { data, columns } = await engine.query(`SELECT
      true AS b, 1::TINYINT AS ti, 2::SMALLINT AS si, 3::INTEGER AS i, 200::UTINYINT AS ut,
      1.5::FLOAT AS f, 2.25::DOUBLE AS d, 'hé llo'::VARCHAR AS s, 'a moderately long ascii string value' AS s2,
      NULL::INTEGER AS n,
      '550e8400-e29b-41d4-a716-446655440000'::UUID AS u, 'ok'::ENUM('sad', 'ok') AS en,
      '\\xAA\\xBB'::BLOB AS bl`);
    expect(data[0]).toEqual({
      b: true, ti: 1, si: 2, i: 3, ut: 200, f: 1.5, d: 2.25, s: 'hé llo', s2: 'a moderately long ascii string value', n: null,
      u: '550e8400-e29b-41d4-a716-446655440000', en: 'ok', bl: new Uint8Array([0xaa, 0xbb]),
    });
    expect(columns.map((c) => c.type)).toEqual([
      'BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'FLOAT', 'DOUBLE', 'VARCHAR', 'VARCHAR', 'INTEGER', 'VARCHAR', 'VARCHAR', 'BLOB',
    ]);
  });

  it('returns repeated, colliding, unicode and distinct strings exactly', async () => {
    // 'Aa' and 'BB' share a hash in the short-string interner: only the bytes may decide.
    const { data } = await engine.query(`SELECT
        CASE i % 4 WHEN 0 THEN 'Aa' WHEN 1 THEN 'BB' WHEN 2 THEN 'région-' || (i % 3) ELSE 'code-' || (i % 5) END AS repeated,
        'unique-' || i AS distinct_value
      FROM range(3000) t(i) ORDER BY i`);
    const expected = (i: number) => ['Aa', 'BB', `région-${i % 3}`, `code-${i % 5}`][i % 4];
    expect(data).toHaveLength(3000);
    data.forEach((row, i) => {
      expect(row['repeated']).toBe(expected(i));
      expect(row['distinct_value']).toBe(`unique-${i}`);
    });
  });

  it('returns wide integers as numbers when the whole column is safe, else the whole column as bigint', async () => {
    const safe = await engine.query('SELECT * FROM (VALUES (1::BIGINT), (-9007199254740991::BIGINT), (NULL)) t(v)');
    expect(safe.data.map((r) => r.v)).toEqual([1, -9007199254740991, null]);
    const wide = await engine.query('SELECT * FROM (VALUES (1::BIGINT), (9007199254740993::BIGINT)) t(v)');
    expect(wide.data.map((r) => r.v)).toEqual([1n, 9007199254740993n]);
    const huge = await engine.query('SELECT 170141183460469231731687303715884105727::HUGEINT AS h, 7::HUGEINT AS small, 18446744073709551615::UBIGINT AS ub');
    expect(huge.data[0]).toEqual({ h: 170141183460469231731687303715884105727n, small: 7, ub: 18446744073709551615n });
    const count = await engine.query('SELECT count(*) AS c FROM range(10)');
    expect(count.data[0]!.c).toBe(10);
  });

  it('draws the number-or-bigint line at ±2^53 exactly, for signed and unsigned columns', async () => {
    // -2^53 is exact in a double, 2^53 is where doubles start skipping integers.
    const edge = await engine.query('SELECT * FROM (VALUES (-9007199254740992::BIGINT, 9007199254740991::UBIGINT)) t(lo, uhi)');
    expect(edge.data).toEqual([{ lo: -9007199254740992, uhi: 9007199254740991 }]);
    const past = await engine.query('SELECT * FROM (VALUES (9007199254740992::BIGINT, 9007199254740992::UBIGINT), (-9007199254740993::BIGINT, 0::UBIGINT)) t(hi, uhi)');
    expect(past.data).toEqual([
      { hi: 9007199254740992n, uhi: 9007199254740992n },
      { hi: -9007199254740993n, uhi: 0n },
    ]);
    const mixed = await engine.query("SELECT NULL::BIGINT AS n, true AS b, 1.5::FLOAT AS f, -3::TINYINT AS t, 65535::USMALLINT AS us, 'é'::VARCHAR AS s");
    expect(mixed.data).toEqual([{ n: null, b: true, f: 1.5, t: -3, us: 65535, s: 'é' }]);
  });

  it('decides number or bigint over the whole column, across all its chunks', async () => {
    // One unsafe value in a later chunk makes the whole column bigint, earlier chunks included.
    const sql = 'SELECT CASE WHEN i = 5000 THEN 9007199254740993 ELSE i END::BIGINT AS v, i::BIGINT AS safe FROM range(6000) t(i) ORDER BY i';
    expect((await engine.queryArrow(sql)).batches.length).toBeGreaterThan(1);
    const { data } = await engine.query(sql);
    expect(data).toHaveLength(6000);
    expect(data.filter((r) => typeof r.v !== 'bigint')).toEqual([]);
    expect([data[0]!.v, data[4999]!.v, data[5000]!.v, data[5999]!.v]).toEqual([0n, 4999n, 9007199254740993n, 5999n]);
    expect(data.filter((r, i) => r.safe !== i)).toEqual([]);
  });

  it('returns a multi-chunk decimal column as exact strings when any value is too wide', async () => {
    const sql = `SELECT CASE WHEN i = 5000 THEN 123456789012345678.12::DECIMAL(38,2) ELSE ((i - 100) / 100)::DECIMAL(38,2) END AS d
      FROM range(6000) t(i) ORDER BY i`;
    expect((await engine.queryArrow(sql)).batches.length).toBeGreaterThan(1);
    const { data } = await engine.query(sql);
    expect(data.filter((r) => typeof r.d !== 'string')).toEqual([]);
    expect([data[0]!.d, data[95]!.d, data[150]!.d, data[5000]!.d, data[5999]!.d]).toEqual(['-1.00', '-0.05', '0.50', '123456789012345678.12', '58.99']);
  });

  it('returns repeated strings exactly across many chunks, however many distinct values a column has', async () => {
    // few: 1000 distinct values; distinct: all distinct; quads: each value 4 times in a row, 75,000 of them,
    // alternating between hash-colliding prefixes ('Aa' and 'BB') so neighbours share a hash.
    const { data } = await engine.query(`SELECT 'label-' || (i * 7919 % 1000) AS few, 'u-' || i AS distinct_value,
        (CASE WHEN (i // 4) % 2 = 0 THEN 'Aa' ELSE 'BB' END) || (i // 8) AS quads
      FROM range(300000) t(i) ORDER BY i`);
    expect(data).toHaveLength(300000);
    const quad = (i: number) => `${Math.floor(i / 4) % 2 === 0 ? 'Aa' : 'BB'}${Math.floor(i / 8)}`;
    const wrong = data.flatMap((r, i) =>
      r.few === `label-${(i * 7919) % 1000}` && r.distinct_value === `u-${i}` && r.quads === quad(i) ? [] : [{ i, ...r }],
    );
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('returns decimals with their scale: numbers when small, exact strings otherwise', async () => {
    const { data, columns } = await engine.query(
      "SELECT 12.345::DECIMAL(10,3) AS a, -0.05::DECIMAL(4,2) AS b, 123456789012345678.12::DECIMAL(38,2) AS c, -1.5::DECIMAL(38,1) AS d",
    );
    expect(data[0]).toEqual({ a: 12.345, b: -0.05, c: '123456789012345678.12', d: -1.5 });
    expect(columns[0]!.type).toBe('DECIMAL(10,3)');
    const sum = await engine.query('SELECT sum(x) AS s FROM (VALUES (1.10::DECIMAL(10,2)), (2.20::DECIMAL(10,2))) t(x)');
    expect(sum.data[0]!.s).toBeCloseTo(3.3, 10);
  });

  it('converts dates, timestamps, times and intervals', async () => {
    const { data, columns } = await engine.query(`SELECT DATE '2024-02-29' AS dt, TIMESTAMP '2024-02-29 12:34:56.789123' AS ts,
      TIMESTAMPTZ '2024-02-29 12:34:56+00' AS tz, TIMESTAMP_NS '2024-01-01 00:00:00.123456789' AS ns, TIMESTAMP '1960-05-01 10:00:00' AS old,
      TIME '12:34:56.5' AS tm, TIME '01:02:03' AS tm0, INTERVAL '1 year 2 days 3 seconds' AS iv`);
    const row = data[0]!;
    expect(row.dt).toEqual(new Date(Date.UTC(2024, 1, 29)));
    expect(row.ts).toEqual(new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789)));
    expect(row.tz).toEqual(new Date(Date.UTC(2024, 1, 29, 12, 34, 56)));
    expect(row.ns).toEqual(new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 123)));
    expect(row.old).toEqual(new Date(Date.UTC(1960, 4, 1, 10)));
    expect(row.tm).toBe('12:34:56.5');
    expect(row.tm0).toBe('01:02:03');
    expect(row.iv).toEqual({ months: 12, days: 2, micros: 3_000_000 });
    expect(columns.map((c) => c.type)).toEqual([
      'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_NS', 'TIMESTAMP', 'TIME', 'TIME', 'INTERVAL',
    ]);
  });

  it('rounds sub-millisecond timestamps down to the exact millisecond, before and after 1970', async () => {
    // Nanoseconds since 1970 exceed 2^53: a double of the whole count lands one millisecond low here.
    const { data } = await engine.query(`SELECT TIMESTAMP_NS '2024-01-02 06:49:59.889' AS ns, TIMESTAMP_NS '2024-01-02 06:49:59.888999999' AS ns_below,
      TIMESTAMP_NS '1969-12-31 23:59:59.999999999' AS ns_before, TIMESTAMP '1969-12-31 23:59:59.9999' AS us_before,
      TIMESTAMP '2400-01-01 00:00:00.001' AS us_late, TIMESTAMP_S '1900-01-01 00:00:01' AS s, TIMESTAMP_MS '1900-01-01 00:00:00.007' AS ms`);
    expect(Object.values(data[0]!).map((d) => (d as Date).getTime())).toEqual([
      Date.UTC(2024, 0, 2, 6, 49, 59, 889), Date.UTC(2024, 0, 2, 6, 49, 59, 888), -1, -1,
      Date.UTC(2400, 0, 1, 0, 0, 0, 1), Date.UTC(1900, 0, 1, 0, 0, 1), Date.UTC(1900, 0, 1, 0, 0, 0, 7),
    ]);
  });

  it('converts lists, structs, maps and unions, with nulls inside', async () => {
    const { data, columns } = await engine.query(`SELECT [1, 2, NULL] AS lst, [[1], [2, 3]] AS ll, {'a': 1, 'b': 'x'} AS st,
      MAP {'k': 1, 'j': 2} AS mp, union_value(num := 2) AS un, NULL::INTEGER[] AS nl, [{'x': 1}] AS ls`);
    const row = data[0]!;
    expect(row.lst).toEqual([1, 2, null]);
    expect(row.ll).toEqual([[1], [2, 3]]);
    expect(row.st).toEqual({ a: 1, b: 'x' });
    expect(row.mp).toEqual(new Map([['k', 1], ['j', 2]]));
    expect(row.un).toBe(2);
    expect(row.nl).toBeNull();
    expect(row.ls).toEqual([{ x: 1 }]);
    expect(columns.find((c) => c.name === 'lst')!.type).toBe('INTEGER[]');
    expect(columns.find((c) => c.name === 'mp')!.type).toBe('MAP(VARCHAR, INTEGER)');
  });

  it('keeps nulls in every column of a multi-row result', async () => {
    const { data } = await engine.query(`SELECT * FROM (VALUES
      (1, 'a', true, DATE '2024-01-01', 1.5::DECIMAL(4,1)),
      (NULL, NULL, NULL, NULL, NULL)) t(i, s, b, d, dec)`);
    expect(data[1]).toEqual({ i: null, s: null, b: null, d: null, dec: null });
    expect(data[0]!.b).toBe(true);
  });

  it('int64: bigint always returns bigints', async () => {
    const strict = await createEngine({ ...backend, int64: 'bigint' });
    try {
      const { data } = await strict.query('SELECT 1::BIGINT AS v, 2.50::DECIMAL(10,2) AS d');
      expect(data[0]).toEqual({ v: 1n, d: '2.50' });
    } finally {
      await strict.close();
    }
  });
});
