/**
 * The SQL behind the analytics plugin's actions, as pure string builders over a
 * source relation (a quoted table or a parenthesized read-only query). Every
 * identifier is quoted; every operator comes from a fixed list.
 */
import { ValidationError } from '@dataprism/orchestration';
import { quoteIdent } from './values.js';

/** DuckDB type names treated as numbers. */
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*|INT\d*|NUMERIC.*)$/i;

export function isNumericType(type: string): boolean {
  return NUMERIC_TYPE.test(type.trim());
}

/** Aggregations `aggregate` accepts, and their SQL. */
export const MEASURES = {
  sum: (c: string) => `CAST(sum(${c}) AS DOUBLE)`,
  avg: (c: string) => `CAST(avg(${c}) AS DOUBLE)`,
  min: (c: string) => `min(${c})`,
  max: (c: string) => `max(${c})`,
  count: (c: string) => `CAST(count(${c}) AS DOUBLE)`,
  count_distinct: (c: string) => `CAST(count(DISTINCT ${c}) AS DOUBLE)`,
  median: (c: string) => `CAST(median(${c}) AS DOUBLE)`,
  stddev: (c: string) => `CAST(stddev_samp(${c}) AS DOUBLE)`,
} as const;

export type MeasureOp = keyof typeof MEASURES;

/** `describe`: one row, eleven numbered columns per input column. */
export function describeSql(source: string, columns: { name: string; type: string }[]): string {
  const parts: string[] = ['CAST(count(*) AS DOUBLE) AS "rows"'];
  columns.forEach((col, i) => {
    const c = quoteIdent(col.name);
    const numeric = isNumericType(col.type);
    const v = (expr: string) => (numeric ? `CAST(${expr} AS DOUBLE)` : `CAST(${expr} AS VARCHAR)`);
    parts.push(
      `CAST(count(${c}) AS DOUBLE) AS "c${i}_count"`,
      `CAST(count(*) - count(${c}) AS DOUBLE) AS "c${i}_nulls"`,
      `CAST(count(DISTINCT ${c}) AS DOUBLE) AS "c${i}_distinct"`,
      `${v(`min(${c})`)} AS "c${i}_min"`,
      `${v(`max(${c})`)} AS "c${i}_max"`,
    );
    if (numeric) {
      parts.push(
        `CAST(avg(${c}) AS DOUBLE) AS "c${i}_mean"`,
        `CAST(stddev_samp(${c}) AS DOUBLE) AS "c${i}_stddev"`,
        `CAST(quantile_cont(${c}, 0.25) AS DOUBLE) AS "c${i}_q1"`,
        `CAST(quantile_cont(${c}, 0.5) AS DOUBLE) AS "c${i}_median"`,
        `CAST(quantile_cont(${c}, 0.75) AS DOUBLE) AS "c${i}_q3"`,
      );
    }
  });
  return `SELECT ${parts.join(', ')} FROM ${source}`;
}

/** `correlate`: one row with `r_i_j` = Pearson correlation of columns i and j (i < j). */
export function correlateSql(source: string, columns: string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    for (let j = i + 1; j < columns.length; j++) {
      parts.push(`CAST(corr(${quoteIdent(columns[i]!)}, ${quoteIdent(columns[j]!)}) AS DOUBLE) AS "r_${i}_${j}"`);
    }
  }
  return `SELECT ${parts.length > 0 ? parts.join(', ') : '1 AS "none"'} FROM ${source}`;
}

/** One measure of `aggregate`. */
export interface Measure {
  column: string;
  op: MeasureOp;
  /** Output column name. Default `<op>_<column>`. */
  as?: string;
}

/** `aggregate`: GROUP BY `groupBy` with `measures`, ordered by the groups (or `orderBy`), limited. */
export function aggregateSql(source: string, groupBy: string[], measures: Measure[], orderBy?: string, descending = false, limit?: number): string {
  const groups = groupBy.map(quoteIdent);
  const selected = [
    ...groups,
    ...measures.map((m) => {
      const build = MEASURES[m.op];
      if (!build) {
        throw new ValidationError(`aggregate: unknown measure op ${JSON.stringify(m.op)}; use one of ${Object.keys(MEASURES).join(', ')}`, {
          component: 'plugin:analytics',
          issues: [{ path: 'measures', message: `unknown op ${String(m.op)}` }],
        });
      }
      return `${build(quoteIdent(m.column))} AS ${quoteIdent(m.as ?? `${m.op}_${m.column}`)}`;
    }),
  ];
  let sql = `SELECT ${selected.join(', ')} FROM ${source}`;
  if (groups.length > 0) sql += ` GROUP BY ${groups.join(', ')}`;
  const order = orderBy !== undefined ? [quoteIdent(orderBy)] : groups;
  if (order.length > 0) sql += ` ORDER BY ${order.map((o) => `${o}${descending ? ' DESC' : ''}`).join(', ')}`;
  if (limit !== undefined) sql += ` LIMIT ${Math.max(0, Math.floor(limit))}`;
  return sql;
}

/** `outliers`: the bounds of `column` under IQR (`k` × IQR beyond the quartiles) or z-score (|z| > k). */
export function outlierBoundsSql(source: string, column: string, method: 'iqr' | 'zscore', k: number): string {
  const c = quoteIdent(column);
  if (method === 'iqr') {
    return `SELECT CAST(q1 - ${k} * (q3 - q1) AS DOUBLE) AS lower, CAST(q3 + ${k} * (q3 - q1) AS DOUBLE) AS upper FROM (SELECT quantile_cont(${c}, 0.25) AS q1, quantile_cont(${c}, 0.75) AS q3 FROM ${source})`;
  }
  return `SELECT CAST(m - ${k} * s AS DOUBLE) AS lower, CAST(m + ${k} * s AS DOUBLE) AS upper FROM (SELECT avg(${c}) AS m, stddev_samp(${c}) AS s FROM ${source})`;
}

/** Rows of `source` whose `column` lies outside [lower, upper]. */
export function outlierRowsSql(source: string, column: string, lower: number, upper: number, limit: number): string {
  const c = quoteIdent(column);
  return `SELECT * FROM ${source} WHERE ${c} < ${lower} OR ${c} > ${upper} ORDER BY ${c} LIMIT ${Math.max(0, Math.floor(limit))}`;
}

/** `histogram`: counts per equal-width bin of `column` over [min, max]; the max falls in the last bin. */
export function histogramSql(source: string, column: string, min: number, max: number, bins: number): string {
  const c = quoteIdent(column);
  const width = (max - min) / bins || 1;
  return `SELECT CAST(least(floor((${c} - ${min}) / ${width}), ${bins - 1}) AS INTEGER) AS bin, CAST(count(*) AS DOUBLE) AS n FROM ${source} WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY 1`;
}
