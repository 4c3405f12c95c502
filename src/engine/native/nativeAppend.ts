/**
 * Loading into native DuckDB: an Arrow Table (what `loadData` builds from column
 * arrays, or is given, or `loadFile` read from Arrow IPC) → `CREATE TABLE` with
 * the types DuckDB-WASM's Arrow insert gives, then DuckDB's appender: a typed
 * append per value for flat columns, `appendValue` against the column's type for
 * nested ones and the rarer types (arrowToNative.ts). (Row objects skip Arrow:
 * see nativeColumns.ts.) Native DuckDB has no Arrow IPC reader of its own (no
 * arrow extension is built in), so this is the path.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import { Type, type Data, type DataType, type Schema, type Table, type Vector } from 'apache-arrow';
import { quoteIdentifier } from '../sql.js';
import { decimalUnscaled, nativeReader, unsupported } from './arrowToNative.js';

type NodeApi = typeof import('@duckdb/node-api');

/**
 * The DuckDB column type for an Arrow type: the type DuckDB-WASM's Arrow insert
 * gives the same column, so a table loaded from Arrow has the same columns on
 * every backend. A ValidationError naming the column for a type neither loads.
 */
function duckdbType(type: DataType, column: string): string {
  const t = type as DataType & { bitWidth?: number; isSigned?: boolean; precision?: number; scale?: number; unit?: number; timezone?: string | null; listSize?: number };
  switch (type.typeId) {
    case Type.Bool:
      return 'BOOLEAN';
    case Type.Int: {
      const names: Record<number, [string, string]> = { 8: ['TINYINT', 'UTINYINT'], 16: ['SMALLINT', 'USMALLINT'], 32: ['INTEGER', 'UINTEGER'], 64: ['BIGINT', 'UBIGINT'] };
      return names[t.bitWidth!]![t.isSigned ? 0 : 1];
    }
    case Type.Float:
      return t.precision === 2 ? 'DOUBLE' : 'FLOAT';
    case Type.Decimal:
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary:
      return 'VARCHAR';
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'BLOB';
    case Type.Date:
      return 'DATE';
    case Type.Timestamp:
      // SECOND, MILLISECOND, MICROSECOND, NANOSECOND; any zone makes an instant.
      return t.timezone ? 'TIMESTAMPTZ' : ['TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP', 'TIMESTAMP_NS'][t.unit!]!;
    case Type.Time:
      return 'TIME';
    case Type.Null:
      // What DuckDB's Arrow reader makes of a column of nulls.
      return 'INTEGER';
    case Type.List:
      return `${duckdbType(type.children[0]!.type as DataType, column)}[]`;
    case Type.FixedSizeList:
      return `${duckdbType(type.children[0]!.type as DataType, column)}[${t.listSize!}]`;
    case Type.Struct: {
      if (type.children.length === 0) throw unsupported(column, type);
      return `STRUCT(${type.children.map((f) => `${quoteIdentifier(f.name)} ${duckdbType(f.type as DataType, column)}`).join(', ')})`;
    }
    case Type.Map: {
      const [key, value] = (type.children[0]!.type as DataType).children;
      return `MAP(${duckdbType(key!.type as DataType, column)}, ${duckdbType(value!.type as DataType, column)})`;
    }
    case Type.Union:
      return `UNION(${type.children.map((f) => `${quoteIdentifier(f.name)} ${duckdbType(f.type as DataType, column)}`).join(', ')})`;
    case Type.Interval:
      return 'INTERVAL';
    default:
      throw unsupported(column, type);
  }
}

/** `CREATE TABLE name (…)` for `schema`. */
export function createTableSql(name: string, schema: Schema): string {
  const columns = schema.fields.map((f) => `${quoteIdentifier(f.name)} ${duckdbType(f.type as DataType, f.name)}`);
  return `CREATE TABLE ${quoteIdentifier(name)} (${columns.join(', ')})`;
}

type Append = (index: number) => void;

/** Arrow types with a typed append below; every other type goes through `appendValue`. */
const FAST: ReadonlySet<Type> = new Set([Type.Bool, Type.Int, Type.Float, Type.Decimal, Type.Utf8, Type.LargeUtf8, Type.Dictionary, Type.Binary, Type.LargeBinary, Type.Date, Type.Timestamp]);

