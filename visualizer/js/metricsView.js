// Resource usage and performance metrics over time: every numeric leaf of the
// metrics samples (`usage.allocated`, `metrics.counters.queries`, ...) becomes a
// series with a sparkline and its latest value. Resource usage comes first, then
// the series that change.

import { el, formatNumber } from './format.js';

const MAX_SERIES = 16;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Numeric leaves of a sample as `[path, value]`. */
export function numericLeaves(value, prefix = '', out = []) {
  if (typeof value === 'number' && Number.isFinite(value)) out.push([prefix, value]);
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) numericLeaves(value[key], prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

export function createMetricsView(container) {
  return {
    render(store) {
      if (!store.metricsDirty) return;
      store.metricsDirty = false;
      if (store.metrics.length === 0) return;
      const series = new Map();
      store.metrics.forEach((sample, index) => {
        for (const [path, value] of numericLeaves(sample.sample)) {
          if (!series.has(path)) series.set(path, []);
          series.get(path).push([index, value]);
        }
      });
      const ranked = [...series.entries()]
        .map(([path, points]) => ({ path, points, varies: points.some(([, v]) => v !== points[0][1]) }))
        .sort((a, b) => usageFirst(a.path) - usageFirst(b.path) || Number(b.varies) - Number(a.varies) || a.path.localeCompare(b.path))
        .slice(0, MAX_SERIES);
      const rows = ranked.map(({ path, points }) => {
        const row = el('div', 'metric');
        row.dataset.series = path;
        row.append(el('span', 'label', path), sparkline(points, store.metrics.length), el('span', 'last', formatNumber(points[points.length - 1][1])));
        row.title = path;
        return row;
      });
      container.replaceChildren(...rows);
    },
  };
}

/** Resource usage leads the panel: it is what the sparklines are mostly for. */
function usageFirst(path) {
  return path.startsWith('usage.') ? 0 : 1;
}

function sparkline(points, total) {
  const width = 130;
  const height = 24;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const values = points.map(([, v]) => v);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const xOf = (index) => (total <= 1 ? width : (index / (total - 1)) * width);
  const yOf = (value) => height - 2 - ((value - min) / span) * (height - 4);
  const coords = points.map(([index, value]) => `${xOf(index).toFixed(1)},${yOf(value).toFixed(1)}`);
  const area = document.createElementNS(SVG_NS, 'polygon');
  area.setAttribute('points', `${xOf(points[0][0]).toFixed(1)},${height} ${coords.join(' ')} ${xOf(points[points.length - 1][0]).toFixed(1)},${height}`);
  const line = document.createElementNS(SVG_NS, 'polyline');
  line.setAttribute('points', coords.join(' '));
  svg.append(area, line);
  return svg;
}
