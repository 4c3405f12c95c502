/**
 * A native result as the engine takes it: row objects for `query()`, an Arrow
 * Table for `queryArrow()`, each built only when asked for.
 *
 * Why: `query()` used to build the Arrow Table DuckDB-WASM would have exported
 * (nativeToArrow.ts) only for convert.ts to read it back into rows — for
 * `SELECT 1` that was a quarter of the engine's cost over raw @duckdb/node-api.
 * For columns of plain types the values @duckdb/node-api reads are already the
 * JavaScript values convert.ts answers (numbers, strings, booleans), and 64-bit
 * integers follow convert.ts's rule (all numbers if every value of the column is
 * within ±2^53, else all bigints), so their rows are built directly. Any other
 * type goes through Arrow and convert.ts, the one mapping of every other type.
 */
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { Schema, Table } from 'apache-arrow';
import type { RowResult } from '../backend.js';
import { rowsOfColumns, tableToRows } from '../convert.js';
import type { Int64Mode } from '../types.js';
import { nativeResultToTable, nativeSchema, type NativeResult } from './nativeToArrow.js';

/** DuckDB type ids (`DUCKDB_TYPE`) whose node-api values are convert.ts's values as they are. */
const AS_IS = new Set([1 /* BOOLEAN */, 2, 3, 4 /* TINYINT…INTEGER */, 6, 7, 8 /* UTINYINT…UINTEGER */, 10, 11 /* FLOAT, DOUBLE */, 17 /* VARCHAR */]);
/** BIGINT and UBIGINT: bigints from node-api, numbers when the whole column fits. */
const WIDE = new Set([5, 9]);

const TWO_53 = 9007199254740992n;

/** A native result, converted lazily (see the header). */
export class NativeRowResult implements RowResult {
  readonly kind = 'rows' as const;
  readonly schema: Schema;
  readonly numRows: number;
  private built: Table | undefined;

  constructor(private readonly result: NativeResult) {
    this.schema = nativeSchema(result.names, result.types);
    let rows = 0;
    for (const chunk of result.chunks) rows += chunk[0]?.length ?? 0;
    this.numRows = rows;
  }

  table(): Table {
    this.built ??= nativeResultToTable(this.result, this.schema);
    return this.built;
  }

  rows<T>(int64: Int64Mode): T[] {
    const { names, types, chunks } = this.result;
    if (!types.every(isPlain)) return tableToRows<T>(this.table(), int64);
    const columns = types.map((type, c) => plainColumn(type, chunks, c, int64));
    return rowsOfColumns<T>(names, columns, this.numRows);
  }
}

function isPlain(type: DuckDBType): boolean {
  return AS_IS.has(type.typeId as number) || WIDE.has(type.typeId as number);
}

/** Column `c` of every chunk as one array of JS values. */
function plainColumn(type: DuckDBType, chunks: NativeResult['chunks'], c: number, int64: Int64Mode): unknown[] {
  const values: readonly DuckDBValue[] = chunks.length === 1 ? chunks[0]![c]! : chunks.flatMap((chunk) => chunk[c]!);
  if (!WIDE.has(type.typeId as number) || int64 === 'bigint') return values as unknown[];
  for (const v of values) {
    if (v !== null && ((v as bigint) >= TWO_53 || (v as bigint) < -TWO_53)) return values as unknown[];
  }
  return values.map((v) => (v === null ? null : Number(v)));
}