/** Appends every row of `table` through `appender` (the caller flushes and closes it). */
export function appendArrowTable(api: NodeApi, appender: DuckDBAppender, table: Table): void {
  const columns = table.schema.fields.map((field, c) => appendFor(api, appender, c, table.getChildAt(c)!, field.type as DataType, field.name));
  const rows = table.numRows;
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < columns.length; c++) columns[c]!(i);
    appender.endRow();
  }
}

function appendFor(api: NodeApi, appender: DuckDBAppender, columnIndex: number, vector: Vector, type: DataType, column: string): Append {
  // Nested columns, times, timestamps of other units or zones, nulls: DuckDB builds each value against the column's type.
  const generic = (): Append => {
    const columnType = appender.columnType(columnIndex);
    const chunks = vector.data.map((d) => ({ read: nativeReader(api, d as Data, column), length: d.length }));
    let chunk = 0;
    let start = 0;
    // Rows are appended in order, so the chunk only ever moves forward.
    return (i) => {
      while (i >= start + chunks[chunk]!.length) start += chunks[chunk++]!.length;
      appender.appendValue(chunks[chunk]!.read(i - start), columnType);
    };
  };
  if (!FAST.has(type.typeId)) return generic();
  const values = vector.toArray() as ArrayLike<unknown>;
  const hasNulls = vector.nullCount > 0;
  const orNull = (write: (v: never) => void): Append =>
    hasNulls
      ? (i) => {
          const v = vector.get(i);
          if (v === null) appender.appendNull();
          else write(v as never);
        }
      : (i) => write(vector.get(i) as never);
  const t = type as DataType & { bitWidth?: number; isSigned?: boolean; precision?: number; unit?: number; scale?: number; timezone?: string | null };
  switch (type.typeId) {
    case Type.Bool:
      return orNull((v: boolean) => appender.appendBoolean(v));
    case Type.Int: {
      if (t.bitWidth === 64) {
        const write = t.isSigned ? (v: bigint) => appender.appendBigInt(v) : (v: bigint) => appender.appendUBigInt(v);
        return orNull(write);
      }
      // Typed-array reads are the fast path for the common case: no nulls, 32-bit or narrower.
      if (!hasNulls && t.isSigned && t.bitWidth === 32) return (i) => appender.appendInteger(values[i] as number);
      const writers: Record<number, (v: number) => void> = t.isSigned
        ? { 8: (v) => appender.appendTinyInt(v), 16: (v) => appender.appendSmallInt(v), 32: (v) => appender.appendInteger(v) }
        : { 8: (v) => appender.appendUTinyInt(v), 16: (v) => appender.appendUSmallInt(v), 32: (v) => appender.appendUInteger(v) };
      return orNull(writers[t.bitWidth!]!);
    }
    case Type.Float:
      if (!hasNulls && t.precision === 2) return (i) => appender.appendDouble(values[i] as number);
      return orNull(t.precision === 2 ? (v: number) => appender.appendDouble(v) : (v: number) => appender.appendFloat(v));
    case Type.Decimal: {
      const scale = t.scale!;
      const width = t.precision!;
      return orNull((v: { valueOf(): unknown } & ArrayLike<number>) =>
        appender.appendDecimal(new api.DuckDBDecimalValue(decimalUnscaled(v), width, scale)),
      );
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary:
      return orNull((v: string) => appender.appendVarchar(String(v)));
    case Type.Binary:
    case Type.LargeBinary:
      return orNull((v: Uint8Array) => appender.appendBlob(v));
    case Type.Date:
      // Arrow's Date getters answer milliseconds since the epoch.
      return orNull((v: number | Date) => appender.appendDate(new api.DuckDBDateValue(Math.floor(Number(v) / 86_400_000))));
    case Type.Timestamp: {
      if (t.timezone || t.unit !== 2) return generic();
      // The raw 64-bit values keep full precision; Arrow's getters would round them to milliseconds.
      const raw = new BigInt64Array(vector.length);
      let at = 0;
      // A sliced chunk's values are sliced already (its offset counts only in the validity bitmap).
      for (const d of vector.data) {
        raw.set((d.values as BigInt64Array).subarray(0, d.length), at);
        at += d.length;
      }
      return (i) => {
        if (hasNulls && vector.get(i) === null) appender.appendNull();
        else appender.appendTimestamp(new api.DuckDBTimestampValue(raw[i]!));
      };
    }
    default:
      return generic();
  }
}
