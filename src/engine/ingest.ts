/**
 * JS data → an Arrow Table built column-wise from typed arrays (no per-row
 * builders, no JSON), ready to be written as IPC bytes and inserted by DuckDB.
 *
 * Column types are inferred from the values (null and undefined are nulls and
 * do not vote):
 *
 * | values                                      | Arrow                 | DuckDB     |
 * |---------------------------------------------|-----------------------|------------|
 * | integers within ±2^31                       | Int32                 | INTEGER    |
 * | integers beyond that (safe), or any bigint  | Int64                 | BIGINT     |
 * | any non-integer number (NaN, ±Infinity too) | Float64               | DOUBLE     |
 * | strings, few distinct (≤ half the rows)     | Dictionary<Int32,Utf8>| VARCHAR    |
 * | strings, many distinct                      | Utf8                  | VARCHAR    |
 * | booleans                                    | Bool                  | BOOLEAN    |
 * | Date                                        | Timestamp(µs)         | TIMESTAMP  |
 * | Uint8Array                                  | Binary                | BLOB       |
 * | only nulls                                  | Utf8 (all null)       | VARCHAR    |
 *
 * Anything else — two kinds in one column (say numbers and strings), a bigint
 * next to a fractional number, nested objects or arrays, an invalid Date — is a
 * ValidationError naming the column and the first offending row, so nothing is
 * silently coerced. Typed arrays given as columns (Int32Array, Float64Array, ...)
 * are used as they are.
 */
import {
  Binary,
  Bool,
  Dictionary,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  makeData,
  makeVector,
  Table,
  TimestampMicrosecond,
  Uint16,
  Uint32,
  Uint8,
  Utf8,
  type Data,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { ValidationError } from '../errors/ValidationError.js';

const TWO_32 = 4294967296;
const encoder = new TextEncoder();

/** A column's inferred kind: one row of the table above. */
export type ColumnKind = 'int32' | 'int64' | 'float' | 'string' | 'bool' | 'date' | 'binary' | 'null';
type Kind = ColumnKind;

/** Row objects split into one JS array per column, each with its inferred kind. */
export interface RowColumns {
  readonly names: readonly string[];
  readonly columns: readonly unknown[][];
  readonly kinds: readonly ColumnKind[];
  readonly rowCount: number;
}

/**
 * Row objects → columns and their kinds (what `rowsToTable` builds vectors from;
 * the native backend appends them as they are). Columns are the union of the
 * rows' keys, in first-seen order; the same ValidationErrors as `rowsToTable`.
 */
export function rowsToColumns(rows: readonly Record<string, unknown>[]): RowColumns {
  if (rows.length === 0) throw emptyError();
  const names = columnNames(rows);
  const columns = extractColumns(rows, names);
  const kinds = names.map((name, c) => inferKind(name, columns[c]!));
  return { names, columns, kinds, rowCount: rows.length };
}

/** Row objects → Arrow Table. Columns are the union of the rows' keys, in first-seen order. */
export function rowsToTable(rows: readonly Record<string, unknown>[]): Table {
  const { names, columns, kinds } = rowsToColumns(rows);
  const vectors = columnMap();
  names.forEach((name, c) => {
    vectors[name] = vectorOfKind(kinds[c]!, columns[c]!);
  });
  return new Table(vectors);
}

/**
 * A map from column name to vector with no prototype: a column named `__proto__`
 * is then a column like any other, not a replacement of the map's prototype.
 */
function columnMap(): Record<string, Vector> {
  return Object.create(null) as Record<string, Vector>;
}

/**
 * The generated read of field `name` of row `r`. A name that Object.prototype also
 * has (`__proto__`, `constructor`, `toString`...) is read only as an own property:
 * a row without that column has no value there, not Object's.
 */
function ownRead(name: string): string {
  const key = JSON.stringify(name);
  return name in Object.prototype ? `(Object.hasOwn(r, ${key}) ? r[${key}] : undefined)` : `r[${key}]`;
}

type Extractor = (rows: readonly Record<string, unknown>[], columns: unknown[][]) => void;
const extractors = new Map<string, Extractor | null>();

/**
 * Splits rows into one array per column in a single pass. A generated function
 * reads each field by its literal name (a fast, monomorphic property load);
 * without code generation (a strict CSP) a keyed loop does the same, slower.
 */
function extractColumns(rows: readonly Record<string, unknown>[], names: readonly string[]): unknown[][] {
  const n = rows.length;
  const columns = names.map(() => new Array<unknown>(n));
  const key = JSON.stringify(names);
  let extract = extractors.get(key);
  if (extract === undefined) {
    extract = null;
    if (names.length <= 512) {
      const locals = names.map((_, c) => `const c${c} = columns[${c}];`).join('\n');
      const reads = names.map((name, c) => `c${c}[i] = ${ownRead(name)};`).join(' ');
      try {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a generated column extractor; names are JSON-quoted
        extract = new Function('rows', 'columns', `${locals}\nfor (let i = 0; i < rows.length; i++) { const r = rows[i]; ${reads} }`) as Extractor;
      } catch {
        extract = null;
      }
    }
    if (extractors.size > 1000) extractors.clear();
    extractors.set(key, extract);
  }
  if (extract) {
    extract(rows, columns);
    return columns;
  }
  names.forEach((name, c) => {
    const column = columns[c]!;
    const inherited = name in Object.prototype;
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      column[i] = inherited && !Object.hasOwn(row, name) ? undefined : row[name];
    }
  });
  return columns;
}

