/**
 * Renders a performance report as plain text or Markdown. Kept apart from the
 * monitor so the report's data stays plain and the formats can grow on their own.
 */
import type { HistogramStats, PerformanceMetrics, PerformanceReport, Threshold, ThresholdViolation } from './types.js';

/** The data of a report, without its renderers. */
export type ReportData = Omit<PerformanceReport, 'toText' | 'toMarkdown'>;

function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(1) : abs >= 1 ? value.toFixed(3) : value.toPrecision(3);
}

const STAT_COLUMNS = ['count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;

function statsRow(stats: HistogramStats): string[] {
  return STAT_COLUMNS.map((c) => num(stats[c]));
}

function violationText(v: ThresholdViolation): string {
  const op = v.direction === 'above' ? '>' : '<';
  return `${v.metric} (${v.kind}) ${v.statistic} = ${num(v.actual)} ${op} ${num(v.threshold)}`;
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function entries<T>(record: { [name: string]: T }): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A plain-text rendering: one line per metric, then the violations. */
export function renderText(report: ReportData): string {
  const out: string[] = [];
  out.push(`Performance report — ${new Date(report.generatedAt).toISOString()} (uptime ${num(report.uptime / 1000)} s)`);
  const m: PerformanceMetrics = report.metrics;
  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    out.push('', `${title}:`, ...lines.map((l) => `  ${l}`));
  };
  section('Timers (ms)', entries(m.timers).map(([n, s]) => `${n}: ${STAT_COLUMNS.map((c, i) => `${c}=${statsRow(s)[i]}`).join(' ')}`));
  section('Histograms', entries(m.histograms).map(([n, s]) => `${n}: ${STAT_COLUMNS.map((c, i) => `${c}=${statsRow(s)[i]}`).join(' ')}`));
  section('Counters', entries(m.counters).map(([n, v]) => `${n}: ${num(v)}`));
  section('Gauges', entries(m.gauges).map(([n, v]) => `${n}: ${num(v)}`));
  out.push('', report.violations.length === 0 ? 'Thresholds: none violated' : `Thresholds violated (${report.violations.length}):`);
  for (const v of report.violations) out.push(`  ${violationText(v)}`);
  return out.join('\n');
}

/** A Markdown rendering with one table per kind of metric. */
export function renderMarkdown(report: ReportData): string {
  const out: string[] = [];
  out.push('## Performance report', '', `Generated ${new Date(report.generatedAt).toISOString()}, uptime ${num(report.uptime / 1000)} s.`);
  const m = report.metrics;
  const distTable = (title: string, record: { [name: string]: HistogramStats }) => {
    const rows = entries(record).map(([n, s]) => [n, ...statsRow(s)]);
    if (rows.length > 0) out.push('', `### ${title}`, '', markdownTable(['name', ...STAT_COLUMNS], rows));
  };
  distTable('Timers (ms)', m.timers);
  distTable('Histograms', m.histograms);
  const valueTable = (title: string, record: { [name: string]: number }) => {
    const rows = entries(record).map(([n, v]) => [n, num(v)]);
    if (rows.length > 0) out.push('', `### ${title}`, '', markdownTable(['name', 'value'], rows));
  };
  valueTable('Counters', m.counters);
  valueTable('Gauges', m.gauges);
  out.push('', '### Thresholds', '');
  if (report.thresholds.length === 0) out.push('No thresholds set.');
  else {
    const violated = new Set(report.violations.map((v) => v.metric));
    const rows = report.thresholds.map((t: Threshold) => {
      const v = report.violations.find((x) => x.metric === t.metric);
      return [
        t.metric,
        `${t.direction === 'above' ? '≤' : '≥'} ${num(t.threshold)}`,
        v ? `${v.statistic} = ${num(v.actual)}` : '',
        violated.has(t.metric) ? '**violated**' : 'ok',
      ];
    });
    out.push(markdownTable(['metric', 'limit', 'actual', 'status'], rows));
  }
  return out.join('\n');
}
