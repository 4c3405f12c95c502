/**
 * The built-in analytics plugin: descriptive statistics, correlations,
 * group-by aggregates, outliers (IQR, z-score) and histograms, all computed in
 * DuckDB through the plugin context (so its permissions apply). A source is
 * `{ table }`, `{ sql }` (a single read-only query) or `{ data: rows }` (loaded
 * into a scratch table, which needs `engine:write`, and dropped afterwards).
 */
import {
  PluginError,
  ValidationError,
  withoutTrailingSemicolons,
  type DataPrismPlugin,
  type PluginContext,
  type PluginPermission,
  type QueryResultLike,
} from '@dataprism/orchestration';
import {
  aggregateSql,
  correlateSql,
  describeSql,
  histogramSql,
  isNumericType,
  MEASURES,
  outlierBoundsSql,
  outlierRowsSql,
  type Measure,
} from './analyticsSql.js';
import { isRows, paramsObject, plainRows, plainValue, quoteIdent, toNumber } from './values.js';

/** Where an action reads from: a table, a read-only query, or rows. */
export interface AnalyticsSource {
  table?: string;
  sql?: string;
  data?: Record<string, unknown>[];
}

/** Statistics of one column, from `describe`. Numeric columns also get mean, stddev and quartiles. */
export interface ColumnSummary {
  name: string;
  type: string;
  count: number;
  nulls: number;
  distinct: number;
  min: unknown;
  max: unknown;
  mean?: number | null;
  stddev?: number | null;
  q1?: number | null;
  median?: number | null;
  q3?: number | null;
}

/** Options of the analytics plugin. */
export interface AnalyticsPluginOptions {
  /** The plugin's name. Default `analytics`. */
  name?: string;
  /** When true the plugin only reads (no `engine:write`), so `{ data: rows }` sources are refused. Default false. */
  readOnly?: boolean;
  /** Hook time budget in ms. Default: the registry's. */
  timeoutMs?: number;
}

const ACTIONS = ['describe', 'correlate', 'aggregate', 'outliers', 'histogram'] as const;

function invalid(context: PluginContext, path: string, message: string): ValidationError {
  return new ValidationError(`analytics: ${path} ${message}`, { component: `plugin:${context.name}`, issues: [{ path, message }] });
}

