/**
 * Arrow results → plain row objects, one record batch at a time: each column's
 * chunk is read with typed-array access (no per-row proxies, no per-value `get`),
 * then that batch's rows are built. The JS types chosen for DuckDB types:
 *
 * | DuckDB                               | JS                                                    |
 * |--------------------------------------|-------------------------------------------------------|
 * | NULL (any type)                      | `null`                                                |
 * | BOOLEAN                              | `boolean`                                             |
 * | TINYINT…INTEGER, UTINYINT…UINTEGER   | `number`                                              |
 * | FLOAT, DOUBLE                        | `number`                                              |
 * | BIGINT, UBIGINT, HUGEINT, DECIMAL(p,0)| `number` if every value of the column in this result is a safe integer, else the whole column is `bigint` (`int64: 'bigint'`: always `bigint`) |
 * | DECIMAL(p,s), s > 0                  | `number` (the nearest double) if every unscaled value is below 2^53, else the whole column is `string` with exact digits (`int64: 'bigint'`: always `string`) |
 * | VARCHAR, UUID, ENUM, JSON            | `string`                                              |
 * | DATE                                 | `Date` at UTC midnight                                |
 * | TIMESTAMP[_S/_MS/_NS], TIMESTAMPTZ   | `Date` (millisecond precision)                        |
 * | TIME                                 | `string` `HH:MM:SS[.ffffff]`                          |
 * | INTERVAL                             | `{ months, days, micros }` (numbers)                  |
 * | BLOB, BIT                            | `Uint8Array` (a copy)                                 |
 * | LIST, ARRAY                          | array of converted values                             |
 * | STRUCT                               | object of converted fields                            |
 * | MAP                                  | `Map` (keys may be any type)                          |
 * | UNION                                | the converted value of the active member              |
 */
import { DataType, makeVector, Type, type Data, type Field, type Schema, type Table, type Vector } from 'apache-arrow';
import type { ColumnInfo, Int64Mode } from './types.js';

const TWO_32 = 4294967296;
const MS_PER_DAY = 86_400_000;
const decoder = new TextDecoder();

/**
 * How a column's 64-bit and decimal values come out: `number` when every value of
 * the column fits a double exactly, `bigint` (or exact strings for scaled decimals)
 * otherwise. Decided once per column, over all its chunks, so one column never
 * mixes the two.
 */
type Wide = 'number' | 'bigint';

/** What the chunks of one column share while they are converted. */
interface ColumnState {
  readonly wide: Wide;
  readonly strings: ShortStringInterner;
}

function columnState(chunks: readonly Data[], int64: Int64Mode): ColumnState {
  return { wide: wideOf(chunks, int64), strings: new ShortStringInterner() };
}

function wideOf(chunks: readonly Data[], int64: Int64Mode): Wide {
  return int64 === 'auto' && chunks.every(fitsNumber) ? 'number' : 'bigint';
}

/**
 * Converts every row of `table` to an object keyed by column name. Works one
 * record batch at a time: each column's chunk is converted into a scratch array
 * reused across batches, then that batch's rows are built, so no full-length
 * intermediate column is ever allocated.
 */
export function tableToRows<T = Record<string, unknown>>(table: Table, int64: Int64Mode = 'auto'): T[] {
  const fields = table.schema.fields;
  const width = fields.length;
  const rows = new Array<T>(table.numRows);
  const build = rowBuilder(fields.map((f) => f.name));
  const states = fields.map((_, c) => columnState(table.getChildAt(c)!.data, int64));
  const scratch = fields.map(() => [] as unknown[]);
  let base = 0;
  for (const batch of table.data) {
    const n = batch.length;
    for (let c = 0; c < width; c++) convertData(batch.children[c]!, int64, scratch[c], 0, states[c]);
    build(scratch, n, rows, base);
    base += n;
  }
  return rows;
}

/** Rows from columns of JS values already converted (`columns[c][i]` is row i's value of column c). */
export function rowsOfColumns<T = Record<string, unknown>>(names: readonly string[], columns: readonly unknown[][], n: number): T[] {
  const rows = new Array<T>(n);
  rowBuilder(names)(columns, n, rows, 0);
  return rows;
}

/** Converts one column (all chunks) to an array of JS values. */
export function convertVector(vector: Vector, int64: Int64Mode = 'auto'): unknown[] {
  const out = new Array<unknown>(vector.length);
  const state = columnState(vector.data, int64);
  let base = 0;
  for (const data of vector.data) {
    convertData(data, int64, out, base, state);
    base += data.length;
  }
  return out;
}