/** Column arrays (`{ a: [...], b: Float64Array }`) → Arrow Table. All columns must have the same length. */
export function columnsToTable(columns: Record<string, ArrayLike<unknown>>): Table {
  const names = Object.keys(columns);
  if (names.length === 0) throw emptyError();
  const length = columns[names[0]!]!.length;
  const vectors = columnMap();
  for (const name of names) {
    const column = columns[name]!;
    if (column.length !== length) {
      throw new ValidationError(
        `column '${name}' has ${column.length} values but '${names[0]}' has ${length}; every column must have the same length`,
        { issues: [{ path: name, message: `length ${column.length}, expected ${length}` }] },
      );
    }
    vectors[name] = typedArrayVector(column) ?? columnToVector(name, column);
  }
  if (length === 0) throw emptyError();
  return new Table(vectors);
}

function emptyError(): ValidationError {
  return new ValidationError('loadData needs at least one row and one column; got none', {
    issues: [{ path: 'data', message: 'empty' }],
  });
}

function columnNames(rows: readonly Record<string, unknown>[]): string[] {
  const first = rows[0]!;
  if (first === null || typeof first !== 'object') throw notARow(0);
  const names = Object.keys(first);
  const known = new Set(names);
  const width = names.length;
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i];
    if (row === null || typeof row !== 'object') throw notARow(i);
    // Rows of the same shape (the common case) need no key scan.
    let count = 0;
    let extra = false;
    for (const key in row) {
      count++;
      if (!known.has(key)) extra = true;
    }
    if (extra || count !== width) {
      for (const key in row) {
        if (!known.has(key)) {
          known.add(key);
          names.push(key);
        }
      }
    }
  }
  return names;
}

function notARow(index: number): ValidationError {
  return new ValidationError(`row ${index} is not an object; loadData takes an array of row objects`, {
    issues: [{ path: `[${index}]`, message: 'not an object' }],
  });
}

function typedArrayVector(column: ArrayLike<unknown>): Vector | undefined {
  const types: [new (...args: never[]) => ArrayLike<unknown>, DataType][] = [
    [Int8Array, new Int8()],
    [Int16Array, new Int16()],
    [Int32Array, new Int32()],
    [Uint8Array, new Uint8()],
    [Uint16Array, new Uint16()],
    [Uint32Array, new Uint32()],
    [Float32Array, new Float32()],
    [Float64Array, new Float64()],
    [BigInt64Array, new Int64()],
  ];
  for (const [ctor, type] of types) {
    if (column instanceof ctor) {
      return makeVector(makeData({ type, length: column.length, nullCount: 0, data: column } as never) as Data);
    }
  }
  return undefined;
}

/** Infers the column's kind and builds its vector. */
export function columnToVector(name: string, values: ArrayLike<unknown>): Vector {
  return vectorOfKind(inferKind(name, values), values);
}

