/**
 * The web demo: the orchestrator with DuckDB-WASM in a Web Worker, a generated
 * dataset and a CSV file the user picks, SQL, both built-in plugins (the chart is
 * drawn in the page) and a live table of every lifecycle actor. The bundle URLs
 * come from Vite's `?url` imports — no CDN, no bundler configuration.
 */
/// <reference types="vite/client" />
import ehModule from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import mvpModule from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import type { InspectionEvent } from 'xstate';
import { DataPrismOrchestrator } from '@dataprism/orchestration';
import { createAnalyticsPlugin, createVisualizationPlugin } from '@dataprism/plugins';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page has seen, for people (the DOM) and for the browser test (`window.__demo`). */
const demo = {
  state: 'starting' as 'starting' | 'ready' | 'failed' | 'shutdown',
  events: [] as string[],
  actors: {} as Record<string, { id: string; value: string; status: string }>,
  error: undefined as string | undefined,
};
declare global {
  interface Window {
    __demo: typeof demo;
  }
}
window.__demo = demo;

let renderQueued = false;
/** Redraws the lifecycle table at most once a frame: an actor system makes many transitions. */
function queueLifecycleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    const body = $<HTMLTableElement>('actors').tBodies[0]!;
    body.replaceChildren(
      ...Object.values(demo.actors).map((actor) => {
        const row = document.createElement('tr');
        for (const text of [actor.id, actor.value, actor.status]) row.append(cell(text));
        return row;
      }),
    );
  });
}

function inspect(event: InspectionEvent): void {
  // Snapshots only: an actor announced by `@xstate.actor` cannot be read yet.
  if (event.type !== '@xstate.snapshot') return;
  const ref = event.actorRef;
  const snapshot = event.snapshot as { value?: unknown; status?: string };
  // Only machines have a state value worth showing (promise actors come and go).
  if (snapshot?.value === undefined) return;
  demo.actors[ref.sessionId] = { id: (ref as { id?: string }).id ?? ref.sessionId, value: JSON.stringify(snapshot.value), status: snapshot.status ?? '' };
  queueLifecycleRender();
}

const orchestrator = new DataPrismOrchestrator({
  maxConcurrency: 4,
  timeoutMs: 30_000,
  inspect,
  engineOptions: { bundles: { eh: { mainModule: ehModule, mainWorker: ehWorker }, mvp: { mainModule: mvpModule, mainWorker: mvpWorker } } },
});
const bus = orchestrator.getEventBus();
bus.on('*', (_payload, type) => {
  demo.events.push(type);
  const item = document.createElement('li');
  item.textContent = type;
  $('events').prepend(item);
});

function setStatus(state: typeof demo.state, text: string): void {
  demo.state = state;
  const status = $('status');
  status.dataset['state'] = state;
  status.textContent = text;
}

function cell(text: string, numeric = false): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (numeric) td.className = 'num';
  return td;
}

function renderRows(target: HTMLElement, rows: Record<string, unknown>[], limit = 20): void {
  const columns = Object.keys(rows[0] ?? {});
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const name of columns) head.append(Object.assign(document.createElement('th'), { textContent: name }));
  const body = table.createTBody();
  for (const row of rows.slice(0, limit)) {
    const tr = body.insertRow();
    for (const name of columns) {
      const value = row[name];
      tr.append(cell(value === null || value === undefined ? '' : String(value), typeof value === 'number' || typeof value === 'bigint'));
    }
  }
  target.replaceChildren(table);
}

/** Runs `work`, showing its error in the page instead of losing it. */
async function guarded(target: HTMLElement, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    demo.error = message;
    target.replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: message }));
  }
}

async function refreshTables(): Promise<void> {
  const engine = orchestrator.getEngine();
  const items = await Promise.all(
    (await engine.listTables()).map(async (name) => {
      const info = await engine.getTableInfo(name);
      const li = document.createElement('li');
      li.textContent = `${name}: ${info.rowCount} rows, ${info.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`;
      return li;
    }),
  );
  $('tables').replaceChildren(...items);
}

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const PRODUCTS = ['widget', 'gadget', 'gizmo', 'doohickey'];

/** 100 000 deterministic sales rows: the same every run, so results can be checked. */
function generateSales(count = 100_000): { id: number; region: string; product: string; amount: number; day: number }[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i,
    region: REGIONS[i % REGIONS.length]!,
    product: PRODUCTS[i % PRODUCTS.length]!,
    amount: ((i * 7919) % 1000) / 10,
    day: i % 365,
  }));
}

async function runQuery(): Promise<void> {
  $('timing').textContent = '';
  await guarded($('result'), async () => {
    const result = await orchestrator.getEngine().query($<HTMLTextAreaElement>('sql').value);
    $('timing').textContent = `${result.metadata.rowCount} rows in ${result.metadata.executionTime.toFixed(1)} ms`;
    renderRows($('result'), result.data);
  });
}

async function start(): Promise<void> {
  try {
    await orchestrator.initialize();
    const registry = orchestrator.getPluginRegistry();
    await registry.register(createVisualizationPlugin());
    await registry.register(createAnalyticsPlugin());
    await registry.initializeAll();
  } catch (error) {
    setStatus('failed', `could not start: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  setStatus('ready', `ready — DuckDB ${orchestrator.getEngine().getStatus().version ?? ''}`);
  for (const id of ['generate', 'csv', 'run', 'chart-button', 'describe-button', 'shutdown']) $<HTMLButtonElement>(id).disabled = false;
}

$('generate').addEventListener('click', () =>
  guarded($('generated'), async () => {
    const started = performance.now();
    const loaded = await orchestrator.getEngine().loadData(generateSales(), 'sales', { mode: 'replace' });
    $('generated').textContent = `${loaded.rowCount} rows in ${(performance.now() - started).toFixed(0)} ms`;
    await refreshTables();
    await runQuery();
  }),
);

$('csv').addEventListener('change', () =>
  guarded($('uploaded'), async () => {
    const file = $<HTMLInputElement>('csv').files?.[0];
    if (!file) return;
    const loaded = await orchestrator.getEngine().loadData({ csv: await file.text() }, 'uploaded', { mode: 'replace' });
    $('uploaded').textContent = `${file.name}: ${loaded.rowCount} rows loaded as "uploaded"`;
    $<HTMLTextAreaElement>('sql').value = 'SELECT * FROM uploaded LIMIT 20';
    await refreshTables();
    await runQuery();
  }),
);

$('run').addEventListener('click', () => void runQuery());

$('chart-button').addEventListener('click', () =>
  guarded($('chart'), async () => {
    const chart = (await orchestrator.getEngine().executePlugin('visualization', 'create_chart', {
      type: 'bar',
      title: 'Revenue by region',
      data: { sql: 'SELECT region, round(sum(amount), 2) AS revenue FROM sales GROUP BY region ORDER BY region' },
    })) as { svg: string };
    $('chart').innerHTML = chart.svg;
  }),
);

$('describe-button').addEventListener('click', () =>
  guarded($('describe'), async () => {
    const summary = (await orchestrator.getEngine().executePlugin('analytics', 'describe', { table: 'sales', columns: ['amount', 'day'] })) as {
      columns: Record<string, unknown>[];
    };
    renderRows($('describe'), summary.columns);
  }),
);

$('shutdown').addEventListener('click', async () => {
  for (const button of document.querySelectorAll('button, input')) (button as HTMLButtonElement).disabled = true;
  await orchestrator.shutdown();
  setStatus('shutdown', 'shut down: plugins disposed, DuckDB closed');
});

void start();
