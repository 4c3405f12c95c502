/**
 * Arrow data → @duckdb/node-api values, for the columns the native appender
 * has no typed fast path for: nested columns (LIST, fixed-size LIST, STRUCT,
 * MAP, at any depth), sparse UNIONs, year-month INTERVALs, TIME, timestamps of
 * every unit and zone, and NULL columns.
 * The appender's own `appendValue(value, columnType)` then builds DuckDB's
 * value from it against the table's column type (the mirror of nativeToArrow.ts,
 * which reads native results into Arrow).
 *
 * Leaves are read with Arrow's own getters, except timestamps and times, whose
 * raw 64-bit values keep the precision the getters round to milliseconds.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { Type, makeVector, type Data, type DataType, type Decimal, type FixedSizeList, type Struct, type Time, type Timestamp, type Union } from 'apache-arrow';
import { ValidationError } from '../../errors/ValidationError.js';

type NodeApi = typeof import('@duckdb/node-api');

/** Reads row `i` of one Arrow Data (a chunk of a column, or a nested child) as a DuckDB value. */
type Read = (i: number) => DuckDBValue;

/** Units per microsecond of Arrow's TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND): [multiply, divide]. */
const TO_MICROS: Readonly<Record<number, readonly [bigint, bigint]>> = { 0: [1_000_000n, 1n], 1: [1000n, 1n], 2: [1n, 1n], 3: [1n, 1000n] };

/** A reader of `data`'s rows as DuckDB values; a ValidationError naming `column` for a type the native backend cannot load. */
export function nativeReader(api: NodeApi, data: Data, column: string): Read {
  const type = data.type as DataType;
  const valid = (i: number) => data.getValid(i);
  switch (type.typeId) {
    case Type.Null:
      return () => null;
    case Type.Timestamp: {
      const { unit, timezone } = type as Timestamp;
      const raw = data.values as BigInt64Array;
      // Zoned timestamps are instants in microseconds (TIMESTAMPTZ); plain ones keep their unit, as DuckDB's Arrow reader does.
      if (timezone) {
        const [mul, div] = TO_MICROS[unit]!;
        return (i) => (valid(i) ? new api.DuckDBTimestampTZValue((raw[i]! * mul) / div) : null);
      }
      const make: Record<number, (v: bigint) => DuckDBValue> = {
        0: (v) => new api.DuckDBTimestampSecondsValue(v),
        1: (v) => new api.DuckDBTimestampMillisecondsValue(v),
        2: (v) => new api.DuckDBTimestampValue(v),
        3: (v) => new api.DuckDBTimestampNanosecondsValue(v),
      };
      const of = make[unit]!;
      return (i) => (valid(i) ? of(raw[i]!) : null);
    }
    case Type.Time: {
      const { unit } = type as Time;
      const raw = data.values as Int32Array | BigInt64Array;
      const [mul, div] = TO_MICROS[unit]!;
      return (i) => (valid(i) ? new api.DuckDBTimeValue((BigInt(raw[i]!) * mul) / div) : null);
    }
    case Type.List:
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0]!;
      if (type.typeId === Type.Map) {
        const key = nativeReader(api, child.children[0]!, column);
        const value = nativeReader(api, child.children[1]!, column);
        return (i) => {
          if (!valid(i)) return null;
          const entries = [];
          for (let k = offsets[i]!, end = offsets[i + 1]!; k < end; k++) entries.push({ key: key(k), value: value(k) });
          return new api.DuckDBMapValue(entries);
        };
      }
      const item = nativeReader(api, child, column);
      return (i) => {
        if (!valid(i)) return null;
        const items: DuckDBValue[] = [];
        for (let k = offsets[i]!, end = offsets[i + 1]!; k < end; k++) items.push(item(k));
        return new api.DuckDBListValue(items);
      };
    }
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      const item = nativeReader(api, data.children[0]!, column);
      return (i) => {
        if (!valid(i)) return null;
        const items: DuckDBValue[] = [];
        for (let k = 0; k < size; k++) items.push(item(i * size + k));
        return new api.DuckDBArrayValue(items);
      };
    }
    case Type.Struct: {
      const names = (type as Struct).children.map((f) => f.name);
      const fields = data.children.map((child) => nativeReader(api, child, column));
      return (i) => {
        if (!valid(i)) return null;
        const entries: Record<string, DuckDBValue> = {};
        for (let f = 0; f < names.length; f++) entries[names[f]!] = fields[f]!(i);
        return new api.DuckDBStructValue(entries);
      };
    }
    case Type.Union: {
      // Sparse only (checkArrowSchema refuses dense unions): every member has a value at every row, the type id says which counts.
      const { typeIds, children } = type as Union;
      const members = new Map<number, { tag: string; read: Read }>();
      typeIds.forEach((id, c) => members.set(id, { tag: children[c]!.name, read: nativeReader(api, data.children[c]!, column) }));
      const ids = data.typeIds;
      return (i) => {
        const member = members.get(ids[i]!)!;
        const value = member.read(i);
        // A null member is a null union, as DuckDB-WASM's Arrow reader reads it.
        return value === null ? null : new api.DuckDBUnionValue(member.tag, value);
      };
    }
    case Type.Interval: {
      // Year-month only (checkArrowSchema refuses day-time): months, as DuckDB-WASM's Arrow reader reads them.
      const months = data.values as Int32Array;
      return (i) => (valid(i) ? new api.DuckDBIntervalValue(months[i]!, 0, 0n) : null);
    }
    default:
      return leafReader(api, data, type, column);
  }
}

/** Leaves read through Arrow's getters (they answer null for invalid rows). */
function leafReader(api: NodeApi, data: Data, type: DataType, column: string): Read {
  const vector = makeVector(data);
  switch (type.typeId) {
    case Type.Bool:
    case Type.Int:
    case Type.Float:
    case Type.Utf8:
    case Type.LargeUtf8:
      return (i) => vector.get(i) as DuckDBValue;
    case Type.Dictionary:
      return (i) => {
        const v: unknown = vector.get(i);
        return v === null ? null : String(v);
      };
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return (i) => {
        const v = vector.get(i) as Uint8Array | null;
        return v === null ? null : new api.DuckDBBlobValue(v);
      };
    case Type.Decimal: {
      const { precision, scale } = type as Decimal;
      return (i) => {
        const v = vector.get(i) as ArrayLike<number> | null;
        return v === null ? null : new api.DuckDBDecimalValue(decimalUnscaled(v), precision, scale);
      };
    }
    case Type.Date:
      // Arrow's Date getters answer milliseconds since the epoch.
      return (i) => {
        const v = vector.get(i) as number | Date | null;
        return v === null ? null : new api.DuckDBDateValue(Math.floor(Number(v) / 86_400_000));
      };
    default:
      throw unsupported(column, type);
  }
}

/** Arrow's Decimal getter answers the 128-bit words; read them as a signed bigint. */
export function decimalUnscaled(words: ArrayLike<number>): bigint {
  let value = 0n;
  for (let w = 3; w >= 0; w--) value = (value << 32n) | BigInt(words[w]! >>> 0);
  return BigInt.asIntN(128, value);
}

export function unsupported(column: string, type: DataType): ValidationError {
  return new ValidationError(
    `column "${column}" has Arrow type ${String(type)}, which the native backend cannot load; cast it to a supported type first (e.g. a string), or use backend 'wasm'`,
    { issues: [{ path: column, message: `unsupported type ${String(type)}` }] },
  );
}
