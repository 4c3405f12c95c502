/**
 * The quickstart: an orchestrator on the embedded DuckDB-WASM engine, 200,000
 * generated sales rows, a few analytical queries, the visualization and
 * analytics plugins (a chart written to examples/output/), the system events
 * seen along the way, then a clean shutdown. Run it with `npm start`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataPrismOrchestrator } from '@dataprism/orchestration';
import { createAnalyticsPlugin, createVisualizationPlugin, type ChartResult } from '@dataprism/plugins';
import { generateSales } from './data/sales.js';

const ROWS = 200_000;
const here = dirname(fileURLToPath(import.meta.url));
// Compiled to dist/examples/, the output still goes beside the sources.
const outputDir = join(here.includes(`${join('dist', 'examples')}`) ? join(here, '..', '..', 'examples') : here, 'output');

function table(rows: Record<string, unknown>[]): void {
  console.table(
    rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 100) / 100 : v])),
    ),
  );
}

async function main(): Promise<void> {
  const orchestrator = new DataPrismOrchestrator({
    maxConcurrency: 4,
    memoryLimit: 1024 * 1024 * 1024, // 1 GiB
    timeoutMs: 30_000,
    enablePlugins: true,
  });
  const bus = orchestrator.getEventBus();
  const seen = new Map<string, number>();
  bus.on('*', (_data, event) => void seen.set(event, (seen.get(event) ?? 0) + 1));
  bus.on('engine:ready', (e) => console.log(`engine ready: DuckDB ${e.version}`));
  bus.on('plugin:loaded', (e) => console.log(`plugin loaded: ${e.name} v${e.version}`));
  bus.on('error:recovered', (e) => console.log(`recovered from error: ${e.recovery}`));

  try {
    await orchestrator.initialize();
    console.log(`orchestrator ${orchestrator.getState()}`);
    const engine = orchestrator.getEngine();

    const rows = generateSales(ROWS);
    const loaded = await engine.loadData(rows, 'sales');
    console.log(`\nloaded ${loaded.rowCount.toLocaleString()} rows into '${loaded.tableName}':`);
    console.log(`  ${loaded.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`);

    console.log('\nrevenue by region');
    const byRegion = await engine.query(
      `SELECT region, count(*) AS orders, sum(amount) AS revenue, avg(amount) AS avg_order
       FROM sales GROUP BY region ORDER BY revenue DESC`,
    );
    table(byRegion.data);

    console.log('top 5 products in Electronics (a bound parameter)');
    const top = await engine.query(
      `SELECT product, sum(quantity) AS units, sum(amount) AS revenue
       FROM sales WHERE category = ? GROUP BY product ORDER BY revenue DESC LIMIT 5`,
      ['Electronics'],
    );
    table(top.data);

    console.log('monthly revenue, last 6 months, by channel');
    const monthly = await engine.query(
      `PIVOT (SELECT date_trunc('month', ts)::DATE AS month, channel, amount FROM sales
              WHERE ts >= date_trunc('month', (SELECT max(ts) FROM sales)) - INTERVAL 5 MONTH)
       ON channel USING sum(amount) GROUP BY month ORDER BY month`,
    );
    table(monthly.data);

    const registry = orchestrator.getPluginRegistry();
    await registry.register(createVisualizationPlugin());
    await registry.register(createAnalyticsPlugin());
    await registry.initializeAll();
    console.log(`plugins: ${registry.list().map((p) => `${p.name} (${p.state})`).join(', ')}`);

    const chart = (await engine.executePlugin('visualization', 'create_chart', {
      type: 'bar',
      data: { sql: 'SELECT region, sum(amount) AS revenue FROM sales GROUP BY region ORDER BY revenue DESC' },
      x: 'region',
      y: 'revenue',
      title: 'Revenue by region',
    })) as ChartResult;
    mkdirSync(outputDir, { recursive: true });
    const chartPath = join(outputDir, 'revenue-by-region.svg');
    writeFileSync(chartPath, chart.svg);
    console.log(`\nchart written: ${relative(process.cwd(), chartPath)} (${chart.svg.length.toLocaleString()} bytes of SVG)`);

    const summary = (await engine.executePlugin('analytics', 'describe', { table: 'sales' })) as {
      columns: Array<{ name: string; type: string; distinct: number; mean?: number | null; stddev?: number | null }>;
    };
    console.log('\ncolumn summary (analytics.describe)');
    table(
      summary.columns
        .filter((c) => c.mean !== undefined && c.mean !== null)
        .map((c) => ({ column: c.name, type: c.type, distinct: c.distinct, mean: c.mean, stddev: c.stddev })),
    );

    const metrics = orchestrator.getPerformanceMonitor().getMetrics();
    const queryTime = metrics.timers['query_time'];
    if (queryTime) {
      console.log(
        `queries: ${queryTime.count}, p50 ${queryTime.p50.toFixed(2)} ms, p95 ${queryTime.p95.toFixed(2)} ms, max ${queryTime.max.toFixed(2)} ms`,
      );
    }
  } finally {
    await orchestrator.shutdown();
  }
  // Events emitted during shutdown reach handlers after the transition that emits them.
  await new Promise((resolve) => setImmediate(resolve));
  console.log(`\norchestrator ${orchestrator.getState()}; system events seen:`);
  for (const [event, count] of [...seen].sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${event} ×${count}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
