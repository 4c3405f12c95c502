/**
 * Native DuckDB results (@duckdb/node-api values, column by column) → an
 * apache-arrow Table of the same Arrow types DuckDB-WASM exports for the same
 * query. The engine then converts that Table to rows with the one mapping in
 * convert.ts, so `query()` answers the same JavaScript values on both backends
 * and `queryArrow()` the same schema.
 *
 * Arrow data is built directly (typed arrays, validity bitmaps, offsets), not
 * through Arrow's builders: one pass per column, no per-value dispatch.
 */
import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Interval,
  IntervalUnit,
  List,
  Map_,
  Null,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Time,
  TimeUnit,
  Timestamp,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Union,
  UnionMode,
  SparseUnion,
  Utf8,
  makeData,
  makeVector,
  type Data,
  type DataType,
} from 'apache-arrow';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { EngineError } from '../../errors/EngineError.js';

/** DuckDB's C API type ids (`DUCKDB_TYPE` in duckdb.h), as @duckdb/node-api reports them in `type.typeId`. */
const T = {
  BOOLEAN: 1,
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  UTINYINT: 6,
  USMALLINT: 7,
  UINTEGER: 8,
  UBIGINT: 9,
  FLOAT: 10,
  DOUBLE: 11,
  TIMESTAMP: 12,
  DATE: 13,
  TIME: 14,
  INTERVAL: 15,
  HUGEINT: 16,
  VARCHAR: 17,
  BLOB: 18,
  DECIMAL: 19,
  TIMESTAMP_S: 20,
  TIMESTAMP_MS: 21,
  TIMESTAMP_NS: 22,
  ENUM: 23,
  LIST: 24,
  STRUCT: 25,
  MAP: 26,
  UUID: 27,
  UNION: 28,
  BIT: 29,
  TIME_TZ: 30,
  TIMESTAMP_TZ: 31,
  UHUGEINT: 32,
  ARRAY: 33,
  BIGNUM: 35,
  SQLNULL: 36,
} as const;

const encoder = new TextEncoder();

/** What a native result hands over: its columns' names and types, and each chunk's columns of values. */
export interface NativeResult {
  readonly names: readonly string[];
  readonly types: readonly DuckDBType[];
  /** One entry per DuckDB data chunk (up to 2048 rows), column-major. */
  readonly chunks: readonly (readonly (readonly DuckDBValue[])[])[];
}

/**
 * A native result → an Arrow Table with one record batch per DuckDB chunk, as
 * DuckDB-WASM answers it (convert.ts decides number-or-bigint per column over
 * every batch, so the chunking matters to nothing but memory).
 */
export function nativeResultToTable({ names, types, chunks }: NativeResult, schema = nativeSchema(names, types)): Table {
  const fields = schema.fields;
  const batches = (chunks.length > 0 ? chunks : [types.map(() => [])]).map((columns) => {
    const length = columns[0]?.length ?? 0;
    const children = fields.map((field, c) => columnData(types[c]!, field.type as DataType, columns[c] ?? [], field.name));
    return new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
  });
  return new Table(schema, batches);
}

const schemas = new Map<string, Schema>();

/**
 * The Arrow schema of a result with these columns, as DuckDB-WASM exports it.
 * Kept per result shape: the same statements come back with the same columns, and
 * building the types is most of what a one-row result costs.
 */
export function nativeSchema(names: readonly string[], types: readonly DuckDBType[]): Schema {
  let key = '';
  for (let c = 0; c < names.length; c++) key += `${names[c]!.length}:${names[c]!}${String(types[c])}\u0000`;
  let schema = schemas.get(key);
  if (schema === undefined) {
    schema = new Schema(types.map((type, c) => new Field(names[c]!, arrowTypeOf(type, names[c]!), true)));
    if (schemas.size >= 1000) schemas.clear();
    schemas.set(key, schema);
  }
  return schema;
}

function arrowTypeOf(type: DuckDBType, name: string): DataType {
  try {
    return arrowType(type);
  } catch (error) {
    if (error instanceof EngineError) throw new EngineError(`column "${name}": ${error.message}`, { cause: error });
    throw error;
  }
}