function vectorOfKind(kind: Kind, values: ArrayLike<unknown>): Vector {
  switch (kind) {
    case 'int32':
      return numericVector(values, new Int32(), Int32Array);
    case 'float':
      return numericVector(values, new Float64(), Float64Array);
    case 'int64':
      return int64Vector(values);
    case 'bool':
      return boolVector(values);
    case 'date':
      return timestampVector(values);
    case 'string':
      return stringVector(values);
    case 'binary':
      return binaryVector(values);
    case 'null':
      return allNullVector(values.length);
  }
}

function inferKind(name: string, values: ArrayLike<unknown>): Kind {
  let kind: Kind = 'null';
  let sawBigint = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    let k: Kind;
    switch (typeof v) {
      case 'number':
        k = Number.isInteger(v) ? (v >= -2147483648 && v <= 2147483647 ? 'int32' : Number.isSafeInteger(v) ? 'int64' : 'float') : 'float';
        break;
      case 'bigint':
        k = 'int64';
        sawBigint = true;
        if (v > 9223372036854775807n || v < -9223372036854775808n) {
          throw mixError(name, i, `the bigint ${v} does not fit in BIGINT (64-bit)`);
        }
        break;
      case 'string':
        k = 'string';
        break;
      case 'boolean':
        k = 'bool';
        break;
      case 'object':
        if (v instanceof Date) {
          if (Number.isNaN(v.getTime())) throw mixError(name, i, 'it holds an invalid Date');
          k = 'date';
        } else if (v instanceof Uint8Array) k = 'binary';
        else throw mixError(name, i, 'it holds a nested object or array; flatten it, JSON.stringify it, or pass an Arrow Table');
        break;
      default:
        throw mixError(name, i, `it holds a ${typeof v}`);
    }
    if (k === kind) continue;
    if (kind === 'null') {
      kind = k;
      continue;
    }
    const merged = mergeNumeric(kind, k);
    if (!merged) throw mixError(name, i, `it mixes ${describe(kind)} with ${describe(k)}`);
    kind = merged;
  }
  if (sawBigint && kind === 'float') throw mixError(name, -1, 'it mixes bigints with fractional numbers');
  return kind;
}

function mergeNumeric(a: Kind, b: Kind): Kind | undefined {
  const numeric = (k: Kind) => k === 'int32' || k === 'int64' || k === 'float';
  if (!numeric(a) || !numeric(b)) return undefined;
  if (a === 'float' || b === 'float') return 'float';
  return 'int64';
}

function describe(kind: Kind): string {
  return kind === 'int32' || kind === 'int64' || kind === 'float' ? 'numbers' : kind === 'bool' ? 'booleans' : kind === 'date' ? 'Dates' : kind === 'binary' ? 'Uint8Arrays' : 'strings';
}

function mixError(name: string, row: number, what: string): ValidationError {
  const where = row >= 0 ? ` at row ${row}` : '';
  return new ValidationError(
    `column '${name}' cannot be loaded${where}: ${what}. Give each column one type (nulls are fine), or convert the values first`,
    { issues: [{ path: row >= 0 ? `[${row}].${name}` : name, message: what }] },
  );
}

/** A validity bitmap, or undefined when there are no nulls. */
class NullTracker {
  bitmap: Uint8Array | undefined;
  nullCount = 0;
  constructor(private readonly length: number) {}
  setNull(i: number): void {
    if (!this.bitmap) this.bitmap = new Uint8Array((this.length + 7) >> 3).fill(0xff);
    this.bitmap[i >> 3]! &= ~(1 << (i & 7));
    this.nullCount++;
  }
}

function numericVector(
  values: ArrayLike<unknown>,
  type: Int32 | Float64,
  ArrayType: Int32ArrayConstructor | Float64ArrayConstructor,
): Vector {
  const n = values.length;
  const data = new ArrayType(n);
  const nulls = new NullTracker(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls.setNull(i);
    else data[i] = v as number;
  }
  return makeVector(makeData({ type, length: n, nullCount: nulls.nullCount, nullBitmap: nulls.bitmap, data } as never) as Data);
}

