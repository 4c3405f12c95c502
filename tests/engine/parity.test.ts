// The same input gives the same answer on every backend, compared value by
// value: nested and rare types out of query() and queryArrow() (schemas and
// values), Arrow tables with those types into loadData and loadFile (file and
// stream IPC, sliced tables), and JSON files on which DuckDB's read_json
// (native) and DuckDB-WASM's JSON import disagree unless the engine settles it:
// fields of mixed types, null-only fields, scalars, empty records, duplicate keys;
// Arrow UNION, INTERVAL and Float16 columns, and the Arrow types every backend refuses alike.
// Where a difference is DuckDB's own (README, "Loading files"), the test pins it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as A from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type DataPrismEngine } from '../../src/engine/index.js';
import { DataPrismError } from '../../src/errors/DataPrismError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';

/** case → backend label → what it answered. */
const seen = new Map<string, Map<string, unknown>>();
const record = (key: string, label: string, value: unknown) => {
  if (!seen.has(key)) seen.set(key, new Map());
  seen.get(key)!.set(label, value);
};

/** An Arrow value as plain data (Vectors, rows and maps unfolded), so values from different builds compare. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof A.Vector) return [...v].map(plain);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [plain(k), plain(x)]);
  if (Array.isArray(v)) return v.map(plain);
  const json = typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as { toJSON(): unknown }).toJSON() : v;
  return Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
}

const QUERIES: Record<string, string> = {
  nested: `SELECT [1, 2, NULL]::INTEGER[] AS l, {'x': 1, 'y': 'a'} AS s, MAP {'k': 1, 'j': NULL} AS m, [1, 2]::INTEGER[2] AS arr,
    union_value(num := 2)::UNION(num INTEGER, str VARCHAR) AS u`,
  deep: `SELECT [{'a': [1], 'b': MAP {'x': [{'t': TIMESTAMP '2024-01-01 00:00:00.123456'}]}}] AS deep, NULL::INTEGER[] AS nl,
    []::VARCHAR[] AS el, {'n': NULL::STRUCT(q INTEGER)} AS ns`,
  leaves: `SELECT [DATE '2024-02-29', NULL] AS days, {'d': 12.345::DECIMAL(9,3), 'h': 170141183460469231731687303715884105727::HUGEINT} AS nums,
    ['\\xAA'::BLOB] AS blobs, [INTERVAL 1 DAY + INTERVAL 3 MICROSECOND] AS spans, ['ok'::ENUM('sad', 'ok')] AS moods,
    {'u': '550e8400-e29b-41d4-a716-446655440000'::UUID, 'b': 9007199254740993::BIGINT} AS ids`,
  // More rows than one DuckDB chunk (2048), nulls at every level.
  chunks: `SELECT i, [i, i * 2] AS l, CASE WHEN i % 5 = 0 THEN NULL ELSE {'i': i, 's': 'v' || i} END AS s,
    CASE WHEN i % 3 = 0 THEN NULL ELSE MAP {'k' || i: i} END AS m FROM range(3000) t(i) ORDER BY i`,
};

/** An Arrow table with every type the engine loads from Arrow, nested ones at several depths. */
function arrowTable(): A.Table {
  const v = (type: A.DataType, values: unknown[]) => A.vectorFromArray(values as never, type as never);
  const field = (name: string, type: A.DataType) => new A.Field(name, type, true);
  return new A.Table({
    id: v(new A.Int32(), [1, 2, 3]),
    ts: v(new A.TimestampMicrosecond(), [Date.UTC(2024, 0, 1, 2), Date.UTC(2023, 5, 6), null]),
    ts_utc: v(new A.TimestampMicrosecond('UTC'), [Date.UTC(2024, 0, 1), null, 0]),
    ts_s: v(new A.TimestampSecond(), [Date.UTC(2024, 0, 1), null, 0]),
    ts_ms: v(new A.TimestampMillisecond(), [Date.UTC(2024, 0, 1, 0, 0, 0, 7), null, 0]),
    ts_ns: v(new A.TimestampNanosecond(), [Date.UTC(2024, 0, 1), null, 0]),
    time_us: v(new A.TimeMicrosecond(), [1000n, null, 86_399_999_999n]),
    time_ms: v(new A.TimeMillisecond(), [1000, null, 0]),
    nothing: v(new A.Null(), [null, null, null]),
    u64: v(new A.Uint64(), [2n ** 63n, null, 0n]),
    day_ms: v(new A.DateMillisecond(), [Date.UTC(2024, 0, 1), null, 0]),
    dict: v(new A.Dictionary(new A.Utf8(), new A.Int32()), ['a', null, 'a']),
    list: v(new A.List(field('item', new A.Int32())), [[1, null, 3], null, []]),
    list_struct: v(new A.List(field('item', new A.Struct([field('a', new A.Int64())]))), [[{ a: 1n }, null], [{ a: null }], []]),
    struct: v(new A.Struct([field('x', new A.Float64()), field('y', new A.Dictionary(new A.Utf8(), new A.Int32())), field('t', new A.TimestampMicrosecond())]), [
      { x: 1, y: 'p', t: Date.UTC(2024, 0, 1, 1) },
      null,
      { x: null, y: null, t: null },
    ]),
    map: v(new A.Map_(new A.Field('entries', new A.Struct([new A.Field('key', new A.Utf8(), false), field('value', new A.Int32())]), false) as never), [
      new Map([['k', 1], ['j', null]]),
      null,
      new Map(),
    ]),
    fixed: v(new A.FixedSizeList(2, field('item', new A.Int16())), [[1, 2], null, [null, 4]]),
    list_list: v(new A.List(field('item', new A.List(field('item', new A.Utf8())))), [[['a'], []], [[null]], null]),
    decimal: v(new A.Decimal(2, 10, 128), [new Uint32Array([12345, 0, 0, 0]), null, new Uint32Array([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff])]),
  });
}