/** The Arrow type DuckDB-WASM exports for `type` (see the header). */
function arrowType(type: DuckDBType): DataType {
  const t = type as DuckDBType & Record<string, unknown>;
  switch (type.typeId as number) {
    case T.BOOLEAN:
      return new Bool();
    case T.TINYINT:
      return new Int8();
    case T.SMALLINT:
      return new Int16();
    case T.INTEGER:
      return new Int32();
    case T.BIGINT:
      return new Int64();
    case T.UTINYINT:
      return new Uint8();
    case T.USMALLINT:
      return new Uint16();
    case T.UINTEGER:
      return new Uint32();
    case T.UBIGINT:
      return new Uint64();
    case T.FLOAT:
      return new Float32();
    case T.DOUBLE:
      return new Float64();
    case T.HUGEINT:
      return new Decimal(0, 38, 128);
    case T.UHUGEINT:
      return new FixedSizeBinary(16);
    case T.DECIMAL:
      return new Decimal(t['scale'] as number, t['width'] as number, 128);
    case T.VARCHAR:
    case T.UUID:
    case T.TIME_TZ:
    case T.BIGNUM:
      return new Utf8();
    case T.BLOB:
    case T.BIT:
      return new Binary();
    case T.DATE:
      return new DateDay();
    case T.TIMESTAMP:
      return new Timestamp(TimeUnit.MICROSECOND);
    case T.TIMESTAMP_TZ:
      return new Timestamp(TimeUnit.MICROSECOND, 'UTC');
    case T.TIMESTAMP_S:
      return new Timestamp(TimeUnit.SECOND);
    case T.TIMESTAMP_MS:
      return new Timestamp(TimeUnit.MILLISECOND);
    case T.TIMESTAMP_NS:
      return new Timestamp(TimeUnit.NANOSECOND);
    case T.TIME:
      return new Time(TimeUnit.MICROSECOND, 64);
    case T.INTERVAL:
      return new Interval(IntervalUnit.MONTH_DAY_NANO);
    case T.ENUM: {
      // DuckDB's own index width: the smallest unsigned integer that numbers every value.
      const size = (t['values'] as readonly string[]).length;
      return new Dictionary(new Utf8(), size <= 0xff ? new Uint8() : size <= 0xffff ? new Uint16() : new Uint32());
    }
    case T.LIST:
      return new List(new Field('l', arrowType(t['valueType'] as DuckDBType), true));
    case T.ARRAY:
      return new FixedSizeList(t['length'] as number, new Field('l', arrowType(t['valueType'] as DuckDBType), true));
    case T.STRUCT: {
      const names = t['entryNames'] as readonly string[];
      const types = t['entryTypes'] as readonly DuckDBType[];
      return new Struct(names.map((name, i) => new Field(name, arrowType(types[i]!), true)));
    }
    case T.MAP: {
      const entries = new Struct([
        new Field('key', arrowType(t['keyType'] as DuckDBType), false),
        new Field('value', arrowType(t['valueType'] as DuckDBType), true),
      ]);
      return new Map_(new Field('entries', entries, false));
    }
    case T.UNION: {
      const tags = t['memberTags'] as readonly string[];
      const members = t['memberTypes'] as readonly DuckDBType[];
      return new Union(
        UnionMode.Sparse,
        tags.map((_, i) => i),
        tags.map((tag, i) => new Field(tag, arrowType(members[i]!), true)),
      );
    }
    case T.SQLNULL:
      return new Null();
    default:
      throw new EngineError(
        `the native backend cannot return a column of type ${type.toString()}: cast it in the query (e.g. ::VARCHAR), or use backend 'wasm'`,
      );
  }
}

function columnData(type: DuckDBType, arrow: DataType, values: readonly DuckDBValue[], name: string): Data {
  try {
    return dataOf(type, arrow, values);
  } catch (error) {
    if (error instanceof EngineError) throw new EngineError(`column "${name}": ${error.message}`, { cause: error });
    throw error;
  }
}