/** Writes rows[base + i] for i < n from columns[c][i]. */
type RowBuilder = (columns: readonly unknown[][], n: number, rows: unknown[], base: number) => void;
const builders = new Map<string, RowBuilder>();

/**
 * A function building each row as one object literal with the result's keys, so
 * every row shares one hidden class (keyed assignment in a loop is several times
 * slower). Keyed assignment is used where code generation is unavailable (a CSP
 * without 'unsafe-eval') or a key would change the prototype.
 */
function rowBuilder(names: readonly string[]): RowBuilder {
  const key = JSON.stringify(names);
  let build = builders.get(key);
  if (build !== undefined) return build;
  build = generatedRowBuilder(names) ?? keyedRowBuilder(names);
  if (builders.size > 1000) builders.clear();
  builders.set(key, build);
  return build;
}

function generatedRowBuilder(names: readonly string[]): RowBuilder | null {
  if (names.length === 0 || names.length > 512 || names.includes('__proto__') || new Set(names).size !== names.length) return null;
  const locals = names.map((_, c) => `const c${c} = columns[${c}];`).join('\n');
  const fields = names.map((name, c) => `${JSON.stringify(name)}: c${c}[i]`).join(', ');
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a generated row builder; names are JSON-quoted and checked above
    return new Function('columns', 'n', 'rows', 'base', `${locals}\nfor (let i = 0; i < n; i++) rows[base + i] = { ${fields} };`) as RowBuilder;
  } catch {
    return null;
  }
}

function keyedRowBuilder(names: readonly string[]): RowBuilder {
  return (columns, n, rows, base) => {
    for (let i = 0; i < n; i++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) setField(row, names[c]!, columns[c]![i]);
      rows[base + i] = row;
    }
  };
}

/**
 * `row[key] = value` as an own property. Plain assignment to `__proto__` would
 * instead replace the row's prototype with the value (a column or struct field
 * of that name, e.g. from a loaded JSON file), dropping the column and letting
 * data decide what every other key of the row inherits.
 */
function setField(row: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
  else row[key] = value;
}

function isNullAt(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0) return false;
  const bit = data.offset + i;
  return (bitmap[bit >> 3]! & (1 << (bit & 7))) === 0;
}

/**
 * Converts one chunk into out[base...]. `column` carries what the chunks of a
 * top-level column share; a nested child (a list's items, a struct's fields) is a
 * column of its own chunk.
 */
