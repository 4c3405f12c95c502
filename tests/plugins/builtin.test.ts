// The built-in plugins for real: Vega SVG rendered in Node, statistics computed by DuckDB-WASM.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PluginRegistry } from '../../src/plugins/index.js';
import { createAnalyticsPlugin, createVisualizationPlugin, type ChartResult } from '@dataprism/plugins';
import { PluginError } from '../../src/errors/PluginError.js';
import { createTestEngine, type TestEngine } from './duckdbEngine.js';

const salesData = [
  { region: 'North', sales: 120, month: '2024-01-01' },
  { region: 'South', sales: 80, month: '2024-02-01' },
  { region: 'East', sales: 150, month: '2024-03-01' },
  { region: 'West', sales: 95, month: '2024-04-01' },
];

/** The marks of one Vega mark group (`rect`, `arc`, `symbol`, `line`) in an SVG. */
function marks(svg: string, kind: string): number {
  const group = new RegExp(`<g class="mark-${kind} role-mark[^"]*"[^>]*>(.*?)</g>`, 's').exec(svg);
  if (!group) return 0;
  return (group[1]!.match(/<path\b/g) ?? []).length;
}

let engine: TestEngine;
let registry: PluginRegistry;
let dir: string;

beforeAll(async () => {
  engine = await createTestEngine();
  engine.raw(`CREATE TABLE sales AS SELECT * FROM (VALUES ('North', 120, 3.0), ('South', 80, 2.5), ('East', 150, 4.0), ('West', 95, 2.0), ('North', 130, 3.5), ('South', 70, 1.5)) AS v(region, amount, margin)`);
  engine.raw(`CREATE TABLE measurements AS SELECT range AS i, CASE WHEN range = 99 THEN 1000.0 ELSE (range % 10)::DOUBLE END AS v, NULL::INTEGER AS empty FROM range(100)`);
  registry = new PluginRegistry({ engine });
  await registry.register(createVisualizationPlugin());
  await registry.register(createAnalyticsPlugin());
  await registry.initializeAll();
  dir = await mkdtemp(path.join(tmpdir(), 'dataprism-plugins-'));
});