/** A sparse UNION(n INTEGER, s VARCHAR) column: ids say which member counts at each row. */
function sparseUnion(ids: number[], n: (number | null)[], str: (string | null)[], typeIds = [0, 1], mode = A.UnionMode.Sparse): A.Data {
  const members = [new A.Field('n', new A.Int32(), true), new A.Field('s', new A.Utf8(), true)];
  const type = mode === A.UnionMode.Sparse ? new A.SparseUnion(typeIds, members) : new A.DenseUnion(typeIds, members);
  const children = [A.vectorFromArray(n, new A.Int32()).data[0]!, A.vectorFromArray(str, new A.Utf8()).data[0]!];
  return A.makeData({ type, length: ids.length, nullCount: 0, typeIds: Int8Array.from(ids), valueOffsets: Int32Array.from(ids.map(() => 0)), children } as never);
}

/** A UNION column, one inside a LIST, and a year-month INTERVAL column: loaded alike everywhere. */
function unionIntervalTable(): A.Table {
  const inner = sparseUnion([0, 1], [7, 0], ['', 'x']);
  const list = A.makeData({ type: new A.List(new A.Field('item', inner.type, true)), length: 3, nullCount: 0, valueOffsets: Int32Array.of(0, 2, 2, 2), child: inner });
  const months = A.makeData({ type: new A.IntervalYearMonth(), length: 3, nullCount: 0, data: Int32Array.of(14, -1, 0) });
  return new A.Table({
    u: A.makeVector(sparseUnion([0, 1, 1], [7, null, null], [null, 'x', null])),
    lu: A.makeVector(list),
    iv: A.makeVector(months),
  });
}

/** Arrow types every backend refuses alike (src/engine/arrowSchema.ts), each with what its error says. */
function refusedTables(): [string, A.Table, RegExp][] {
  const int = (v: number) => A.makeData({ type: new A.Int32(), length: 1, nullCount: 0, data: Int32Array.of(v) });
  const struct = (names: string[]) =>
    A.makeVector(A.makeData({ type: new A.Struct(names.map((n) => new A.Field(n, new A.Int32(), true))), length: 1, nullCount: 0, children: names.map((_, i) => int(i)) }));
  return [
    ['dense union', new A.Table({ u: A.makeVector(sparseUnion([0], [7], [null], [0, 1], A.UnionMode.Dense)) }), /column "u" is a dense UNION/],
    ['union with other type ids', new A.Table({ u: A.makeVector(sparseUnion([5], [7], [null], [5, 2])) }), /column "u" is a UNION with type ids 5, 2/],
    ['day-time interval', new A.Table({ iv: A.makeVector(A.makeData({ type: new A.IntervalDayTime(), length: 1, nullCount: 0, data: Int32Array.of(3, 1500) })) }), /column "iv" is a day-time INTERVAL/],
    ['struct naming a field twice', new A.Table({ s: struct(['a', 'b', 'a']) }), /column "s" is a STRUCT that names the field "a" twice/],
    ['struct naming a field twice, in another case, nested', new A.Table({ l: A.makeVector(A.makeData({ type: new A.List(new A.Field('item', struct(['a', 'A']).type, true)), length: 1, nullCount: 0, valueOffsets: Int32Array.of(0, 1), child: struct(['a', 'A']).data[0]! })) }), /column "l" \(at l\.item\) is a STRUCT that names the field "A" twice/],
  ];
}

