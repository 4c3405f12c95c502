// Wires the page: relay messages go into the store as they arrive (so nothing is
// lost or miscounted), and one requestAnimationFrame callback per frame draws what
// changed. The session bar pauses, travels in time, exports and loads sessions.
// `window.__dataprismViz` exposes the counters for tests and debugging.

import { apiUrl, connect } from './connection.js';
import { actorAt, applyHello, applyMessage, createStore, exportSession, loadSession, viewTime } from './store.js';
import { createActorsView } from './actorsView.js';
import { createDetailView } from './detailView.js';
import { createTimelineView } from './timelineView.js';
import { createMetricsView } from './metricsView.js';
import { createTimeAxis } from './timeAxis.js';
import { createChartView } from './chartView.js';
import { createSequenceView } from './sequenceView.js';
import { createCheckView } from './checkView.js';

const $ = (id) => document.getElementById(id);

const store = createStore();
const actorsView = createActorsView({ list: $('actor-list'), onSelect: (sessionId) => select(sessionId) });
const chartView = createChartView({ header: $('chart-header'), canvas: $('chart-canvas'), caption: $('chart-caption') });
const detailView = createDetailView($('detail'));
const timelineView = createTimelineView({
  list: $('timeline'),
  showBus: $('show-bus'),
  showTransitions: $('show-transitions'),
  showEvents: $('show-events'),
  filter: $('timeline-filter'),
  onlySelected: $('only-selected'),
  count: $('timeline-count'),
});
const metricsView = createMetricsView($('metrics'), () => !$('tab-metrics').hidden);
const checkView = createCheckView({
  chartView: createChartView({ header: $('check-chart-header'), canvas: $('check-canvas'), caption: $('check-caption') }),
  list: $('check-list'),
  steps: $('check-steps'),
  status: $('check-status'),
  prev: $('check-prev'),
  next: $('check-next'),
  counter: $('check-counter'),
});
const sequenceView = createSequenceView({
  chips: $('seq-chips'),
  heads: $('seq-heads'),
  body: $('seq-body'),
  scroller: $('seq-scroll'),
  count: $('seq-count'),
  onSelect: (sessionId) => select(sessionId),
  isVisible: () => !$('tab-sequence').hidden,
});
const timeAxis = createTimeAxis({ canvas: $('time-axis'), label: $('time-label'), onTravel: (time) => travel(time) });

let frameRequested = false;
const rate = { count: 0, since: performance.now(), value: 0 };

function requestFrame() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(draw);
}

function draw() {
  frameRequested = false;
  const structureChanged = store.structureDirty;
  actorsView.render(store);
  // Nothing chosen yet: the root actor (the orchestrator) is what a user wants first.
  if (structureChanged && !store.selected) {
    const root = [...store.actors.values()].find((a) => a.definition && !a.parentId);
    if (root && chartView.sessionId !== root.sessionId) chartView.show(store, root.sessionId);
  }
  chartView.render(store);
  sequenceView.render(store);
  if (store.selected && store.actors.has(store.selected)) detailView.render(store);
  timelineView.render(store);
  metricsView.render(store);
  timeAxis.render(store);
  const now = performance.now();
  if (now - rate.since >= 1000) {
    rate.value = Math.round((rate.count * 1000) / (now - rate.since));
    rate.count = 0;
    rate.since = now;
  }
  $('count-received').textContent = String(store.stats.received);
  $('count-gaps').textContent = String(store.stats.gaps);
  $('count-actors').textContent = String(store.actors.size);
  $('count-rate').textContent = String(rate.value);
  $('pause').textContent = store.cursor === null ? 'Pause' : 'Resume';
  $('live').disabled = store.cursor === null && store.source === 'live';
}

/** Selects an actor from anywhere (tree, timeline, sequence) and brings its chart into view. */
function select(sessionId) {
  if (!store.actors.has(sessionId)) return;
  store.selected = sessionId;
  actorsView.select(store);
  showTab('chart');
  chartView.show(store, sessionId);
  document.querySelector(`.actor-row[data-session="${CSS.escape(sessionId)}"]`)?.scrollIntoView({ block: 'nearest' });
  detailView.render(store, true);
  requestFrame();
}

/** Shows the system as it was at `time` (null: live). Every view reads the cursor. */
function travel(time, paused = false) {
  store.cursor = time;
  store.paused = paused;
  store.pausedSeq = paused && store.log.length > 0 ? store.log[store.log.length - 1].seq : null;
  store.structureDirty = true;
  store.metricsDirty = true;
  detailView.render(store, true);
  requestFrame();
}

/** The times of every state transition in the log, for stepping with the arrow keys. */
function transitionTimes() {
  const times = [];
  for (const message of store.log) if (message.kind === 'snapshot') times.push(message.time);
  return times;
}

function step(direction) {
  const times = transitionTimes();
  if (times.length === 0) return;
  const now = viewTime(store);
  const next = direction < 0 ? [...times].reverse().find((t) => t < now) : times.find((t) => t > now);
  if (next !== undefined) travel(next);
  else if (direction > 0) travel(store.source === 'live' ? null : times.at(-1));
}