function convertData(
  data: Data,
  int64: Int64Mode,
  out: unknown[] = new Array<unknown>(data.length),
  base = 0,
  column?: ColumnState,
): unknown[] {
  const n = data.length;
  const type = data.type as DataType;
  const hasNulls = data.nullCount > 0;
  switch (type.typeId) {
    case Type.Null:
      for (let i = 0; i < n; i++) out[base + i] = null;
      return out;
    case Type.Bool: {
      const values = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        if (hasNulls && isNullAt(data, i)) out[base + i] = null;
        else {
          const bit = data.offset + i;
          out[base + i] = (values[bit >> 3]! & (1 << (bit & 7))) !== 0;
        }
      }
      return out;
    }
    case Type.Int:
    case Type.Float: {
      const values = data.values as ArrayLike<number | bigint>;
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
        return convertInt64(data, values, column?.wide ?? wideOf([data], int64), out, base);
      }
      if ((type as { precision?: number }).precision === 0) return convertFloat16(data, out, base);
      for (let i = 0; i < n; i++) out[base + i] = hasNulls && isNullAt(data, i) ? null : values[i];
      return out;
    }
    case Type.Decimal:
      return convertDecimal(data, column?.wide ?? wideOf([data], int64), out, base);
    case Type.Utf8:
    case Type.LargeUtf8:
      return convertUtf8(data, out, base, column?.strings);
    case Type.Binary:
    case Type.LargeBinary: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      const values = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        out[base + i] = hasNulls && isNullAt(data, i) ? null : values.slice(Number(offsets[i]), Number(offsets[i + 1]));
      }
      return out;
    }
    case Type.FixedSizeBinary: {
      const width = (type as unknown as { byteWidth: number }).byteWidth;
      const values = data.values as Uint8Array;
      for (let i = 0; i < n; i++) out[base + i] = hasNulls && isNullAt(data, i) ? null : values.slice(i * width, (i + 1) * width);
      return out;
    }
    case Type.Date: {
      const values = data.values as Int32Array;
      const isDay = (type as unknown as { unit: number }).unit === 0;
      if (isDay) {
        for (let i = 0; i < n; i++) out[base + i] = hasNulls && isNullAt(data, i) ? null : new Date(values[i]! * MS_PER_DAY);
      } else {
        // Date64 arrives as pairs of 32-bit words (milliseconds).
        const words = int32Words(data.values as ArrayBufferView);
        for (let i = 0; i < n; i++) out[base + i] = hasNulls && isNullAt(data, i) ? null : new Date(int64At(words, i));
      }
      return out;
    }
    case Type.Timestamp: {
      const unit = (type as unknown as { unit: number }).unit;
      const words = int32Words(data.values as ArrayBufferView);
      // TimeUnit: SECOND 0, MILLISECOND 1, MICROSECOND 2, NANOSECOND 3.
      if (unit <= 1) {
        const toMs = unit === 0 ? 1000 : 1;
        for (let i = 0; i < n; i++) out[base + i] = hasNulls && isNullAt(data, i) ? null : new Date(int64At(words, i) * toMs);
      } else {
        const perMs = unit === 2 ? 1000 : 1_000_000;
        for (let i = 0; i < n; i++) out[base + i] = hasNulls && isNullAt(data, i) ? null : new Date(floorDiv64(words, i, perMs));
      }
      return out;
    }
    case Type.Time: {
      const unit = (type as unknown as { unit: number }).unit;
      const bitWidth = (type as unknown as { bitWidth: number }).bitWidth;
      const words = bitWidth === 64 ? int32Words(data.values as ArrayBufferView) : undefined;
      const values32 = data.values as Int32Array;
      const toMicros = unit === 0 ? 1e6 : unit === 1 ? 1e3 : unit === 2 ? 1 : 1e-3;
      for (let i = 0; i < n; i++) {
        if (hasNulls && isNullAt(data, i)) out[base + i] = null;
        else out[base + i] = formatTime(Math.round((words ? int64At(words, i) : values32[i]!) * toMicros));
      }
      return out;
    }
    case Type.Interval:
      return convertInterval(data, out, base);
    case Type.Duration: {
      const unit = (type as unknown as { unit: number }).unit;
      const toMicros = unit === 0 ? 1e6 : unit === 1 ? 1e3 : unit === 2 ? 1 : 1e-3;
      const words = int32Words(data.values as ArrayBufferView);
      for (let i = 0; i < n; i++) {
        out[base + i] = hasNulls && isNullAt(data, i) ? null : { months: 0, days: 0, micros: int64At(words, i) * toMicros };
      }
      return out;
    }
    case Type.Dictionary: {
      const dictionary = (data as unknown as { dictionary?: Vector }).dictionary;
      const keys = data.values as ArrayLike<number | bigint>;
      const decoded = dictionary ? convertVector(dictionary, int64) : [];
      for (let i = 0; i < n; i++) out[base + i] = hasNulls && isNullAt(data, i) ? null : decoded[Number(keys[i])];
      return out;
    }
    case Type.List: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      const child = convertData(data.children[0]!, int64);
      for (let i = 0; i < n; i++) {
        out[base + i] = hasNulls && isNullAt(data, i) ? null : child.slice(Number(offsets[i]), Number(offsets[i + 1]));
      }
      return out;
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const child = convertData(data.children[0]!, int64);
      for (let i = 0; i < n; i++) out[base + i] = hasNulls && isNullAt(data, i) ? null : child.slice(i * size, (i + 1) * size);
      return out;
    }
    case Type.Struct: {
      const fields = (type as unknown as { children: Field[] }).children;
      const children = data.children.map((c) => convertData(c, int64));
      for (let i = 0; i < n; i++) {
        if (hasNulls && isNullAt(data, i)) {
          out[base + i] = null;
          continue;
        }
        const row: Record<string, unknown> = {};
        for (let c = 0; c < fields.length; c++) setField(row, fields[c]!.name, children[c]![i]);
        out[base + i] = row;
      }
      return out;
    }
    case Type.Map: {
      const offsets = data.valueOffsets as ArrayLike<number>;
      const entries = data.children[0]!;
      const keys = convertData(entries.children[0]!, int64);
      const values = convertData(entries.children[1]!, int64);
      for (let i = 0; i < n; i++) {
        if (hasNulls && isNullAt(data, i)) {
          out[base + i] = null;
          continue;
        }
        const map = new Map<unknown, unknown>();
        for (let j = offsets[i]!; j < offsets[i + 1]!; j++) map.set(keys[j], values[j]);
        out[base + i] = map;
      }
      return out;
    }
    default:
      return convertGeneric(data, out, base);
  }
}