const JSON_FILES: Record<string, string> = {
  'mixed.json': '[{"a": 1}, {"a": "x"}, {"a": true}]',
  'mixed.ndjson': '{"a": 1}\n{"a": "x"}\n',
  'null_field.json': '[{"a": null, "b": 1}, {"a": null, "b": 2}]',
  'scalar.json': '42',
  'string.json': '"hello"',
  'scalars.json': '[1, 2, 3]',
  'empty_array.json': '[]',
  'empty_object.json': '[{}]',
  'scalars.ndjson': '1\n2\n',
  'some_scalars.json': '[{"a": 1}, 2]',
  'some_scalars.ndjson': '{"a": 1}\n2\n',
  'duplicate.json': '[{"a": 1, "b": 2}, {"a": 1, "a": 2, "b": 3}]',
  'duplicate.ndjson': '{"a": 1}\n{"b": 1, "b": 2}\n',
  'nested.json': '[{"a": {"x": 1, "y": [1.5, 2]}, "l": [1, 2, 3]}, {"a": {"x": 2, "y": []}, "l": []}]',
  'nested_dates.json': '[{"a": {"d": "2024-01-01", "t": "2024-01-01T10:00:00Z"}}]',
  'nested_nulls.json': '[{"a": {"x": null, "y": 1}}, {"a": {"x": null, "y": 2}}]',
  'nested_mixed.json': '[{"a": {"x": 1}}, {"a": {"x": "s"}}]',
};

