// Resource usage and performance metrics over time, plotted with uPlot (served from
// node_modules under /vendor/): every numeric leaf of the metrics samples becomes a
// series; series of one group and one unit share a chart with a time axis, a value
// axis in human units (bytes as KiB/MiB/GiB, durations in ms/s, ratios in %) and a
// legend with full names. The time cursor is drawn as a line.

import { el, formatNumber, formatTime } from './format.js';

/** Numeric leaves of a sample as `[path, value]`. */
export function numericLeaves(value, prefix = '', out = []) {
  if (typeof value === 'number' && Number.isFinite(value)) out.push([prefix, value]);
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) numericLeaves(value[key], prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

/** The unit of a series, from its path: `bytes`, `ms`, `ratio` or `count`. */
export function unitOf(path) {
  const leaf = path.split('.').pop() ?? '';
  if (/fragmentation|ratio|percent/i.test(leaf)) return 'ratio';
  if (/^usage\./.test(path) || /bytes|memory|heap|rss|size/i.test(leaf)) return 'bytes';
  if (/^timers\./.test(path) && /mean|max|min|p\d+|total|sum/i.test(leaf)) return 'ms';
  if (/(ms|duration|latency|elapsed)$/i.test(leaf)) return 'ms';
  return 'count';
}

/** A value in its unit, for axes and legends: `256 MiB`, `12.5 ms`, `3 %`, `1.2k`. */
export function formatUnit(value, unit) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'bytes': {
      const abs = Math.abs(value);
      if (abs >= 1024 ** 3) return `${trim(value / 1024 ** 3)} GiB`;
      if (abs >= 1024 ** 2) return `${trim(value / 1024 ** 2)} MiB`;
      if (abs >= 1024) return `${trim(value / 1024)} KiB`;
      return `${Math.round(value)} B`;
    }
    case 'ms':
      return Math.abs(value) >= 1000 ? `${trim(value / 1000)} s` : `${trim(value)} ms`;
    case 'ratio':
      return `${trim(value * 100)} %`;
    default:
      return formatNumber(value);
  }
}

function trim(n) {
  const abs = Math.abs(n);
  return abs >= 100 ? String(Math.round(n)) : abs >= 10 ? n.toFixed(1).replace(/\.0$/, '') : n.toFixed(2).replace(/\.?0+$/, '');
}

const CHART_HEIGHT = 150;

/** The index of the last sample at or before `cursor` (ms), or the last one when live. */
function indexAt(times, cursor) {
  if (cursor === null) return times.length - 1;
  let i = times.length - 1;
  while (i > 0 && times[i] * 1000 > cursor) i--;
  return i;
}

const UNIT_TITLES = { bytes: 'bytes', ms: 'milliseconds', ratio: 'percent', count: 'count' };
const COLORS = ['#4fb3ff', '#7ee2b0', '#f2c66d', '#c9a5ff', '#f08a7e', '#86dcb4', '#8cc8ff', '#d29922'];
const GROUP_ORDER = ['usage', 'timers', 'counters', 'gauges'];

/** Groups the series: one chart per (first path segment, unit); usage first. */
function groupsOf(paths) {
  const groups = new Map();
  for (const path of paths) {
    const unit = unitOf(path);
    const head = path.split('.')[0];
    const key = `${head} (${UNIT_TITLES[unit]})`;
    if (!groups.has(key)) groups.set(key, { key, head, unit, paths: [] });
    groups.get(key).paths.push(path);
  }
  const rank = (g) => (GROUP_ORDER.indexOf(g.head) + 1 || GROUP_ORDER.length + 1) * 10 + (g.unit === 'ratio' ? 1 : 0);
  return [...groups.values()].sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key));
}

/** A legend label: the path without the group's head (the chart title says it). */
function seriesLabel(path, head) {
  return path.startsWith(`${head}.`) ? path.slice(head.length + 1) : path;
}