/** Unions and anything rarer: read through Arrow's own getters, then normalise. */
function convertGeneric(data: Data, out: unknown[], base: number): unknown[] {
  const vector = makeVectorOf(data);
  for (let i = 0; i < data.length; i++) out[base + i] = normalise(vector.get(i));
  return out;
}

function makeVectorOf(data: Data): Vector {
  return makeVector(data);
}

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return value.slice();
  const withJSON = value as { toJSON?: () => unknown; toArray?: () => unknown[] };
  if (typeof withJSON.toArray === 'function' && !(value instanceof Map)) return Array.from(withJSON.toArray(), normalise);
  if (typeof withJSON.toJSON === 'function') return withJSON.toJSON();
  return value;
}

/** True unless `data` holds a 64-bit integer or decimal that a double cannot hold exactly. */
function fitsNumber(data: Data): boolean {
  const type = data.type as DataType;
  const n = data.length;
  const hasNulls = data.nullCount > 0;
  if (type.typeId === Type.Decimal) {
    const words = data.values as Uint32Array;
    const stride = wordsPerDecimal(data);
    for (let i = 0; i < n; i++) {
      if (!(hasNulls && isNullAt(data, i)) && smallDecimalAt(words, i * stride, stride) === undefined) return false;
    }
    return true;
  }
  const values = data.values as unknown;
  if (type.typeId !== Type.Int || !(values instanceof BigInt64Array || values instanceof BigUint64Array)) return true;
  // Reading the high 32-bit word avoids a BigInt per value: |v| < 2^53 exactly when it is within ±2^21.
  const words = int32Words(values);
  const unsigned = values instanceof BigUint64Array;
  for (let i = 0; i < n; i++) {
    if (hasNulls && isNullAt(data, i)) continue;
    const hi = highWord(words, i, unsigned);
    if (hi >= 0x200000 || hi < -0x200000) return false;
  }
  return true;
}

function convertInt64(data: Data, values: BigInt64Array | BigUint64Array, wide: Wide, out: unknown[], base: number): unknown[] {
  const n = data.length;
  const hasNulls = data.nullCount > 0;
  if (wide === 'bigint') {
    for (let i = 0; i < n; i++) out[base + i] = hasNulls && isNullAt(data, i) ? null : values[i]!;
    return out;
  }
  const words = int32Words(values);
  const unsigned = values instanceof BigUint64Array;
  for (let i = 0; i < n; i++) {
    if (hasNulls && isNullAt(data, i)) out[base + i] = null;
    else out[base + i] = int64At(words, i, unsigned);
  }
  return out;
}

function highWord(words: Int32Array, i: number, unsigned: boolean): number {
  return unsigned ? words[2 * i + 1]! >>> 0 : words[2 * i + 1]!;
}

function convertFloat16(data: Data, out: unknown[], base: number): unknown[] {
  const vector = makeVectorOf(data);
  for (let i = 0; i < data.length; i++) out[base + i] = vector.get(i) ?? null;
  return out;
}

function convertDecimal(data: Data, wide: Wide, out: unknown[], base: number): unknown[] {
  const n = data.length;
  const hasNulls = data.nullCount > 0;
  const scale = (data.type as unknown as { scale: number }).scale;
  const words = data.values as Uint32Array;
  const stride = wordsPerDecimal(data);
  const divisor = 10 ** scale;
  for (let i = 0; i < n; i++) {
    if (hasNulls && isNullAt(data, i)) {
      out[base + i] = null;
    } else if (wide === 'number') {
      const v = smallDecimalAt(words, i * stride, stride)!;
      out[base + i] = scale === 0 ? v : v / divisor;
    } else {
      const big = bigDecimalAt(words, i * stride, stride);
      out[base + i] = scale === 0 ? big : formatScaled(big, scale);
    }
  }
  return out;
}

function wordsPerDecimal(data: Data): number {
  return ((data.type as unknown as { bitWidth?: number }).bitWidth ?? 128) / 32;
}