/** Files whose nested columns the two JSON readers type differently (README, "Loading files"): pinned below, not compared. */
const NESTED_DIFFERENCES = ['nested.json', 'nested_dates.json', 'nested_nulls.json', 'nested_mixed.json'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dataprism-parity-'));
  for (const [name, text] of Object.entries(JSON_FILES)) await writeFile(join(dir, name), text);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** What a failed load says, without the parts that name the reader (compared across backends). */
function failure(error: unknown): unknown {
  expect(error).toBeInstanceOf(ValidationError);
  const message = (error as Error).message;
  const kind = /holds values of more than one type|not every value in it is a record|duplicate key/.exec(message)?.[0];
  expect(kind, message).toBeDefined();
  return { error: (error as Error).name, kind, field: /field "([^"]+)"|duplicate key "([^"]+)"/.exec(message)?.slice(1).find(Boolean) };
}

describe.each(ENGINE_BACKENDS)('parity ($label)', ({ label, options: backend }) => {
  let engine: DataPrismEngine;
  beforeAll(async () => {
    engine = await createEngine({ ...backend });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it.each(Object.keys(QUERIES))('query and queryArrow of %s', async (key) => {
    const sql = QUERIES[key]!;
    const rows = (await engine.query(sql)).data;
    const arrow = await engine.queryArrow(sql);
    record(`query ${key}`, label, {
      rows,
      schema: arrow.schema.fields.map((f) => `${f.name}: ${String(f.type)}`),
      values: arrow.toArray().map(plain),
    });
    if (key === 'nested') {
      expect(rows).toEqual([{ l: [1, 2, null], s: { x: 1, y: 'a' }, m: new Map([['k', 1], ['j', null]]), arr: [1, 2], u: 2 }]);
      expect(arrow.schema.fields.map((f) => String(f.type))).toEqual([
        'List<Int32>', 'Struct<{x:Int32, y:Utf8}>', 'Map<{key:Utf8, value:Int32}>', 'FixedSizeList[2]<Int32>', 'Union<Int32 | Utf8>',
      ]);
    }
  });

  it('loadData of an Arrow table with nested, zoned, timed and null columns, whole and sliced', async () => {
    const table = arrowTable();
    await engine.loadData(table, 'arrow_types');
    await engine.loadData(table.slice(1), 'arrow_sliced');
    const info = await engine.getTableInfo('arrow_types');
    const rows = (await engine.query('SELECT * FROM arrow_types ORDER BY id')).data;
    // u64 aside: its first value is past 2^53, so only the whole column answers bigints.
    const sliced = (await engine.query('SELECT * EXCLUDE (u64) FROM arrow_sliced ORDER BY id')).data;
    expect(sliced).toEqual((await engine.query('SELECT * EXCLUDE (u64) FROM arrow_types WHERE id > 1 ORDER BY id')).data);
    expect(rows[0]).toMatchObject({
      id: 1, ts_utc: new Date(Date.UTC(2024, 0, 1)), ts_ms: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 7)), nothing: null, u64: 2n ** 63n,
      dict: 'a', list: [1, null, 3], list_struct: [{ a: 1 }, null], struct: { x: 1, y: 'p', t: new Date(Date.UTC(2024, 0, 1, 1)) },
      map: new Map([['k', 1], ['j', null]]), fixed: [1, 2], list_list: [['a'], []], decimal: 123.45,
    });
    expect(sliced[0]).toMatchObject({ id: 2, ts: new Date(Date.UTC(2023, 5, 6)) });
    expect(rows[2]).toMatchObject({ list: [], list_struct: [], struct: { x: null, y: null, t: null }, map: new Map(), fixed: [null, 4], decimal: -0.01 });
    record('loadData arrow', label, { columns: info.columns, rows, arrow: (await engine.queryArrow('SELECT * FROM arrow_types ORDER BY id')).schema.fields.map(String) });
  });

  it.each(['file', 'stream'] as const)('loadFile of Arrow IPC (%s) with nested columns', async (format) => {
    const bytes = A.tableToIPC(arrowTable(), format);
    const loaded = await engine.loadFile(bytes, `ipc_${format}`, { name: `types.${format === 'file' ? 'arrow' : 'arrows'}` });
    expect(loaded.rowCount).toBe(3);
    record(`loadFile ipc`, `${label} ${format}`, { columns: loaded.columns, rows: (await engine.query(`SELECT * FROM ipc_${format} ORDER BY id`)).data });
  });

  it.each(Object.keys(JSON_FILES))('loadFile of %s', async (name) => {
    const table = `json_${name.replace(/\W/g, '_')}`;
    const outcome = await engine.loadFile(join(dir, name), table).then(
      async (loaded) => ({ columns: loaded.columns, rows: (await engine.query(`SELECT * FROM ${table}`)).data }),
      (error: unknown) => failure(error),
    );
    if ('error' in (outcome as object)) expect(await engine.listTables()).not.toContain(table);
    record(`json ${name}`, label, outcome);
  });

  it('an Arrow value DuckDB refuses (a NULL map key) fails typed, leaves no table, keeps a replaced one, and the next loads work', async () => {
    const nullKey = () =>
      new A.Table({
        m: A.vectorFromArray([new Map([['k', 1]]), new Map([[null, 1]])] as never, new A.Map_(new A.Field('entries', new A.Struct([new A.Field('key', new A.Utf8(), true), new A.Field('value', new A.Int32(), true)]), false) as never)),
      });
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await engine.loadData(nullKey(), 'null_keys').catch((e: unknown) => e);
      expect(error, `attempt ${attempt}`).toBeInstanceOf(DataPrismError);
      expect(await engine.listTables()).not.toContain('null_keys');
    }
    await engine.loadData([{ keep: 1 }], 'kept');
    expect(await engine.loadData(nullKey(), 'kept', { mode: 'replace' }).catch((e: unknown) => e)).toBeInstanceOf(DataPrismError);
    expect((await engine.query('SELECT keep FROM kept')).data).toEqual([{ keep: 1 }]);
    // The same bytes through loadFile: the same refusal, nothing left behind.
    expect(await engine.loadFile(A.tableToIPC(nullKey(), 'stream'), 'null_keys_file', { name: 'keys.arrows' }).catch((e: unknown) => e)).toBeInstanceOf(DataPrismError);
    // DuckDB-WASM kept a failed Arrow stream on its connection and failed every later insert with it; the next loads work.
    await engine.loadData(arrowTable(), 'after_failure');
    expect((await engine.loadFile(A.tableToIPC(arrowTable(), 'stream'), 'after_failure_file', { name: 'ok.arrows' })).rowCount).toBe(3);
    expect((await engine.query('SELECT count(*)::INTEGER AS n FROM after_failure')).data).toEqual([{ n: 3 }]);
    expect((await engine.listTables()).filter((t) => t.startsWith('null_keys') || t.startsWith('__dataprism'))).toEqual([]);
  });

  it('Arrow UNION (sparse, in a LIST, a null member) and year-month INTERVAL columns load with the same types and values', async () => {
    await engine.loadData(unionIntervalTable(), 'unions');
    const loaded = await engine.loadFile(A.tableToIPC(unionIntervalTable(), 'stream'), 'unions_file', { name: 'unions.arrows' });
    const rows = (await engine.query('SELECT * FROM unions')).data;
    expect(rows).toEqual([
      { u: 7, lu: [7, 'x'], iv: { months: 14, days: 0, micros: 0 } },
      { u: 'x', lu: [], iv: { months: -1, days: 0, micros: 0 } },
      { u: null, lu: [], iv: { months: 0, days: 0, micros: 0 } },
    ]);
    expect((await engine.query('SELECT * FROM unions_file')).data).toEqual(rows);
    record('arrow unions', label, {
      columns: (await engine.getTableInfo('unions')).columns,
      fileColumns: loaded.columns,
      rows,
      arrow: (await engine.queryArrow('SELECT * FROM unions')).schema.fields.map(String),
    });
  });

  it.each(refusedTables().map(([what]) => what))('an Arrow %s is refused alike by loadData and loadFile, naming the column; nothing is left', async (what) => {
    const [, table, message] = refusedTables().find(([w]) => w === what)!;
    const fromData = await engine.loadData(table, 'refused_t').catch((e: unknown) => e);
    expect(fromData).toBeInstanceOf(ValidationError);
    expect((fromData as Error).message).toMatch(message);
    const fromFile = await engine.loadFile(A.tableToIPC(table, 'stream'), 'refused_t', { name: 'refused.arrows' }).catch((e: unknown) => e);
    expect(fromFile).toBeInstanceOf(ValidationError);
    expect((fromFile as Error).message).toMatch(/refused\.arrows could not be loaded as Arrow IPC: /);
    expect((fromFile as Error).message).toMatch(message);
    expect(await engine.listTables()).not.toContain('refused_t');
  });

  it('Float16 Arrow columns, at any depth and sliced, load as FLOAT with the same values through loadData and loadFile', async () => {
    const f = (name: string, type: A.DataType) => new A.Field(name, type, true);
    const half = new A.Float16();
    const table = new A.Table({
      id: A.vectorFromArray([1, 2, 3], new A.Int32()),
      h: A.vectorFromArray([1.5, null, -0.25], half),
      l: A.vectorFromArray([[1.5, null], null, []], new A.List(f('item', half))),
      s: A.vectorFromArray([{ x: 0.5, n: 1 }, null, { x: null, n: 2 }], new A.Struct([f('x', half), f('n', new A.Int32())])),
    });
    await engine.loadData(table, 'halves');
    await engine.loadData(table.slice(1), 'halves_sliced');
    await engine.loadFile(A.tableToIPC(table, 'file'), 'halves_file', { name: 'halves.arrow' });
    const rows = (await engine.query('SELECT * FROM halves ORDER BY id')).data;
    expect(rows).toEqual([
      { id: 1, h: 1.5, l: [1.5, null], s: { x: 0.5, n: 1 } },
      { id: 2, h: null, l: null, s: null },
      { id: 3, h: -0.25, l: [], s: { x: null, n: 2 } },
    ]);
    expect((await engine.query('SELECT * FROM halves_sliced ORDER BY id')).data).toEqual(rows.slice(1));
    expect((await engine.query('SELECT * FROM halves_file ORDER BY id')).data).toEqual(rows);
    const columns = (await engine.getTableInfo('halves')).columns;
    expect(columns.map((c) => c.type)).toEqual(['INTEGER', 'FLOAT', 'FLOAT[]', 'STRUCT(x FLOAT, n INTEGER)']);
    record('arrow float16', label, { columns, rows, arrow: (await engine.queryArrow('SELECT * FROM halves ORDER BY id')).schema.fields.map(String) });
  });
});