/** Builds the Arrow data of one column (or a nested child) from its native values. */
function dataOf(type: DuckDBType, arrow: DataType, values: readonly DuckDBValue[]): Data {
  const length = values.length;
  const { nullBitmap, nullCount } = validity(values);
  const t = type as DuckDBType & Record<string, unknown>;
  const id = type.typeId as number;
  const base = { type: arrow, length, nullCount, nullBitmap } as const;
  switch (id) {
    case T.SQLNULL:
      return makeData({ type: arrow as Null, length, nullCount: length });
    case T.BOOLEAN: {
      const bits = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) bits[i >> 3]! |= 1 << (i & 7);
      return makeData({ ...base, type: arrow as Bool, data: bits });
    }
    case T.TINYINT:
    case T.SMALLINT:
    case T.INTEGER:
    case T.UTINYINT:
    case T.USMALLINT:
    case T.UINTEGER:
    case T.FLOAT:
    case T.DOUBLE: {
      const Ctor = (arrow as unknown as { ArrayType: new (n: number) => { [i: number]: number } }).ArrayType;
      const out = new Ctor(length);
      for (let i = 0; i < length; i++) out[i] = (values[i] as number | null) ?? 0;
      return makeData({ ...base, type: arrow as Int32, data: out as unknown as Int32Array });
    }
    case T.BIGINT:
    case T.UBIGINT: {
      const out = id === T.BIGINT ? new BigInt64Array(length) : new BigUint64Array(length);
      for (let i = 0; i < length; i++) out[i] = (values[i] as bigint | null) ?? 0n;
      return makeData({ ...base, type: arrow as Int64, data: out as unknown as BigInt64Array });
    }
    case T.HUGEINT:
    case T.DECIMAL: {
      const words = new Uint32Array(length * 4);
      for (let i = 0; i < length; i++) {
        const v = values[i] as { value: bigint } | bigint | null;
        if (v !== null) writeInt128(words, i, typeof v === 'bigint' ? v : v.value);
      }
      return makeData({ ...base, type: arrow as Decimal, data: words });
    }
    case T.UHUGEINT: {
      const bytes = new Uint8Array(length * 16);
      const words = new Uint32Array(bytes.buffer);
      for (let i = 0; i < length; i++) {
        const v = values[i] as bigint | null;
        if (v !== null) writeInt128(words, i, v);
      }
      return makeData({ ...base, type: arrow as FixedSizeBinary, data: bytes });
    }
    case T.VARCHAR:
    case T.UUID:
    case T.TIME_TZ:
    case T.BIGNUM:
      return variableWidth(base, values, (v) => encoder.encode(typeof v === 'string' ? v : String(v)));
    case T.BLOB:
      return variableWidth(base, values, (v) => (v as { bytes: Uint8Array }).bytes);
    case T.BIT:
      return variableWidth(base, values, (v) => (v as { data: Uint8Array }).data);
    case T.DATE: {
      const out = new Int32Array(length);
      for (let i = 0; i < length; i++) out[i] = (values[i] as { days: number } | null)?.days ?? 0;
      return makeData({ ...base, type: arrow as DateDay, data: out });
    }
    case T.TIMESTAMP:
    case T.TIMESTAMP_TZ:
    case T.TIME:
      return int64Data(base, values, (v) => (v as { micros: bigint }).micros);
    case T.TIMESTAMP_S:
      return int64Data(base, values, (v) => (v as { seconds: bigint }).seconds);
    case T.TIMESTAMP_MS:
      return int64Data(base, values, (v) => (v as { millis: bigint }).millis);
    case T.TIMESTAMP_NS:
      return int64Data(base, values, (v) => (v as { nanos: bigint }).nanos);
    case T.INTERVAL: {
      // MONTH_DAY_NANO: int32 months, int32 days, int64 nanoseconds.
      const buffer = new ArrayBuffer(length * 16);
      const words = new Int32Array(buffer);
      const nanos = new BigInt64Array(buffer);
      for (let i = 0; i < length; i++) {
        const v = values[i] as { months: number; days: number; micros: bigint } | null;
        if (v === null) continue;
        words[i * 4] = v.months;
        words[i * 4 + 1] = v.days;
        nanos[i * 2 + 1] = v.micros * 1000n;
      }
      return makeData({ ...base, type: arrow as Interval, data: words });
    }
    case T.ENUM: {
      const dictionaryValues = t['values'] as readonly string[];
      const indexes = t['valueIndexes'] as Readonly<Record<string, number>>;
      const keys = new (arrow as Dictionary<Utf8, Uint32>).indices.ArrayType(length);
      for (let i = 0; i < length; i++) {
        const v = values[i] as string | null;
        if (v !== null) keys[i] = indexes[v]!;
      }
      const dictionary = variableWidth(
        { type: new Utf8(), length: dictionaryValues.length, nullCount: 0, nullBitmap: undefined },
        dictionaryValues,
        (v) => encoder.encode(v as string),
      );
      const type = arrow as Dictionary<Utf8, Uint32>;
      return makeData({ type, length, nullCount, nullBitmap, data: keys, dictionary: makeVector(dictionary as Data<Utf8>) });
    }
    case T.LIST:
    case T.ARRAY: {
      const childType = t['valueType'] as DuckDBType;
      const childArrow = (arrow as List | FixedSizeList).children[0]!.type as DataType;
      const flat: DuckDBValue[] = [];
      const offsets = new Int32Array(length + 1);
      for (let i = 0; i < length; i++) {
        const v = values[i] as { items: readonly DuckDBValue[] } | null;
        if (v !== null) for (const item of v.items) flat.push(item);
        else if (id === T.ARRAY) for (let k = 0; k < (t['length'] as number); k++) flat.push(null);
        offsets[i + 1] = flat.length;
      }
      const child = dataOf(childType, childArrow, flat);
      if (id === T.ARRAY) return makeData({ ...base, type: arrow as FixedSizeList, child });
      return makeData({ ...base, type: arrow as List, valueOffsets: offsets, child });
    }
    case T.STRUCT: {
      const names = t['entryNames'] as readonly string[];
      const types = t['entryTypes'] as readonly DuckDBType[];
      const fields = (arrow as Struct).children;
      const children = names.map((entry, c) => {
        const column = values.map((v) => (v === null ? null : ((v as { entries: Record<string, DuckDBValue> }).entries[entry] ?? null)));
        return dataOf(types[c]!, fields[c]!.type as DataType, column);
      });
      return makeData({ ...base, type: arrow as Struct, children });
    }
    case T.MAP: {
      const keyType = t['keyType'] as DuckDBType;
      const valueType = t['valueType'] as DuckDBType;
      const entriesType = (arrow as Map_).children[0]!.type as Struct;
      const keys: DuckDBValue[] = [];
      const items: DuckDBValue[] = [];
      const offsets = new Int32Array(length + 1);
      for (let i = 0; i < length; i++) {
        const v = values[i] as { entries: readonly { key: DuckDBValue; value: DuckDBValue }[] } | null;
        if (v !== null) {
          for (const entry of v.entries) {
            keys.push(entry.key);
            items.push(entry.value);
          }
        }
        offsets[i + 1] = keys.length;
      }
      const entries = makeData({
        type: entriesType,
        length: keys.length,
        nullCount: 0,
        children: [
          dataOf(keyType, entriesType.children[0]!.type as DataType, keys),
          dataOf(valueType, entriesType.children[1]!.type as DataType, items),
        ],
      });
      return makeData({ ...base, type: arrow as Map_, valueOffsets: offsets, child: entries });
    }
    case T.UNION: {
      // Sparse, as DuckDB exports it: every member a full-length child, the tag picks one; a NULL is member 0's null.
      const tags = t['memberTags'] as readonly string[];
      const members = t['memberTypes'] as readonly DuckDBType[];
      const typeIds = new Int8Array(length);
      const columns = tags.map(() => new Array<DuckDBValue>(length).fill(null));
      for (let i = 0; i < length; i++) {
        const v = values[i] as { tag: string; value: DuckDBValue } | null;
        if (v === null) continue;
        const member = tags.indexOf(v.tag);
        typeIds[i] = member;
        columns[member]![i] = v.value;
      }
      const fields = (arrow as Union).children;
      const children = tags.map((_, m) => dataOf(members[m]!, fields[m]!.type as DataType, columns[m]!));
      return makeData({ type: arrow as SparseUnion, length, nullCount: 0, typeIds, children });
    }
    default:
      // arrowType has refused every other type already.
      throw new EngineError(`the native backend cannot return a column of type ${type.toString()}`);
  }
}