$('pause').addEventListener('click', () => {
  if (store.cursor === null) travel(viewTime(store), true);
  else travel(null);
});
$('live').addEventListener('click', () => {
  if (store.source !== 'live') {
    // A loaded session replaced the live one: reload to rejoin the relay from scratch.
    location.reload();
    return;
  }
  travel(null);
});
$('check-prev').addEventListener('click', () => checkView.step(-1));
$('check-next').addEventListener('click', () => checkView.step(1));
$('check-load').addEventListener('change', async (event) => {
  const file = event.target.files?.[0];
  if (!file) return;
  try {
    checkView.load(store, JSON.parse(await file.text()), file.name);
  } catch (error) {
    checkView.setStatus(`could not load ${file.name}: ${error instanceof Error ? error.message : error}`, true);
  } finally {
    event.target.value = '';
  }
});
$('check-run').addEventListener('click', async () => {
  checkView.setStatus('running the model checker…');
  try {
    const response = await fetch(apiUrl('/api/check'));
    if (response.status === 404) throw new Error('this relay runs no checks (start it with `dataprism visualize --demo`); load a `dataprism check FILE --json` report instead');
    const body = await response.json();
    if (!response.ok) throw new Error(body?.error ?? `HTTP ${response.status}`);
    checkView.load(store, body, 'demo checks');
  } catch (error) {
    checkView.setStatus(`could not run the checks: ${error instanceof Error ? error.message : error}`, true);
  }
});

document.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
  // On the counterexample tab the arrows step through the trace; elsewhere through the session.
  const onCheck = !$('tab-check').hidden;
  if (event.key === 'ArrowLeft') onCheck ? checkView.step(-1) : step(-1);
  else if (event.key === 'ArrowRight') onCheck ? checkView.step(1) : step(1);
  else if (event.key === ' ' && event.target === document.body) {
    event.preventDefault();
    $('pause').click();
  }
});

$('export').addEventListener('click', () => {
  const blob = new Blob([JSON.stringify(exportSession(store))], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `dataprism-session-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
});

$('load').addEventListener('change', async (event) => {
  const file = event.target.files?.[0];
  if (!file) return;
  try {
    const session = JSON.parse(await file.text());
    loadSession(store, session, file.name);
    setStatus(`session: ${file.name}`, false);
    actorsView.reset();
    travel(store.log.length > 0 ? store.log[store.log.length - 1].time : null);
  } catch (error) {
    setStatus(`could not load ${file.name}: ${error instanceof Error ? error.message : error}`, false);
  } finally {
    event.target.value = '';
  }
});

/** Shows one of the main panel's tabs. */
function showTab(name) {
  for (const button of document.querySelectorAll('.tabs [data-tab]')) button.classList.toggle('active', button.dataset.tab === name);
  for (const tab of document.querySelectorAll('.main .tab')) tab.hidden = tab.id !== `tab-${name}`;
  if (name === 'sequence') sequenceView.render(store, true);
  if (name === 'metrics') {
    store.metricsDirty = true;
    metricsView.render(store);
  }
}
for (const button of document.querySelectorAll('.tabs [data-tab]')) button.addEventListener('click', () => showTab(button.dataset.tab));

$('timeline').addEventListener('click', (event) => {
  const row = event.target instanceof Element ? event.target.closest('li[data-session]') : null;
  if (row) select(row.dataset.session);
});

// A chip toggled: redraw the lifelines on the next frame.
$('seq-chips').addEventListener('change', () => sequenceView.render(store, true));

for (const id of ['show-bus', 'show-transitions', 'show-events', 'timeline-filter', 'only-selected']) {
  $(id).addEventListener('input', requestFrame);
}
window.addEventListener('resize', () => {
  timeAxis.render(store, true);
  chartView.refit();
});

function setStatus(text, on) {
  const pill = $('connection');
  pill.textContent = text;
  pill.className = `pill ${on ? 'pill-on' : 'pill-off'}`;
}

connect({
  onStatus: (status) => {
    if (store.source === 'live') setStatus(status, status === 'connected');
  },
  onMessages: (messages) => {
    // A loaded session is a closed world: live messages wait until the page goes live again.
    if (store.source !== 'live') return;
    for (const message of messages) {
      if (message.kind === 'hello') applyHello(store, message);
      else {
        applyMessage(store, message);
        rate.count++;
      }
    }
    requestFrame();
  },
});

window.__dataprismViz = {
  /** Counters: messages received live, numbering gaps (dropped messages), bus events by type. */
  stats: () => ({ received: store.stats.received, gaps: store.stats.gaps, lastSeq: store.stats.lastSeq, byType: { ...store.stats.byType }, logged: store.log.length }),
  /** Every known actor with its state and the states it went through; at the time cursor when there is one. */
  actors: () =>
    [...store.actors.values()]
      .map((a) => ({ live: a, at: actorAt(a, store.cursor) }))
      .filter(({ at }) => at !== undefined)
      .map(({ live: a, at }) => ({
        sessionId: a.sessionId,
        id: a.id,
        systemId: a.systemId,
        logic: a.logic,
        value: at.value,
        status: at.status,
        states: a.history.map((h) => h.value),
      })),
  /** The counterexample shown and its current step. */
  check: () => checkView.state(),
  /** The actor whose chart is shown. */
  chart: () => ({ sessionId: chartView.sessionId }),
  /** The time cursor (null: live) and where the data comes from. */
  view: () => ({ cursor: store.cursor, paused: store.paused, pausedSeq: store.pausedSeq, source: store.source, span: timeAxis.span() }),
};