afterAll(async () => {
  await registry.shutdownAll();
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('visualization', () => {
  test('the spec example: a bar chart of rows, with inferred fields and one bar per row', async () => {
    const result = (await registry.execute('visualization', 'create_chart', { type: 'bar', data: salesData })) as ChartResult;
    expect(result.spec).toMatchObject({ mark: 'bar', encoding: { x: { field: 'region' }, y: { field: 'sales', type: 'quantitative' } } });
    expect(result.svg.startsWith('<svg')).toBe(true);
    expect(result.svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(marks(result.svg, 'rect')).toBe(4);
    for (const r of salesData) expect(result.svg).toContain(r.region);
  });

  test('charts a read-only query; each chart type draws its marks', async () => {
    const sql = { sql: 'SELECT region, CAST(sum(amount) AS INTEGER) AS total FROM sales GROUP BY region ORDER BY region' };
    const bar = (await registry.execute('visualization', 'create_chart', { type: 'bar', data: sql, title: 'Totals' })) as ChartResult;
    expect(marks(bar.svg, 'rect')).toBe(4);
    expect(bar.svg).toContain('Totals');
    const pie = (await registry.execute('visualization', 'create_chart', { type: 'pie', data: sql })) as ChartResult;
    expect(marks(pie.svg, 'arc')).toBe(4);
    const scatter = (await registry.execute('visualization', 'create_chart', { type: 'scatter', data: { sql: 'SELECT amount, margin FROM sales' } })) as ChartResult;
    expect(scatter.spec).toMatchObject({ encoding: { x: { field: 'amount' }, y: { field: 'margin' } } });
    expect(marks(scatter.svg, 'symbol')).toBe(6);
    const line = (await registry.execute('visualization', 'create_chart', { type: 'line', data: salesData, x: 'month', y: 'sales' })) as ChartResult;
    expect(line.spec).toMatchObject({ encoding: { x: { field: 'month', type: 'temporal' } } });
    expect(marks(line.svg, 'line')).toBe(1);
    const hist = (await registry.execute('visualization', 'create_chart', { type: 'histogram', data: { sql: 'SELECT v FROM measurements WHERE v < 100' } })) as ChartResult;
    expect(hist.spec).toMatchObject({ encoding: { x: { field: 'v', bin: true }, y: { aggregate: 'count' } } });
    expect(marks(hist.svg, 'rect')).toBeGreaterThan(1);
    const area = (await registry.execute('visualization', 'create_chart', { type: 'area', data: salesData, color: 'region' })) as ChartResult;
    expect(area.svg).toContain('<svg');
  });

  test('the chart query is read-only, and bad arguments say what to fix', async () => {
    await expect(registry.execute('visualization', 'create_chart', { type: 'bar', data: { sql: 'DROP TABLE sales' } })).rejects.toThrow(/read-only/);
    expect(engine.raw('SELECT count(*) AS n FROM sales')[0]!.n).toBe(6);
    await expect(registry.execute('visualization', 'create_chart', { type: 'donut', data: salesData })).rejects.toThrow(/unknown chart type/);
    await expect(registry.execute('visualization', 'create_chart', { type: 'bar', data: salesData, y: 'nope' })).rejects.toThrow(/column 'nope'/);
    await expect(registry.execute('visualization', 'create_chart', { type: 'bar', data: [] })).rejects.toThrow(/at least one row/);
  });

  test('export writes the SVG or the spec to a file', async () => {
    const svgPath = path.join(dir, 'charts', 'sales.svg');
    const written = await registry.execute('visualization', 'export', { path: svgPath, type: 'bar', data: salesData });
    expect(written).toMatchObject({ path: svgPath, format: 'svg' });
    const svg = await readFile(svgPath, 'utf8');
    expect(marks(svg, 'rect')).toBe(4);
    const chart = (await registry.execute('visualization', 'create_chart', { type: 'pie', data: salesData })) as ChartResult;
    const jsonPath = path.join(dir, 'pie.json');
    await registry.execute('visualization', 'export', { path: jsonPath, chart });
    expect(JSON.parse(await readFile(jsonPath, 'utf8'))).toEqual(chart.spec);
  });
});

describe('analytics', () => {
  test('describe: per-column count, nulls, distinct, min, max, mean, stddev, quartiles', async () => {
    const result = (await registry.execute('analytics', 'describe', { table: 'measurements' })) as {
      rowCount: number;
      columns: { name: string; count: number; nulls: number; distinct: number; min: unknown; max: unknown; mean?: number; q1?: number; median?: number; stddev?: number }[];
    };
    expect(result.rowCount).toBe(100);
    const i = result.columns.find((c) => c.name === 'i')!;
    expect(i).toMatchObject({ count: 100, nulls: 0, distinct: 100, min: 0, max: 99, mean: 49.5, median: 49.5 });
    expect(i.q1).toBeCloseTo(24.75);
    expect(i.stddev).toBeCloseTo(29.0115, 3);
    const empty = result.columns.find((c) => c.name === 'empty')!;
    expect(empty).toMatchObject({ count: 0, nulls: 100, distinct: 0, mean: null });
  });

  test('correlate: a symmetric matrix with ones on the diagonal', async () => {
    const result = (await registry.execute('analytics', 'correlate', { sql: 'SELECT i, i * 2 + 1 AS j, -i AS k FROM measurements' })) as { columns: string[]; matrix: number[][] };
    expect(result.columns).toEqual(['i', 'j', 'k']);
    expect(result.matrix[0]![0]).toBe(1);
    expect(result.matrix[0]![1]).toBeCloseTo(1);
    expect(result.matrix[0]![2]).toBeCloseTo(-1);
    expect(result.matrix[2]![0]).toBeCloseTo(-1);
  });

  test('aggregate: group-by with chosen measures, quoted identifiers', async () => {
    const result = (await registry.execute('analytics', 'aggregate', {
      table: 'sales',
      groupBy: ['region'],
      measures: [{ column: 'amount', op: 'sum' }, { column: 'margin', op: 'avg', as: 'avg margin' }, { column: 'amount', op: 'count' }],
      orderBy: 'sum_amount',
      descending: true,
    })) as { rows: Record<string, unknown>[] };
    expect(result.rows[0]).toEqual({ region: 'North', sum_amount: 250, 'avg margin': 3.25, count_amount: 2 });
    expect(result.rows).toHaveLength(4);
    await expect(registry.execute('analytics', 'aggregate', { table: 'sales', measures: [{ column: 'amount', op: 'drop' }] })).rejects.toThrow(/unknown measure op/);
  });

  test('outliers by IQR and z-score', async () => {
    const iqr = (await registry.execute('analytics', 'outliers', { table: 'measurements', column: 'v' })) as { rows: { i: number }[]; count: number; upper: number };
    expect(iqr.count).toBe(1);
    expect(iqr.rows[0]!.i).toBe(99);
    const z = (await registry.execute('analytics', 'outliers', { table: 'measurements', column: 'v', method: 'zscore', threshold: 3 })) as { rows: { v: number }[] };
    expect(z.rows.map((r) => r.v)).toEqual([1000]);
  });

  test('histogram: equal-width bins including empty ones; the max lands in the last bin', async () => {
    const result = (await registry.execute('analytics', 'histogram', { sql: 'SELECT v FROM measurements WHERE v < 100', column: 'v', bins: 3 })) as {
      bins: { bin: number; lower: number; upper: number; count: number }[];
    };
    expect(result.bins.map((b) => b.count)).toEqual([30, 30, 39]);
    expect(result.bins[0]!.lower).toBe(0);
    expect(result.bins[2]!.upper).toBe(9);
  });

  test('rows are loaded into a scratch table that is dropped afterwards', async () => {
    const before = engine.raw('SELECT count(*) AS n FROM duckdb_tables()')[0]!.n;
    const result = (await registry.execute('analytics', 'describe', { data: salesData, columns: ['sales'] })) as { columns: { name: string; mean: number }[] };
    expect(result.columns).toEqual([expect.objectContaining({ name: 'sales', mean: 111.25 })]);
    expect(engine.raw('SELECT count(*) AS n FROM duckdb_tables()')[0]!.n).toBe(before);
  });

  test('a source query must be read-only even though the plugin may write', async () => {
    await expect(registry.execute('analytics', 'describe', { sql: 'SELECT 1) AS x; DROP TABLE sales; --' })).rejects.toThrow(/read-only/);
    expect(engine.raw('SELECT count(*) AS n FROM sales')[0]!.n).toBe(6);
  });

  test('a read-only analytics plugin refuses rows but reads tables', async () => {
    const readOnly = new PluginRegistry({ engine });
    await readOnly.register(createAnalyticsPlugin({ readOnly: true }));
    await readOnly.initializeAll();
    const error = await readOnly.execute('analytics', 'describe', { data: salesData }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/read-only/);
    const ok = (await readOnly.execute('analytics', 'histogram', { table: 'measurements', column: 'i', bins: 4 })) as { bins: { count: number }[] };
    expect(ok.bins.map((b) => b.count)).toEqual([25, 25, 25, 25]);
    await readOnly.shutdownAll();
  });
});
