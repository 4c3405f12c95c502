// Wires the page: relay messages go into the store as they arrive (so nothing is
// lost or miscounted), and one requestAnimationFrame callback per frame draws what
// changed. `window.__dataprismViz` exposes the counters for tests and debugging.

import { connect } from './connection.js';
import { applyHello, applyMessage, createStore } from './store.js';
import { createActorsView } from './actorsView.js';
import { createDetailView } from './detailView.js';
import { createTimelineView } from './timelineView.js';
import { createMetricsView } from './metricsView.js';

const $ = (id) => document.getElementById(id);

const store = createStore();
const actorsView = createActorsView({
  list: $('actor-list'),
  grid: $('chart-grid'),
  onSelect: (sessionId) => {
    store.selected = sessionId;
    actorsView.select(store);
    detailView.render(store, true);
  },
});
const detailView = createDetailView($('detail'));
const timelineView = createTimelineView({
  list: $('timeline'),
  showBus: $('show-bus'),
  showTransitions: $('show-transitions'),
  showEvents: $('show-events'),
  filter: $('timeline-filter'),
});
const metricsView = createMetricsView($('metrics'));

let frameRequested = false;
const rate = { count: 0, since: performance.now(), value: 0 };

function requestFrame() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(draw);
}

function draw() {
  frameRequested = false;
  actorsView.render(store);
  if (store.selected && store.actors.has(store.selected)) detailView.render(store);
  timelineView.render(store);
  metricsView.render(store);
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
}

connect({
  onStatus: (status) => {
    const pill = $('connection');
    pill.textContent = status;
    pill.className = `pill ${status === 'connected' ? 'pill-on' : 'pill-off'}`;
  },
  onMessages: (messages) => {
    for (const message of messages) {
      if (message.kind === 'hello') {
        applyHello(store, message);
        timelineView.clear();
      } else {
        applyMessage(store, message);
        rate.count++;
      }
    }
    requestFrame();
  },
});

for (const id of ['show-bus', 'show-transitions', 'show-events', 'timeline-filter']) {
  $(id).addEventListener('input', () => timelineView.clear());
}

window.__dataprismViz = {
  /** Counters: messages received live, numbering gaps (dropped messages), bus events by type. */
  stats: () => ({ received: store.stats.received, gaps: store.stats.gaps, lastSeq: store.stats.lastSeq, byType: { ...store.stats.byType } }),
  /** Every known actor with its state and the states it went through. */
  actors: () =>
    [...store.actors.values()].map((a) => ({
      sessionId: a.sessionId,
      id: a.id,
      systemId: a.systemId,
      logic: a.logic,
      value: a.value,
      status: a.status,
      states: a.history.map((h) => h.value),
    })),
};
