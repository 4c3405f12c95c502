// The README's tour, as a page runs it: the same calls, with the bundle URLs a
// browser needs. The test reads window.__tour when it settles.
import { DataPrismOrchestrator, QueryError } from '@dataprism/orchestration';
import { createAnalyticsPlugin, createVisualizationPlugin } from '@dataprism/plugins';

export async function runTour(bundles) {
  const seen = [];
  const orchestrator = new DataPrismOrchestrator({
    maxConcurrency: 4,
    memoryLimit: 1024 ** 3,
    timeoutMs: 30_000,
    enablePlugins: true,
    engineOptions: { bundles },
  });
  const bus = orchestrator.getEventBus();
  bus.on('engine:ready', (e) => seen.push(`engine:ready ${e.version}`));
  bus.on('plugin:loaded', (e) => seen.push(`plugin:loaded ${e.name}`));
  bus.on('orchestrator:shutdown', () => seen.push('orchestrator:shutdown'));
  await orchestrator.initialize();

  const engine = orchestrator.getEngine();
  const regions = ['east', 'north', 'south', 'west'];
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ region: regions[i % 4], amount: i }));
  await engine.loadData(rows, 'sales');
  const result = await engine.query('SELECT region, sum(amount) AS total FROM sales GROUP BY region ORDER BY region');

  const registry = orchestrator.getPluginRegistry();
  await registry.register(createVisualizationPlugin());
  await registry.register(createAnalyticsPlugin());
  await registry.initializeAll();
  const chart = await engine.executePlugin('visualization', 'create_chart', {
    type: 'bar',
    data: { sql: 'SELECT region, sum(amount) AS total FROM sales GROUP BY region' },
  });
  const summary = await engine.executePlugin('analytics', 'describe', { table: 'sales' });
  document.body.insertAdjacentHTML('beforeend', `<div id="chart">${chart.svg}</div>`);

  let queryError;
  try {
    await engine.query('SELEC 1');
  } catch (error) {
    queryError = { name: error.name, isQueryError: error instanceof QueryError, category: error.category };
  }

  const monitor = orchestrator.getPerformanceMonitor();
  monitor.setThreshold('query_time', 2000);
  const thresholds = monitor.checkThresholds();

  await orchestrator.shutdown();
  return {
    seen,
    totals: result.data.map((r) => [r.region, Number(r.total)]),
    marks: document.querySelectorAll('#chart svg path, #chart svg rect').length,
    summaryColumns: summary.columns.map((c) => c.name),
    queryError,
    thresholdViolations: thresholds.length,
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
}

export function report(promise) {
  promise.then(
    (value) => (window.__tour = { ok: true, value }),
    (error) => (window.__tour = { ok: false, error: { name: error?.name, message: String(error?.message ?? error) } }),
  );
}
