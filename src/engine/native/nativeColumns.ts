/**
 * Loading row objects into native DuckDB: the rows' columns (split and typed by
 * ingest.ts, so the table gets the types the wasm backends give it) written into
 * DuckDB data chunks of 2048 rows and appended a chunk at a time
 * (`appender.appendDataChunk`).
 *
 * Why not through Arrow like the other inputs: building Arrow vectors (strings
 * encoded to UTF-8 and dictionary-coded) only for the appender to decode them
 * again cost as much as the append itself; measured on 1M rows, rows → Arrow →
 * per-value appends ran at 0.44× of an appender fed from the rows directly. A
 * chunk's numeric vectors are filled in JavaScript and copied in one call each,
 * so the only per-value native calls left are the strings'.
 */
import type { DuckDBAppender, DuckDBType, DuckDBVector } from '@duckdb/node-api';
import type { ColumnKind, RowColumns } from '../ingest.js';
import { quoteIdentifier } from '../sql.js';

type NodeApi = typeof import('@duckdb/node-api');

/** DuckDB's rows per data chunk (STANDARD_VECTOR_SIZE). */
const CHUNK_ROWS = 2048;

/** The DuckDB type of each kind: what the wasm backends' Arrow insert creates for it. */
const SQL_TYPES: Record<ColumnKind, string> = {
  int32: 'INTEGER',
  int64: 'BIGINT',
  float: 'DOUBLE',
  string: 'VARCHAR',
  bool: 'BOOLEAN',
  date: 'TIMESTAMP',
  binary: 'BLOB',
  null: 'VARCHAR',
};

/** `CREATE TABLE name (…)` for `columns`. */
export function createTableSqlForColumns(name: string, columns: RowColumns): string {
  const defs = columns.names.map((column, c) => `${quoteIdentifier(column)} ${SQL_TYPES[columns.kinds[c]!]}`);
  return `CREATE TABLE ${quoteIdentifier(name)} (${defs.join(', ')})`;
}

/** Appends every row of `columns` through `appender`, a chunk at a time (the caller flushes and closes it). */
export function appendColumns(api: NodeApi, appender: DuckDBAppender, columns: RowColumns): void {
  const types = columns.kinds.map((kind) => duckdbType(api, kind));
  const writers = columns.kinds.map((kind) => writerFor(api, kind));
  for (let offset = 0; offset < columns.rowCount; offset += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, columns.rowCount - offset);
    const chunk = api.DuckDBDataChunk.create(types, rows);
    for (let c = 0; c < writers.length; c++) {
      const vector = chunk.getColumnVector(c);
      writers[c]!(vector, columns.columns[c]!, offset, rows);
      vector.flush();
    }
    appender.appendDataChunk(chunk);
  }
}

function duckdbType(api: NodeApi, kind: ColumnKind): DuckDBType {
  const types: Record<ColumnKind, DuckDBType> = {
    int32: api.INTEGER,
    int64: api.BIGINT,
    float: api.DOUBLE,
    string: api.VARCHAR,
    bool: api.BOOLEAN,
    date: api.TIMESTAMP,
    binary: api.BLOB,
    null: api.VARCHAR,
  };
  return types[kind];
}

/** Writes `rows` values of `values` from `offset` into a chunk's vector; null and undefined are NULL. */
type Writer = (vector: DuckDBVector, values: readonly unknown[], offset: number, rows: number) => void;

function writerFor(api: NodeApi, kind: ColumnKind): Writer {
  // The kinds were inferred from these very values, so each conversion below is total.
  const convert: (v: unknown) => unknown =
    kind === 'int64'
      ? (v) => (typeof v === 'bigint' ? v : BigInt(v as number))
      : kind === 'date'
        ? (v) => new api.DuckDBTimestampValue(BigInt((v as Date).getTime()) * 1000n)
        : kind === 'binary'
          ? (v) => new api.DuckDBBlobValue(v as Uint8Array)
          : (v) => v;
  const plain = kind === 'int32' || kind === 'float' || kind === 'string' || kind === 'bool' || kind === 'null';
  const setter = (vector: DuckDBVector) => vector as DuckDBVector & { setItem(index: number, value: unknown): void };
  if (plain) {
    return (vector, values, offset, rows) => {
      const target = setter(vector);
      for (let i = 0; i < rows; i++) target.setItem(i, values[offset + i] ?? null);
    };
  }
  return (vector, values, offset, rows) => {
    const target = setter(vector);
    for (let i = 0; i < rows; i++) {
      const v = values[offset + i];
      target.setItem(i, v === null || v === undefined ? null : convert(v));
    }
  };
}
