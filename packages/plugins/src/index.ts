/** `@dataprism/plugins`: the built-in visualization and analytics plugins. */
export {
  createVisualizationPlugin,
  createChart,
  type CreateChartParams,
  type ChartResult,
  type ExportChartParams,
  type ExportResult,
  type VisualizationPluginOptions,
} from './visualization.js';
export { createAnalyticsPlugin, type AnalyticsPluginOptions, type AnalyticsSource, type ColumnSummary } from './analytics.js';
export { buildChartSpec, inferFields, CHART_TYPES, type ChartType, type ChartOptions, type VegaLiteSpec } from './chartSpec.js';
export { renderSvg } from './renderSvg.js';
export { MEASURES, type Measure, type MeasureOp } from './analyticsSql.js';
