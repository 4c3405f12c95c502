// Reading DuckDB-WASM's IPC bytes in place (ipc.ts) gives the Table apache-arrow's
// own reader gives, for the one-shot path's IPC file and the pending path's parts,
// for every type the parity suite asks for; what it does not read (dictionaries,
// results without batches, damaged bytes) it leaves to tableFromIPC.
import * as A from 'apache-arrow';
import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type DataPrismEngine } from '../../src/engine/index.js';
import { readMessages, tableFromParts } from '../../src/engine/ipc.js';

const QUERIES: Record<string, string> = {
  one: 'SELECT 1',
  scalars: `SELECT 42 AS i, 'x' AS s, 1.5::DOUBLE AS d, NULL AS n, true AS b, 1::TINYINT AS t, 2::UTINYINT AS ut, 3::UBIGINT AS ub,
    4.5::FLOAT AS f, TIME '12:00:00' AS tm, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS tz, 12.345::DECIMAL(9,3) AS dec,
    170141183460469231731687303715884105727::HUGEINT AS h, '\\xAA'::BLOB AS bl, INTERVAL 1 DAY + INTERVAL 3 MICROSECOND AS iv,
    '550e8400-e29b-41d4-a716-446655440000'::UUID AS u, DATE '2024-02-29' AS dt`,
  nested: `SELECT [1, 2, NULL]::INTEGER[] AS l, {'x': 1, 'y': 'a'} AS s, MAP {'k': 1, 'j': NULL} AS m, [1, 2]::INTEGER[2] AS arr,
    union_value(num := 2)::UNION(num INTEGER, str VARCHAR) AS u`,
  deep: `SELECT [{'a': [1], 'b': MAP {'x': [{'t': TIMESTAMP '2024-01-01 00:00:00.123456'}]}}] AS deep, NULL::INTEGER[] AS nl,
    []::VARCHAR[] AS el, {'n': NULL::STRUCT(q INTEGER)} AS ns`,
  // More rows than one DuckDB chunk (2048): several record batches, nulls at every level.
  chunks: `SELECT i, i::VARCHAR AS s, [i, i * 2] AS l, CASE WHEN i % 5 = 0 THEN NULL ELSE {'i': i, 's': 'v' || i} END AS st
    FROM range(5000) t(i) ORDER BY i`,
  statement: 'CREATE TABLE made AS SELECT 1 AS x',
};

let engine: DataPrismEngine;
let db: DuckDBBindings;
let conn: number;
beforeAll(async () => {
  engine = await createEngine({ mode: 'blocking' });
  db = engine.unsafeDuckDB() as DuckDBBindings;
  conn = db.connect().useUnsafe((_, c) => c);
});
afterAll(() => engine.close());

/** The one-shot path's bytes (an IPC file). */
const file = (sql: string) => db.runQuery(conn, sql);

/** The pending path's bytes: the schema header, then one record batch per fetch. */
function parts(sql: string): Uint8Array[] {
  const out = [db.startPendingQuery(conn, sql, false)!];
  for (;;) {
    const chunk = db.fetchQueryResults(conn);
    if (chunk === null) continue;
    if (chunk.length === 0) return out;
    out.push(chunk);
  }
}

/** A Table as plain data: every field's name, type and nullability, the metadata, the batches' sizes and every value. */
function plainTable(table: A.Table): unknown {
  const value = (v: unknown): unknown => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof A.Vector) return [...v].map(value);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    if (v instanceof Map) return [...v.entries()].map(([k, x]) => [value(k), value(x)]);
    if (Array.isArray(v)) return v.map(value);
    const json = typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as { toJSON(): unknown }).toJSON() : v;
    return Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([k, x]) => [k, value(x)]));
  };
  return {
    fields: table.schema.fields.map((f) => [f.name, String(f.type), f.nullable, [...f.metadata]]),
    metadata: [...table.schema.metadata],
    batches: table.batches.map((b) => b.numRows),
    rows: table.toArray().map(value),
  };
}

