/**
 * Loading into native DuckDB: an Arrow Table (what `loadData` builds from column
 * arrays, or is given) → `CREATE TABLE` with the matching DuckDB types, then
 * DuckDB's appender, one typed append per value. (Row objects skip Arrow: see
 * nativeColumns.ts.) Native DuckDB has no Arrow
 * IPC reader of its own (no arrow extension is built in), so this is the path.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import { Type, type DataType, type Schema, type Table, type Vector } from 'apache-arrow';
import { ValidationError } from '../../errors/ValidationError.js';
import { quoteIdentifier } from '../sql.js';

type NodeApi = typeof import('@duckdb/node-api');

/** The DuckDB column type for an Arrow type, or a ValidationError naming the column. */
function duckdbType(type: DataType, column: string): string {
  const t = type as DataType & { bitWidth?: number; isSigned?: boolean; precision?: number; scale?: number; unit?: number };
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
      return 'VARCHAR';
    case Type.Binary:
    case Type.LargeBinary:
      return 'BLOB';
    case Type.Date:
      return 'DATE';
    case Type.Timestamp:
      return 'TIMESTAMP';
    case Type.Dictionary:
      return 'VARCHAR';
    default:
      throw new ValidationError(
        `column "${column}" has Arrow type ${String(type)}, which the native backend cannot load yet; load it as text or flat columns, or use backend 'wasm'`,
        { issues: [{ path: column, message: `unsupported type ${String(type)}` }] },
      );
  }
}

/** `CREATE TABLE name (…)` for `schema`. */
export function createTableSql(name: string, schema: Schema): string {
  const columns = schema.fields.map((f) => `${quoteIdentifier(f.name)} ${duckdbType(f.type as DataType, f.name)}`);
  return `CREATE TABLE ${quoteIdentifier(name)} (${columns.join(', ')})`;
}

type Append = (index: number) => void;

/** Appends every row of `table` through `appender` (the caller flushes and closes it). */
export function appendArrowTable(api: NodeApi, appender: DuckDBAppender, table: Table): void {
  const columns = table.schema.fields.map((field, c) => appendFor(api, appender, table.getChildAt(c)!, field.type as DataType, field.name));
  const rows = table.numRows;
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < columns.length; c++) columns[c]!(i);
    appender.endRow();
  }
}

function appendFor(api: NodeApi, appender: DuckDBAppender, vector: Vector, type: DataType, column: string): Append {
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
  const t = type as DataType & { bitWidth?: number; isSigned?: boolean; precision?: number; unit?: number; scale?: number };
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
      // The raw 64-bit values keep full precision; Arrow's getters would round them to milliseconds.
      const raw = new BigInt64Array(vector.length);
      let at = 0;
      for (const d of vector.data) {
        const v = d.values as ArrayBufferView;
        raw.set(new BigInt64Array(v.buffer, v.byteOffset, v.byteLength >> 3).subarray(d.offset, d.offset + d.length), at);
        at += d.length;
      }
      const perMicro: Record<number, [bigint, bigint]> = { 0: [1_000_000n, 1n], 1: [1000n, 1n], 2: [1n, 1n], 3: [1n, 1000n] };
      const [mul, div] = perMicro[t.unit!]!;
      return (i) => {
        if (hasNulls && vector.get(i) === null) appender.appendNull();
        else appender.appendTimestamp(new api.DuckDBTimestampValue((raw[i]! * mul) / div));
      };
    }
    default:
      // createTableSql refused every other type before anything was appended.
      throw new ValidationError(`column "${column}": unsupported type ${String(type)}`, { issues: [{ path: column, message: 'unsupported type' }] });
  }
}

/** Arrow's Decimal getter answers the 128-bit words; read them as a signed bigint. */
function decimalUnscaled(words: ArrayLike<number>): bigint {
  let value = 0n;
  for (let w = 3; w >= 0; w--) value = (value << 32n) | BigInt(words[w]! >>> 0);
  return BigInt.asIntN(128, value);
}
