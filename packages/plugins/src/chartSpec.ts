/**
 * Builds a Vega-Lite spec from rows and chart options: infers the fields a
 * caller left out (first string/date column → x, first numeric → y) and maps
 * each chart type to its marks and encodings. Pure: no rendering, no I/O.
 */
import { ValidationError } from '@dataprism/orchestration';

/** The chart types `create_chart` draws. */
export type ChartType = 'bar' | 'line' | 'area' | 'scatter' | 'histogram' | 'pie';

export const CHART_TYPES: readonly ChartType[] = ['bar', 'line', 'area', 'scatter', 'histogram', 'pie'];

/** Chart options, after the data is known. */
export interface ChartOptions {
  type: ChartType;
  x?: string;
  y?: string;
  color?: string;
  title?: string;
  /** Plot width in pixels. Default 400. */
  width?: number;
  /** Plot height in pixels. Default 300. */
  height?: number;
}

/** A Vega-Lite (v5+) top-level spec, as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

type FieldKind = 'quantitative' | 'temporal' | 'nominal';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** What kind of values a column holds, judged from its non-null values. */
export function fieldKind(rows: readonly Record<string, unknown>[], field: string): FieldKind {
  let seen = 0;
  let numeric = 0;
  let temporal = 0;
  for (const row of rows) {
    const v = row[field];
    if (v === null || v === undefined) continue;
    seen++;
    if (typeof v === 'number' || typeof v === 'bigint') numeric++;
    else if (v instanceof Date || (typeof v === 'string' && ISO_DATE.test(v))) temporal++;
    if (seen >= 50) break;
  }
  if (seen > 0 && numeric === seen) return 'quantitative';
  if (seen > 0 && temporal === seen) return 'temporal';
  return 'nominal';
}

function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows.slice(0, 50)) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** Fills in `x` and `y` when absent, following the chart type. */
export function inferFields(rows: readonly Record<string, unknown>[], options: ChartOptions): { x: string; y?: string } {
  const columns = columnsOf(rows);
  const kinds = new Map(columns.map((c) => [c, fieldKind(rows, c)]));
  const numeric = columns.filter((c) => kinds.get(c) === 'quantitative');
  const categorical = columns.filter((c) => kinds.get(c) !== 'quantitative');
  const need = (what: string, found: string | undefined): string => {
    if (found === undefined) {
      throw new ValidationError(
        `create_chart (${options.type}) cannot infer ${what} from columns [${columns.join(', ')}]; pass it explicitly`,
        { component: 'plugin:visualization', issues: [{ path: what, message: 'could not be inferred' }] },
      );
    }
    if (!columns.includes(found)) {
      throw new ValidationError(`create_chart: column '${found}' (${what}) is not in the data; columns are [${columns.join(', ')}]`, {
        component: 'plugin:visualization',
        issues: [{ path: what, message: `unknown column '${found}'` }],
      });
    }
    return found;
  };
  if (options.type === 'histogram') return { x: need('x', options.x ?? numeric[0]) };
  if (options.type === 'scatter') {
    const x = need('x', options.x ?? numeric[0]);
    return { x, y: need('y', options.y ?? numeric.find((c) => c !== x)) };
  }
  const x = need('x', options.x ?? categorical[0] ?? columns[0]);
  return { x, y: need('y', options.y ?? numeric.find((c) => c !== x)) };
}

/** The Vega-Lite spec of a chart of `rows`. */
export function buildChartSpec(rows: readonly Record<string, unknown>[], options: ChartOptions): VegaLiteSpec {
  if (!CHART_TYPES.includes(options.type)) {
    throw new ValidationError(`create_chart: unknown chart type ${JSON.stringify(options.type)}; use one of ${CHART_TYPES.join(', ')}`, {
      component: 'plugin:visualization',
      issues: [{ path: 'type', message: 'unknown chart type' }],
    });
  }
  if (rows.length === 0) {
    throw new ValidationError('create_chart needs at least one row of data', { component: 'plugin:visualization', issues: [{ path: 'data', message: 'is empty' }] });
  }
  const { x, y } = inferFields(rows, options);
  const kind = (f: string) => fieldKind(rows, f);
  const base: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rows },
    width: options.width ?? 400,
    height: options.height ?? 300,
  };
  if (options.title !== undefined) base.title = options.title;
  const color = options.color === undefined ? undefined : { field: options.color, type: kind(options.color) === 'quantitative' ? 'quantitative' : 'nominal' };
  const xKind = kind(x);
  switch (options.type) {
    case 'bar':
      return {
        ...base,
        mark: 'bar',
        encoding: {
          x: { field: x, type: xKind === 'quantitative' ? 'ordinal' : xKind, sort: null },
          y: { field: y, type: 'quantitative' },
          ...(color ? { color } : {}),
        },
      };
    case 'line':
    case 'area':
      return {
        ...base,
        mark: options.type === 'line' ? { type: 'line', point: true } : 'area',
        encoding: {
          x: { field: x, type: xKind === 'nominal' ? 'ordinal' : xKind, sort: null },
          y: { field: y, type: 'quantitative' },
          ...(color ? { color } : {}),
        },
      };
    case 'scatter':
      return {
        ...base,
        mark: 'point',
        encoding: { x: { field: x, type: 'quantitative' }, y: { field: y, type: 'quantitative' }, ...(color ? { color } : {}) },
      };
    case 'histogram':
      return {
        ...base,
        mark: 'bar',
        encoding: { x: { field: x, type: 'quantitative', bin: true }, y: { aggregate: 'count', type: 'quantitative' }, ...(color ? { color } : {}) },
      };
    case 'pie':
      return {
        ...base,
        mark: 'arc',
        encoding: { theta: { field: y, type: 'quantitative' }, color: color ?? { field: x, type: 'nominal' } },
      };
  }
}