/** `bytes` copied to an odd offset of a larger buffer: typed views over it must not assume alignment. */
function misaligned(bytes: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(bytes.byteLength + 3);
  buffer.set(bytes, 3);
  return buffer.subarray(3);
}

describe('readMessages', () => {
  for (const [name, sql] of Object.entries(QUERIES)) {
    it(`reads ${name} as tableFromIPC does, from the IPC file and from the pending parts`, () => {
      const setup = name === 'statement' ? () => db.runQuery(conn, 'DROP TABLE IF EXISTS made') : () => undefined;
      setup();
      const oneShot = file(sql);
      setup();
      const pending = parts(sql);
      for (const bytes of [[oneShot], pending]) {
        const ours = readMessages(bytes);
        expect(ours, 'read in place, not left to tableFromIPC').not.toBeNull();
        expect(plainTable(ours!)).toEqual(plainTable(A.tableFromIPC(bytes.length === 1 ? bytes[0]! : bytes)));
      }
    });
  }

  it('reads bytes that lie at an odd offset of their buffer (the bodies are copied to aligned memory)', () => {
    const sql = 'SELECT i, i * 0.5 AS d, i::BIGINT AS b FROM range(3000) t(i)';
    for (const bytes of [[file(sql)], parts(sql)]) {
      const moved = bytes.map(misaligned);
      expect(moved.every((b) => b.byteOffset % 8 !== 0)).toBe(true);
      expect(plainTable(readMessages(moved)!)).toEqual(plainTable(A.tableFromIPC(bytes.length === 1 ? bytes[0]! : bytes)));
    }
  });

  it('leaves dictionaries (ENUM columns) and results without record batches to tableFromIPC, with the same Table', () => {
    for (const sql of ["SELECT 'ok'::ENUM('sad', 'ok') AS mood", "SELECT ['ok'::ENUM('sad', 'ok')] AS moods", 'SELECT * FROM range(0) t(i)']) {
      for (const bytes of [[file(sql)], parts(sql)]) {
        expect(readMessages(bytes)).toBeNull();
        expect(plainTable(tableFromParts(bytes))).toEqual(plainTable(A.tableFromIPC(bytes.length === 1 ? bytes[0]! : bytes)));
      }
    }
  });

  it('answers null for damaged bytes instead of throwing or reading out of bounds', () => {
    const good = file('SELECT 1 AS x');
    const stream = parts('SELECT 1 AS x');
    const truncated = good.subarray(0, good.byteLength - 20);
    // A footer length that points before the file's first byte.
    const badFooter = good.slice();
    new DataView(badFooter.buffer).setInt32(badFooter.byteLength - 10, 0x7fffffff, true);
    const negativeFooter = good.slice();
    new DataView(negativeFooter.buffer).setInt32(negativeFooter.byteLength - 10, -1000, true);
    // A message length past the end of its part.
    const longMessage = stream[0]!.slice();
    new DataView(longMessage.buffer).setInt32(4, 1 << 30, true);
    const negativeMessage = stream[0]!.slice();
    new DataView(negativeMessage.buffer).setInt32(4, -5, true);
    const garbage = new Uint8Array(64).fill(0xab);
    for (const bytes of [[truncated], [badFooter], [negativeFooter], [longMessage, stream[1]!], [negativeMessage, stream[1]!], [garbage], [], [stream[1]!]]) {
      expect(readMessages(bytes)).toBeNull();
    }
  });

  it('gives the engine the same rows as before: query() on both paths agrees with apache-arrow', async () => {
    const timed = await createEngine({ mode: 'blocking', timeoutMs: 60_000 });
    try {
      for (const sql of [QUERIES['scalars']!, QUERIES['nested']!, QUERIES['chunks']!]) {
        const expected = A.tableFromIPC(file(sql));
        expect((await engine.queryArrow(sql)).numRows).toBe(expected.numRows);
        expect((await timed.query(sql)).data).toEqual((await engine.query(sql)).data);
      }
    } finally {
      await timed.close();
    }
  });
});