function int64Vector(values: ArrayLike<unknown>): Vector {
  const n = values.length;
  const data = new BigInt64Array(n);
  const words = new Int32Array(data.buffer);
  const nulls = new NullTracker(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls.setNull(i);
    else if (typeof v === 'bigint') data[i] = v;
    else writeInt64(words, i, v as number);
  }
  return makeVector(makeData({ type: new Int64(), length: n, nullCount: nulls.nullCount, nullBitmap: nulls.bitmap, data } as never) as Data);
}

/** Writes a safe integer as a little-endian int64 without a BigInt. */
function writeInt64(words: Int32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  words[2 * i] = (v - hi * TWO_32) | 0;
  words[2 * i + 1] = hi | 0;
}

function boolVector(values: ArrayLike<unknown>): Vector {
  const n = values.length;
  const data = new Uint8Array((n + 7) >> 3);
  const nulls = new NullTracker(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls.setNull(i);
    else if (v === true) data[i >> 3]! |= 1 << (i & 7);
  }
  return makeVector(makeData({ type: new Bool(), length: n, nullCount: nulls.nullCount, nullBitmap: nulls.bitmap, data } as never) as Data);
}

function timestampVector(values: ArrayLike<unknown>): Vector {
  const n = values.length;
  const data = new BigInt64Array(n);
  const words = new Int32Array(data.buffer);
  const nulls = new NullTracker(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls.setNull(i);
    else writeInt64(words, i, (v as Date).getTime() * 1000);
  }
  return makeVector(
    makeData({ type: new TimestampMicrosecond(), length: n, nullCount: nulls.nullCount, nullBitmap: nulls.bitmap, data } as never) as Data,
  );
}

/** Strings: dictionary-encoded when at most half the rows are distinct, which is smaller and faster to insert. */
function stringVector(values: ArrayLike<unknown>): Vector {
  const n = values.length;
  const indices = new Int32Array(n);
  const nulls = new NullTracker(n);
  const ids = new Map<string, number>();
  const distinct: string[] = [];
  const limit = Math.max(16, n >> 1);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls.setNull(i);
      continue;
    }
    const s = v as string;
    let id = ids.get(s);
    if (id === undefined) {
      id = distinct.length;
      if (id >= limit) return plainStringVector(values);
      ids.set(s, id);
      distinct.push(s);
    }
    indices[i] = id;
  }
  const dictionary = plainStringVector(distinct);
  const type = new Dictionary(new Utf8(), new Int32());
  return makeVector(
    makeData({ type, length: n, nullCount: nulls.nullCount, nullBitmap: nulls.bitmap, data: indices, dictionary } as never) as Data,
  );
}

function plainStringVector(values: ArrayLike<unknown>): Vector {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const nulls = new NullTracker(n);
  let bytes = new Uint8Array(Math.max(64, n * 8));
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls.setNull(i);
      offsets[i + 1] = at;
      continue;
    }
    const s = v as string;
    // Worst case 3 bytes per UTF-16 unit.
    if (at + s.length * 3 > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, at + s.length * 3));
      grown.set(bytes.subarray(0, at));
      bytes = grown;
    }
    let ascii = true;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      bytes[at + j] = c;
    }
    at += ascii ? s.length : encoder.encodeInto(s, bytes.subarray(at)).written;
    offsets[i + 1] = at;
  }
  return makeVector(
    makeData({
      type: new Utf8(),
      length: n,
      nullCount: nulls.nullCount,
      nullBitmap: nulls.bitmap,
      valueOffsets: offsets,
      data: bytes.subarray(0, at),
    } as never) as Data,
  );
}

function binaryVector(values: ArrayLike<unknown>): Vector {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const nulls = new NullTracker(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as Uint8Array | null | undefined;
    if (v) total += v.length;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as Uint8Array | null | undefined;
    if (v === null || v === undefined) nulls.setNull(i);
    else {
      bytes.set(v, at);
      at += v.length;
    }
    offsets[i + 1] = at;
  }
  return makeVector(
    makeData({ type: new Binary(), length: n, nullCount: nulls.nullCount, nullBitmap: nulls.bitmap, valueOffsets: offsets, data: bytes } as never) as Data,
  );
}

function allNullVector(n: number): Vector {
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  return makeVector(
    makeData({ type: new Utf8(), length: n, nullCount: n, nullBitmap, valueOffsets: new Int32Array(n + 1), data: new Uint8Array(0) } as never) as Data,
  );
}