/** Runs `fn` with a FROM-able relation for the source, cleaning up a scratch table. */
async function withSource<T>(params: AnalyticsSource, context: PluginContext, fn: (relation: string) => Promise<T>): Promise<T> {
  if (typeof params.table === 'string') return fn(quoteIdent(params.table));
  if (typeof params.sql === 'string') {
    // Every read below runs read-only (see `read`), so DuckDB refuses a caller's write through `sql`
    // even though this plugin may hold engine:write; the newline ends a trailing `--` comment.
    return fn(`(\n${withoutTrailingSemicolons(params.sql)}\n) AS "source"`);
  }
  if (isRows(params.data)) {
    if (!context.permissions.includes('engine:write')) {
      throw new PluginError(`plugin '${context.name}' is read-only and cannot load rows; pass { table } or { sql } instead`, {
        plugin: context.name,
        phase: 'permission',
      });
    }
    if (params.data.length === 0) throw invalid(context, 'data', 'is empty');
    // Web Crypto (Node 20 and browsers alike), so the plugin has no Node-only import.
    const scratch = `dataprism_analytics_${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
    await context.loadData(params.data, scratch);
    try {
      return await fn(quoteIdent(scratch));
    } finally {
      await context.query(`DROP TABLE IF EXISTS ${quoteIdent(scratch)}`);
    }
  }
  throw invalid(context, 'source', 'must be one of { table }, { sql } or { data: rows }');
}

/** Runs one of the plugin's reads. Always read-only: a caller's `{ sql }` is inside it. */
function read(context: PluginContext, sql: string): Promise<QueryResultLike> {
  return context.query(sql, undefined, { readOnly: true });
}

async function columnsOf(relation: string, context: PluginContext): Promise<{ name: string; type: string }[]> {
  const result = await read(context, `DESCRIBE SELECT * FROM ${relation}`);
  return result.data.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

function pick(all: { name: string; type: string }[], wanted: unknown, context: PluginContext): { name: string; type: string }[] {
  if (wanted === undefined) return all;
  if (!Array.isArray(wanted)) throw invalid(context, 'columns', 'must be an array of column names');
  return wanted.map((w) => {
    const found = all.find((c) => c.name === w);
    if (!found) throw invalid(context, 'columns', `has '${String(w)}', which is not a column; columns are [${all.map((c) => c.name).join(', ')}]`);
    return found;
  });
}

function requireColumn(all: { name: string; type: string }[], column: unknown, context: PluginContext, numeric = true): string {
  const found = all.find((c) => c.name === column);
  if (!found) throw invalid(context, 'column', `must name a column; got ${JSON.stringify(column)}, columns are [${all.map((c) => c.name).join(', ')}]`);
  if (numeric && !isNumericType(found.type)) throw invalid(context, 'column', `'${found.name}' is ${found.type}, not numeric`);
  return found.name;
}

async function describe(p: Record<string, unknown>, context: PluginContext) {
  return withSource(p, context, async (relation) => {
    const columns = pick(await columnsOf(relation, context), p.columns, context);
    const row = (await read(context, describeSql(relation, columns))).data[0] ?? {};
    const summaries: ColumnSummary[] = columns.map((col, i) => {
      const get = (k: string) => row[`c${i}_${k}`];
      const summary: ColumnSummary = {
        name: col.name,
        type: col.type,
        count: toNumber(get('count')) ?? 0,
        nulls: toNumber(get('nulls')) ?? 0,
        distinct: toNumber(get('distinct')) ?? 0,
        min: plainValue(get('min')) ?? null,
        max: plainValue(get('max')) ?? null,
      };
      if (isNumericType(col.type)) {
        summary.mean = toNumber(get('mean'));
        summary.stddev = toNumber(get('stddev'));
        summary.q1 = toNumber(get('q1'));
        summary.median = toNumber(get('median'));
        summary.q3 = toNumber(get('q3'));
      }
      return summary;
    });
    return { rowCount: toNumber(row.rows) ?? 0, columns: summaries };
  });
}

async function correlate(p: Record<string, unknown>, context: PluginContext) {
  return withSource(p, context, async (relation) => {
    const all = await columnsOf(relation, context);
    const numeric = pick(all, p.columns, context).filter((c) => isNumericType(c.type)).map((c) => c.name);
    if (numeric.length < 2) throw invalid(context, 'columns', `needs at least two numeric columns, found [${numeric.join(', ')}]`);
    const row = (await read(context, correlateSql(relation, numeric))).data[0] ?? {};
    const matrix = numeric.map((_, i) =>
      numeric.map((__, j) => (i === j ? 1 : toNumber(row[i < j ? `r_${i}_${j}` : `r_${j}_${i}`]))),
    );
    return { columns: numeric, matrix };
  });
}

async function aggregate(p: Record<string, unknown>, context: PluginContext) {
  const groupBy = p.groupBy === undefined ? [] : p.groupBy;
  if (!Array.isArray(groupBy) || !groupBy.every((g) => typeof g === 'string')) throw invalid(context, 'groupBy', 'must be an array of column names');
  if (!Array.isArray(p.measures) || p.measures.length === 0) {
    throw invalid(context, 'measures', `must list at least one { column, op: ${Object.keys(MEASURES).join('|')}, as? }`);
  }
  const measures = p.measures as Measure[];
  return withSource(p, context, async (relation) => {
    const all = await columnsOf(relation, context);
    for (const g of groupBy as string[]) requireColumn(all, g, context, false);
    for (const m of measures) requireColumn(all, m.column, context, m.op !== 'count' && m.op !== 'count_distinct' && m.op !== 'min' && m.op !== 'max');
    const sql = aggregateSql(
      relation,
      groupBy as string[],
      measures,
      typeof p.orderBy === 'string' ? p.orderBy : undefined,
      p.descending === true,
      typeof p.limit === 'number' ? p.limit : undefined,
    );
    return { rows: plainRows((await read(context, sql)).data) };
  });
}

async function outliers(p: Record<string, unknown>, context: PluginContext) {
  const method = p.method ?? 'iqr';
  if (method !== 'iqr' && method !== 'zscore') throw invalid(context, 'method', `must be 'iqr' or 'zscore', got ${JSON.stringify(method)}`);
  const k = typeof p.threshold === 'number' && p.threshold > 0 ? p.threshold : method === 'iqr' ? 1.5 : 3;
  const limit = typeof p.limit === 'number' ? p.limit : 1000;
  return withSource(p, context, async (relation) => {
    const column = requireColumn(await columnsOf(relation, context), p.column, context);
    const bounds = (await read(context, outlierBoundsSql(relation, column, method, k))).data[0] ?? {};
    const lower = toNumber(bounds.lower);
    const upper = toNumber(bounds.upper);
    if (lower === null || upper === null) return { method, threshold: k, lower, upper, count: 0, rows: [] };
    const rows = plainRows((await read(context, outlierRowsSql(relation, column, lower, upper, limit))).data);
    return { method, threshold: k, lower, upper, count: rows.length, rows };
  });
}

async function histogram(p: Record<string, unknown>, context: PluginContext) {
  const bins = typeof p.bins === 'number' && p.bins >= 1 ? Math.floor(p.bins) : 10;
  return withSource(p, context, async (relation) => {
    const column = requireColumn(await columnsOf(relation, context), p.column, context);
    const range = (await read(context, `SELECT CAST(min(${quoteIdent(column)}) AS DOUBLE) AS lo, CAST(max(${quoteIdent(column)}) AS DOUBLE) AS hi FROM ${relation}`)).data[0] ?? {};
    const lo = toNumber(range.lo);
    const hi = toNumber(range.hi);
    if (lo === null || hi === null) return { column, bins: [] };
    const width = (hi - lo) / bins || 1;
    const counts = new Map<number, number>();
    for (const r of (await read(context, histogramSql(relation, column, lo, hi, bins))).data) counts.set(toNumber(r.bin) ?? 0, toNumber(r.n) ?? 0);
    return {
      column,
      bins: Array.from({ length: bins }, (_, i) => ({ bin: i, lower: lo + i * width, upper: i === bins - 1 ? hi : lo + (i + 1) * width, count: counts.get(i) ?? 0 })),
    };
  });
}

/** The analytics plugin: actions describe, correlate, aggregate, outliers, histogram. */
export function createAnalyticsPlugin(options: AnalyticsPluginOptions = {}): DataPrismPlugin {
  const permissions: PluginPermission[] = options.readOnly ? ['engine:read'] : ['engine:read', 'engine:write'];
  return {
    name: options.name ?? 'analytics',
    version: '1.0.0',
    description: 'Descriptive statistics, correlations, aggregates, outliers and histograms computed in DuckDB',
    dependencies: [],
    capabilities: [...ACTIONS],
    permissions,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    // Stateless: every call gets the context it needs.
    initialize() {},
    execute(action, params, context) {
      const p = paramsObject(params, action, '{ table } | { sql } | { data }, plus the action’s options');
      switch (action) {
        case 'describe':
          return describe(p, context);
        case 'correlate':
          return correlate(p, context);
        case 'aggregate':
          return aggregate(p, context);
        case 'outliers':
          return outliers(p, context);
        case 'histogram':
          return histogram(p, context);
        default:
          throw invalid(context, 'action', `'${action}' is not one of ${ACTIONS.join(', ')}`);
      }
    },
    dispose() {},
  };
}
