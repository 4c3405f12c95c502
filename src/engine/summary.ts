/**
 * The SQL behind `processData`'s summary: one aggregate query over the loaded
 * table, with per column nulls, exact distinct count, min, max and (numeric
 * columns) mean, read back into a `DataSummary`.
 */
import { quoteIdentifier } from './sql.js';
import type { ColumnInfo, ColumnSummary, DataSummary } from './types.js';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
// min/max of nested values are legal SQL but not a useful summary.
const ORDERED = /^(?!.*(\[\]|STRUCT|MAP|UNION)).*$/;

/** One query computing every column's statistics; aliases are positional (`c0_nulls`, ...). */
export function summarySql(tableName: string, columns: readonly ColumnInfo[]): string {
  const parts = ['count(*)::DOUBLE AS row_count'];
  columns.forEach((column, i) => {
    const c = quoteIdentifier(column.name);
    parts.push(`(count(*) - count(${c}))::DOUBLE AS c${i}_nulls`);
    parts.push(`count(DISTINCT ${c})::DOUBLE AS c${i}_distinct`);
    parts.push(ORDERED.test(column.type) ? `min(${c}) AS c${i}_min, max(${c}) AS c${i}_max` : `NULL AS c${i}_min, NULL AS c${i}_max`);
    parts.push(NUMERIC.test(column.type) ? `avg(${c})::DOUBLE AS c${i}_mean` : `NULL::DOUBLE AS c${i}_mean`);
  });
  return `SELECT ${parts.join(',\n  ')}\nFROM ${quoteIdentifier(tableName)}`;
}

/** Reads the one row of `summarySql` back into a summary. */
export function readSummary(row: Record<string, unknown>, columns: readonly ColumnInfo[]): DataSummary {
  const summaries: ColumnSummary[] = columns.map((column, i) => ({
    name: column.name,
    type: column.type,
    nulls: Number(row[`c${i}_nulls`] ?? 0),
    distinct: Number(row[`c${i}_distinct`] ?? 0),
    min: row[`c${i}_min`] ?? null,
    max: row[`c${i}_max`] ?? null,
    mean: (row[`c${i}_mean`] as number | null | undefined) ?? null,
  }));
  return { rowCount: Number(row['row_count'] ?? 0), columns: summaries };
}