/** The unscaled value as a number when it is a safe integer, else undefined. */
function smallDecimalAt(words: Uint32Array, at: number, stride: number): number | undefined {
  const lo = words[at]!;
  const hi = words[at + 1]!;
  let upperZero = true;
  let upperOnes = true;
  for (let k = 2; k < stride; k++) {
    const w = words[at + k]!;
    if (w !== 0) upperZero = false;
    if (w !== 0xffffffff) upperOnes = false;
  }
  if (upperZero && hi < 0x200000) return hi * TWO_32 + lo;
  if (upperOnes && hi >= 0xffe00000) {
    // Two's complement of a small negative value.
    return -((~hi >>> 0) * TWO_32 + (~lo >>> 0) + 1);
  }
  return undefined;
}

function bigDecimalAt(words: Uint32Array, at: number, stride: number): bigint {
  let value = 0n;
  for (let k = stride - 1; k >= 0; k--) value = (value << 32n) | BigInt(words[at + k]!);
  return BigInt.asIntN(stride * 32, value);
}

function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

function convertUtf8(data: Data, out: unknown[], base: number, interner = new ShortStringInterner()): unknown[] {
  const n = data.length;
  const hasNulls = data.nullCount > 0;
  const offsets = data.valueOffsets as ArrayLike<number | bigint>;
  const bytes = data.values as Uint8Array;
  const wide = typeof offsets[0] === 'bigint';
  for (let i = 0; i < n; i++) {
    if (hasNulls && isNullAt(data, i)) {
      out[base + i] = null;
      continue;
    }
    const start = wide ? Number(offsets[i]) : (offsets[i] as number);
    const end = wide ? Number(offsets[i + 1]) : (offsets[i + 1] as number);
    out[base + i] = interner.enabled ? (interner.lookup(bytes, start, end) ?? decodeUtf8(bytes, start, end)) : decodeUtf8(bytes, start, end);
  }
  return out;
}

const INTERN_WINDOW = 4096;
const INTERN_CAPACITY = 65_536;

/**
 * Analytical results repeat short strings (categories, regions, codes): building
 * each from its bytes again costs more than finding the one already built, and a
 * shared string is one less object for the garbage collector to copy. Keyed by a
 * hash of the bytes and checked byte for byte. One interner serves all chunks of
 * a column, so a column of a few thousand distinct values (whose first rows are
 * all new) still pays off; it switches itself off when fewer than a quarter of a
 * window's lookups hit, so a mostly distinct column pays only for one window.
 */
class ShortStringInterner {
  enabled = true;
  private readonly strings = new Map<number, string>();
  private lookups = 0;
  private hits = 0;

  /** The string of bytes[start, end) when it is short ASCII; undefined otherwise (decode it instead). */
  lookup(bytes: Uint8Array, start: number, end: number): string | undefined {
    const length = end - start;
    if (length === 0 || length > 24) return undefined;
    let hash = length;
    for (let k = start; k < end; k++) {
      const b = bytes[k]!;
      if (b >= 0x80) return undefined;
      hash = (Math.imul(hash, 31) + b) | 0;
    }
    if (++this.lookups % INTERN_WINDOW === 0) {
      if (this.hits < INTERN_WINDOW / 4) this.enabled = false;
      this.hits = 0;
    }
    const known = this.strings.get(hash);
    if (known !== undefined && known.length === length && sameAscii(known, bytes, start)) {
      this.hits++;
      return known;
    }
    const built = decodeUtf8(bytes, start, end);
    // Bounded: a huge column of many distinct strings starts over instead of growing the table.
    if (this.strings.size >= INTERN_CAPACITY) this.strings.clear();
    this.strings.set(hash, built);
    return built;
  }
}

function sameAscii(text: string, bytes: Uint8Array, start: number): boolean {
  for (let j = 0; j < text.length; j++) if (text.charCodeAt(j) !== bytes[start + j]) return false;
  return true;
}

/** Short ASCII strings are far cheaper to build by char code than through TextDecoder. */
function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length === 0) return '';
  if (length <= 24) {
    let s = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(b);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(start, end));
}

function convertInterval(data: Data, out: unknown[], base: number): unknown[] {
  const n = data.length;
  const hasNulls = data.nullCount > 0;
  const unit = (data.type as unknown as { unit: number }).unit;
  const words = int32Words(data.values as ArrayBufferView);
  for (let i = 0; i < n; i++) {
    if (hasNulls && isNullAt(data, i)) {
      out[base + i] = null;
      continue;
    }
    if (unit === 2) {
      // MONTH_DAY_NANO: int32 months, int32 days, int64 nanoseconds.
      const at = i * 4;
      out[base + i] = { months: words[at]!, days: words[at + 1]!, micros: Math.round(int64At(words, i * 2 + 1) / 1000) };
    } else if (unit === 1) {
      // DAY_TIME: int32 days, int32 milliseconds.
      out[base + i] = { months: 0, days: words[i * 2]!, micros: words[i * 2 + 1]! * 1000 };
    } else {
      // YEAR_MONTH: int32 months.
      out[base + i] = { months: words[i]!, days: 0, micros: 0 };
    }
  }
  return out;
}