export function createMetricsView(container, isVisible = () => true) {
  /** @type {Map<string, { plot: any, wrap: HTMLElement, paths: string[], unit: string }>} */
  const charts = new Map();
  let cursor = null;
  let lastDraw = 0;

  const build = (group, width) => {
    const wrap = el('figure', 'metric-chart');
    wrap.dataset.group = group.key;
    wrap.dataset.unit = group.unit;
    wrap.append(el('figcaption', '', group.key));
    const axis = { stroke: '#8593a1', grid: { stroke: '#222a33', width: 1 }, ticks: { stroke: '#2a333d', width: 1 }, font: '11px system-ui, sans-serif' };
    const plot = new window.uPlot(
      {
        width,
        height: CHART_HEIGHT,
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false } },
        // A ratio is 0..1 whatever it does; a flat series would otherwise get an arbitrary range.
        scales: { x: { time: true }, y: group.unit === 'ratio' ? { range: [0, 1] } : { range: (u, min, max) => (min === max ? [Math.min(0, min), max === 0 ? 1 : max * 1.1] : [Math.min(0, min), max * 1.05]) } },
        series: [
          { label: 'time', value: (u, v) => (v === null || v === undefined ? '—' : new Date(v * 1000).toLocaleTimeString()) },
          ...group.paths.map((path, i) => ({
            label: seriesLabel(path, group.head),
            stroke: COLORS[i % COLORS.length],
            width: 1.5,
            value: (u, v) => formatUnit(v, group.unit),
          })),
        ],
        axes: [
          {
            ...axis,
            space: 80,
            values: (u, ticks) => {
              const span = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
              const labels = ticks.map((t) => formatTime(t * 1000).slice(0, span < 1 ? 12 : 8));
              wrap.dataset.xticks = JSON.stringify(labels);
              return labels;
            },
          },
          {
            ...axis,
            size: 64,
            values: (u, ticks) => {
              const labels = ticks.map((v) => formatUnit(v, group.unit));
              // What the axis shows, readable by tests (the axis itself is canvas).
              wrap.dataset.yticks = JSON.stringify(labels);
              return labels;
            },
          },
        ],
        hooks: {
          // The legend shows the latest values (or those at the time cursor) unless the pointer hovers a point.
          setData: [
            (u) => {
              if (u.cursor.idx === null || u.cursor.idx === undefined) u.setLegend({ idx: indexAt(u.data[0], cursor) });
            },
          ],
          draw: [
            (u) => {
              if (cursor === null) return;
              const x = u.valToPos(cursor / 1000, 'x', true);
              const ctx = u.ctx;
              ctx.save();
              ctx.strokeStyle = '#4fb3ff';
              ctx.lineWidth = 2;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.restore();
            },
          ],
        },
      },
      [[], ...group.paths.map(() => [])],
      wrap,
    );
    return { plot, wrap, paths: group.paths, unit: group.unit };
  };

  return {
    render(store) {
      if (!store.metricsDirty || !isVisible()) return;
      // Samples come twice a second; redrawing every chart more often than that buys nothing.
      const now = performance.now();
      if (cursor === store.cursor && now - lastDraw < 400) return;
      store.metricsDirty = false;
      lastDraw = now;
      cursor = store.cursor;
      if (store.metrics.length === 0) return;
      if (typeof window.uPlot !== 'function') {
        container.replaceChildren(el('p', 'hint', 'uPlot did not load (/vendor/uPlot.iife.min.js)'));
        return;
      }
      const columns = new Map();
      const times = store.metrics.map((s) => s.time / 1000);
      store.metrics.forEach((sample, index) => {
        for (const [path, value] of numericLeaves(sample.sample)) {
          if (!columns.has(path)) columns.set(path, new Array(store.metrics.length).fill(null));
          columns.get(path)[index] = value;
        }
      });
      const groups = groupsOf([...columns.keys()]);
      // Two charts a row when the panel is wide enough.
      const columnsPerRow = container.clientWidth > 700 ? 2 : 1;
      const width = Math.max(200, Math.floor((container.clientWidth - 12 * columnsPerRow) / columnsPerRow));
      const wanted = new Set(groups.map((g) => g.key));
      for (const [key, chart] of charts) {
        if (!wanted.has(key)) {
          chart.plot.destroy();
          chart.wrap.remove();
          charts.delete(key);
        }
      }
      if (charts.size === 0) container.replaceChildren();
      for (const group of groups) {
        let chart = charts.get(group.key);
        if (chart && chart.paths.join() !== group.paths.join()) {
          chart.plot.destroy();
          chart.wrap.remove();
          charts.delete(group.key);
          chart = undefined;
        }
        if (!chart) {
          chart = build(group, width);
          charts.set(group.key, chart);
        }
        container.append(chart.wrap);
        if (chart.plot.width !== width) chart.plot.setSize({ width, height: CHART_HEIGHT });
        chart.plot.setData([times, ...group.paths.map((p) => columns.get(p))]);
      }
    },
  };
}
