/**
 * The built-in visualization plugin. `create_chart` turns rows (or a query's
 * rows) into a Vega-Lite spec and its SVG; `export` writes a chart's SVG or spec
 * to a file (Node only). Queries go through the plugin context, so they are read-only.
 */
import { ValidationError, type DataPrismPlugin, type PluginContext } from '@dataprism/orchestration';
import { buildChartSpec, CHART_TYPES, type ChartType, type VegaLiteSpec } from './chartSpec.js';
import { renderSvg } from './renderSvg.js';
import { isRows, paramsObject, plainRows } from './values.js';
import { writeTextFile } from './writeTextFile.js';

/** Parameters of `create_chart`. */
export interface CreateChartParams {
  type: ChartType;
  /** Rows, or a read-only query whose rows are charted. */
  data: Record<string, unknown>[] | { sql: string; params?: unknown[] };
  /** Column on the x axis (pie: the slices). Default: the first string/date column (scatter, histogram: the first numeric). */
  x?: string;
  /** Column on the y axis (pie: the angle). Default: the first numeric column other than x. */
  y?: string;
  /** Column that colours marks. Default none. */
  color?: string;
  title?: string;
  /** Default: the plugin config's `width`, else 400. */
  width?: number;
  /** Default: the plugin config's `height`, else 300. */
  height?: number;
}

/** What `create_chart` returns. */
export interface ChartResult {
  spec: VegaLiteSpec;
  svg: string;
}

/** Parameters of `export`: where, which format, and a chart or the arguments of create_chart. */
export type ExportChartParams = { path: string; format?: 'svg' | 'json' } & ({ chart: ChartResult } | CreateChartParams);

/** What `export` returns. */
export interface ExportResult {
  path: string;
  format: 'svg' | 'json';
  bytes: number;
}

/** Options of the visualization plugin. */
export interface VisualizationPluginOptions {
  /** The plugin's name. Default `visualization`. */
  name?: string;
  /** Hook time budget in ms. Default: the registry's. */
  timeoutMs?: number;
}

async function rowsOf(data: unknown, context: PluginContext): Promise<Record<string, unknown>[]> {
  if (isRows(data)) return plainRows(data);
  if (typeof data === 'object' && data !== null && typeof (data as { sql?: unknown }).sql === 'string') {
    const { sql, params } = data as { sql: string; params?: unknown[] };
    const result = await context.query(sql, params);
    return plainRows(result.data);
  }
  throw new ValidationError('create_chart: `data` must be an array of row objects or { sql }', {
    component: `plugin:${context.name}`,
    issues: [{ path: 'data', message: 'must be rows or { sql }' }],
  });
}

/** Builds the spec and SVG of one chart. */
export async function createChart(params: unknown, context: PluginContext): Promise<ChartResult> {
  const p = paramsObject(params, 'create_chart', `{ type: ${CHART_TYPES.join('|')}, data, x?, y?, color?, title? }`) as unknown as CreateChartParams;
  const rows = await rowsOf(p.data, context);
  const config = context.config as { width?: number; height?: number };
  const spec = buildChartSpec(rows, {
    type: p.type,
    ...(p.x === undefined ? {} : { x: p.x }),
    ...(p.y === undefined ? {} : { y: p.y }),
    ...(p.color === undefined ? {} : { color: p.color }),
    ...(p.title === undefined ? {} : { title: p.title }),
    width: p.width ?? config.width ?? 400,
    height: p.height ?? config.height ?? 300,
  });
  return { spec, svg: await renderSvg(spec) };
}

async function exportChart(params: unknown, context: PluginContext): Promise<ExportResult> {
  const p = paramsObject(params, 'export', '{ path, format: svg|json, chart | create_chart arguments }') as unknown as ExportChartParams;
  if (typeof p.path !== 'string' || p.path.length === 0) {
    throw new ValidationError('export: `path` must be the file to write', { component: `plugin:${context.name}`, issues: [{ path: 'path', message: 'is required' }] });
  }
  const format = p.format ?? (p.path.toLowerCase().endsWith('.json') ? 'json' : 'svg');
  if (format !== 'svg' && format !== 'json') {
    throw new ValidationError(`export: format must be 'svg' or 'json', got ${JSON.stringify(format)}`, {
      component: `plugin:${context.name}`,
      issues: [{ path: 'format', message: 'unknown format' }],
    });
  }
  const chart = 'chart' in p && p.chart ? p.chart : await createChart(p, context);
  const text = format === 'svg' ? chart.svg : `${JSON.stringify(chart.spec, null, 2)}\n`;
  // A browser build swaps in a writer that refuses (package.json `browser` field).
  await writeTextFile(p.path, text);
  return { path: p.path, format, bytes: new TextEncoder().encode(text).length };
}

/** The visualization plugin: actions `create_chart` and `export`; reads the engine only. */
export function createVisualizationPlugin(options: VisualizationPluginOptions = {}): DataPrismPlugin {
  return {
    name: options.name ?? 'visualization',
    version: '1.0.0',
    description: 'Charts (bar, line, area, scatter, histogram, pie) as Vega-Lite specs and SVG, from rows or read-only queries',
    dependencies: [],
    capabilities: ['create_chart', 'export'],
    permissions: ['engine:read'],
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    configSchema: {
      type: 'object',
      properties: { width: { type: 'number', minimum: 1 }, height: { type: 'number', minimum: 1 } },
    },
    // Stateless: every call gets the context it needs.
    initialize() {},
    execute(action, params, ctx) {
      switch (action) {
        case 'create_chart':
          return createChart(params, ctx);
        case 'export':
          return exportChart(params, ctx);
        default:
          throw new ValidationError(`visualization has no action '${action}'`, { component: `plugin:${ctx.name}` });
      }
    },
    dispose() {},
  };
}