function int32Words(view: ArrayBufferView): Int32Array {
  return new Int32Array(view.buffer, view.byteOffset, view.byteLength >> 2);
}

/** The i-th little-endian int64 (uint64 when `unsigned`) of `words` as a number (exact below 2^53). */
function int64At(words: Int32Array, i: number, unsigned = false): number {
  return highWord(words, i, unsigned) * TWO_32 + (words[2 * i]! >>> 0);
}

/**
 * ⌊v / divisor⌋ of the i-th little-endian int64 v of `words`, exact for every v
 * whose quotient is a valid Date (nanoseconds since 1970 exceed 2^53, so the
 * quotient of the double nearest v can be off by one). The high word is split as
 * hi·2^32 = hi·⌊2^32/d⌋·d + hi·(2^32 mod d), so no product exceeds 2^53.
 */
function floorDiv64(words: Int32Array, i: number, divisor: number): number {
  const hi = words[2 * i + 1]!;
  return hi * Math.floor(TWO_32 / divisor) + Math.floor((hi * (TWO_32 % divisor) + (words[2 * i]! >>> 0)) / divisor);
}

function formatTime(micros: number): string {
  const h = Math.floor(micros / 3_600_000_000);
  const m = Math.floor((micros % 3_600_000_000) / 60_000_000);
  const s = Math.floor((micros % 60_000_000) / 1_000_000);
  const frac = micros % 1_000_000;
  const base = `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
  return frac === 0 ? base : `${base}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** DuckDB's type name for an Arrow field (as DuckDB exports them). */
export function duckdbTypeName(type: DataType): string {
  const t = type as unknown as Record<string, unknown>;
  switch (type.typeId) {
    case Type.Null:
      return 'NULL';
    case Type.Bool:
      return 'BOOLEAN';
    case Type.Int: {
      const bits = t.bitWidth as number;
      const signed = t.isSigned as boolean;
      const name = bits === 8 ? 'TINYINT' : bits === 16 ? 'SMALLINT' : bits === 32 ? 'INTEGER' : 'BIGINT';
      return signed ? name : `U${name}`;
    }
    case Type.Float:
      return t.precision === 1 ? 'FLOAT' : t.precision === 0 ? 'HALF_FLOAT' : 'DOUBLE';
    case Type.Decimal:
      return `DECIMAL(${String(t.precision)},${String(t.scale)})`;
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'VARCHAR';
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'BLOB';
    case Type.Date:
      return 'DATE';
    case Type.Timestamp: {
      const unit = t.unit as number;
      const base = unit === 0 ? 'TIMESTAMP_S' : unit === 1 ? 'TIMESTAMP_MS' : unit === 3 ? 'TIMESTAMP_NS' : 'TIMESTAMP';
      return t.timezone ? 'TIMESTAMP WITH TIME ZONE' : base;
    }
    case Type.Time:
      return 'TIME';
    case Type.Interval:
    case Type.Duration:
      return 'INTERVAL';
    case Type.Dictionary:
      return duckdbTypeName(t.dictionary as DataType);
    case Type.List:
      return `${duckdbTypeName((t.children as Field[])[0]!.type)}[]`;
    case Type.FixedSizeList:
      return `${duckdbTypeName((t.children as Field[])[0]!.type)}[${String(t.listSize)}]`;
    case Type.Struct:
      return `STRUCT(${(t.children as Field[]).map((f) => `${quoteName(f.name)} ${duckdbTypeName(f.type)}`).join(', ')})`;
    case Type.Map: {
      const entries = (t.children as Field[])[0]!.type as unknown as { children: Field[] };
      return `MAP(${duckdbTypeName(entries.children[0]!.type)}, ${duckdbTypeName(entries.children[1]!.type)})`;
    }
    case Type.Union:
      return `UNION(${(t.children as Field[]).map((f) => `${quoteName(f.name)} ${duckdbTypeName(f.type)}`).join(', ')})`;
    default:
      return String(type);
  }
}

function quoteName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** The columns of a result schema. */
export function columnsOf(schema: Schema): ColumnInfo[] {
  return schema.fields.map((f) => ({ name: f.name, type: duckdbTypeName(f.type) }));
}