interface BaseData {
  type: DataType;
  length: number;
  nullCount: number;
  nullBitmap: Uint8Array | undefined;
}

function validity(values: readonly unknown[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === null) nullCount++;
  if (nullCount === 0) return { nullBitmap: undefined, nullCount };
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) if (values[i] !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  return { nullBitmap: bitmap, nullCount };
}

function int64Data(base: BaseData, values: readonly DuckDBValue[], read: (v: DuckDBValue) => bigint): Data {
  const out = new BigInt64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) out[i] = read(v);
  }
  return makeData({ ...base, type: base.type as Int64, data: out });
}

function variableWidth(base: BaseData, values: readonly unknown[], bytesOf: (v: unknown) => Uint8Array): Data {
  const parts: Uint8Array[] = new Array<Uint8Array>(base.length);
  const offsets = new Int32Array(base.length + 1);
  let total = 0;
  for (let i = 0; i < base.length; i++) {
    const v = values[i];
    const bytes = v === null || v === undefined ? EMPTY : bytesOf(v);
    parts[i] = bytes;
    total += bytes.length;
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < base.length; i++) data.set(parts[i]!, offsets[i]!);
  return makeData({ ...base, type: base.type as Utf8, valueOffsets: offsets, data });
}

const EMPTY = new Uint8Array(0);
const MASK32 = 0xffffffffn;

/** Writes `value` as a little-endian two's-complement 128-bit integer at slot `i` (4 words). */
function writeInt128(words: Uint32Array, i: number, value: bigint): void {
  let v = BigInt.asUintN(128, value);
  for (let w = 0; w < 4; w++) {
    words[i * 4 + w] = Number(v & MASK32);
    v >>= 32n;
  }
}