describe('every backend answers the same', () => {
  const labels = ENGINE_BACKENDS.map((b) => b.label);
  it.each([...Object.keys(QUERIES).map((k) => `query ${k}`), 'loadData arrow', 'arrow unions', 'arrow float16', ...Object.keys(JSON_FILES).filter((n) => !NESTED_DIFFERENCES.includes(n)).map((n) => `json ${n}`)])('%s', (key) => {
    const answers = labels.map((label) => seen.get(key)?.get(label));
    expect(answers.every((a) => a !== undefined), `every backend answered ${key}`).toBe(true);
    for (let i = 1; i < answers.length; i++) expect(answers[i], `${labels[i]} vs ${labels[0]}`).toEqual(answers[0]);
  });

  it('loadFile of Arrow IPC, file and stream', () => {
    const answers = [...(seen.get('loadFile ipc') ?? new Map()).entries()];
    expect(answers).toHaveLength(labels.length * 2);
    for (const [who, answer] of answers) expect(answer, who).toEqual(answers[0]![1]);
    // The same columns as loadData of the same table.
    expect((answers[0]![1] as { rows: unknown }).rows).toEqual((seen.get('loadData arrow')?.get(labels[0]!) as { rows: unknown }).rows);
  });

  it('nested JSON strings, nulls and mixed fields: read_json sniffs dates and types null-only and mixed fields JSON, DuckDB-WASM\'s import keeps strings and makes INTEGER (README)', () => {
    for (const label of labels) {
      const native = label === 'native';
      const dates = seen.get('json nested_dates.json')?.get(label) as { columns: { type: string }[]; rows: unknown[] };
      expect(dates.columns.map((c) => c.type), label).toEqual([native ? 'STRUCT(d DATE, t TIMESTAMP)' : 'STRUCT(d VARCHAR, t VARCHAR)']);
      expect(dates.rows, label).toEqual([
        { a: native ? { d: new Date(Date.UTC(2024, 0, 1)), t: new Date(Date.UTC(2024, 0, 1, 10)) } : { d: '2024-01-01', t: '2024-01-01T10:00:00Z' } },
      ]);
      const nulls = seen.get('json nested_nulls.json')?.get(label) as { columns: { type: string }[]; rows: unknown[] };
      expect(nulls.columns.map((c) => c.type), label).toEqual([native ? 'STRUCT(x JSON, y BIGINT)' : 'STRUCT(x INTEGER, y DOUBLE)']);
      expect(nulls.rows, label).toEqual([{ a: { x: null, y: 1 } }, { a: { x: null, y: 2 } }]);
      // A nested field of mixed types: JSON text on native, the import's strings on wasm.
      const mixed = seen.get('json nested_mixed.json')?.get(label) as { columns: { type: string }[]; rows: unknown[] };
      expect(mixed.columns.map((c) => c.type), label).toEqual([native ? 'STRUCT(x JSON)' : 'STRUCT(x VARCHAR)']);
      expect(mixed.rows, label).toEqual([{ a: { x: '1' } }, { a: { x: native ? '"s"' : 's' } }]);
    }
  });

  it('nested JSON numbers: the same values everywhere; their types are DuckDB-WASM\'s DOUBLE or read_json\'s BIGINT (README)', () => {
    const answers = labels.map((label) => seen.get('json nested.json')?.get(label) as { columns: { type: string }[]; rows: unknown[] });
    for (const answer of answers) expect(answer.rows).toEqual(answers[0]!.rows);
    expect(answers[0]!.rows).toEqual([{ a: { x: 1, y: [1.5, 2] }, l: [1, 2, 3] }, { a: { x: 2, y: [] }, l: [] }]);
    for (let i = 0; i < labels.length; i++) {
      const types = answers[i]!.columns.map((c) => c.type);
      expect(types, labels[i]).toEqual(labels[i] === 'native' ? ['STRUCT(x BIGINT, y DOUBLE[])', 'BIGINT[]'] : ['STRUCT(x DOUBLE, y DOUBLE[])', 'DOUBLE[]']);
    }
  });
});
