// The chart view: one actor's statechart, large, on a canvas that zooms (wheel,
// + and −), pans (drag) and fits. The default fit shows the whole chart when its
// labels stay readable (at least MIN_LABEL_PX on screen), else it zooms to that size
// around the active state, and the rest is a drag away. The active configuration
// and the last transition are highlighted, at the time cursor when there is one.

import { actorAt, actorName } from './store.js';
import { el, formatValue, shortEvent } from './format.js';
import { EDGE_FONT_PX, highlight, layoutChart, renderChart } from './statechart.js';
import { actorKind } from './actorKind.js';

/** The smallest on-screen label size the default fit allows, in CSS pixels. */
export const MIN_LABEL_PX = 11;
const MIN_SCALE = MIN_LABEL_PX / EDGE_FONT_PX;
const MAX_ZOOM = 4;

export function createChartView({ header, canvas, caption }) {
  let shown = null; // { sessionId, definitionKey, svg, layout }
  let transform = { scale: 1, x: 0, y: 0 };
  let pending = 0;
  /** Set by `overlay`: a fixed value/event to draw instead of the actor's (counterexample steps). */
  let override = null;

  const apply = () => {
    const viewport = shown?.svg?.querySelector('g.viewport');
    if (viewport) viewport.setAttribute('transform', `translate(${transform.x} ${transform.y}) scale(${transform.scale})`);
    if (shown?.svg) shown.svg.dataset.scale = transform.scale.toFixed(3);
  };

  /** Whole chart in view when that keeps labels readable; else readable, centred on the active states. */
  const defaultFit = (focusActive = true) => {
    if (!shown?.layout) return;
    const { width, height } = canvas.getBoundingClientRect();
    const pad = 16;
    const fit = Math.min((width - 2 * pad) / shown.layout.width, (height - 2 * pad) / shown.layout.height, 1.6);
    const scale = Math.max(fit, MIN_SCALE);
    transform = { scale, x: (width - shown.layout.width * scale) / 2, y: Math.max(pad, (height - shown.layout.height * scale) / 2) };
    if (scale > fit && focusActive) {
      // Too big to fit readably: centre the active leaf state instead.
      const active = shown.svg.querySelector('g.state.active.atomic rect.outer, g.state.active.final rect.outer');
      if (active) {
        const x = Number(active.getAttribute('x')) + Number(active.getAttribute('width')) / 2;
        const y = Number(active.getAttribute('y')) + Number(active.getAttribute('height')) / 2;
        transform.x = width / 2 - x * scale;
        transform.y = height / 2 - y * scale;
      } else {
        transform.x = pad;
        transform.y = pad;
      }
    }
    apply();
  };

  /** Pans so that the active leaf states are in view (a counterexample step may move off screen). */
  const revealActive = () => {
    const active = shown?.svg?.querySelectorAll('g.state.active.atomic rect.outer, g.state.active.final rect.outer');
    if (!active || active.length === 0) return;
    const view = canvas.getBoundingClientRect();
    for (const rect of active) {
      const r = rect.getBoundingClientRect();
      if (r.left >= view.left && r.right <= view.right && r.top >= view.top && r.bottom <= view.bottom) continue;
      transform = { ...transform, x: transform.x + (view.left + view.width / 2 - (r.left + r.width / 2)), y: transform.y + (view.top + view.height / 2 - (r.top + r.height / 2)) };
      apply();
      return;
    }
  };

  /** Whole chart in view, whatever the label size (the Fit button). */
  const fitAll = () => {
    if (!shown?.layout) return;
    const { width, height } = canvas.getBoundingClientRect();
    const scale = Math.min((width - 32) / shown.layout.width, (height - 32) / shown.layout.height, 1.6);
    transform = { scale, x: (width - shown.layout.width * scale) / 2, y: (height - shown.layout.height * scale) / 2 };
    apply();
  };

  const zoomAt = (factor, cx, cy) => {
    const rect = canvas.getBoundingClientRect();
    const px = cx - rect.left;
    const py = cy - rect.top;
    const scale = Math.min(MAX_ZOOM, Math.max(0.05, transform.scale * factor));
    const k = scale / transform.scale;
    transform = { scale, x: px - (px - transform.x) * k, y: py - (py - transform.y) * k };
    apply();
  };

  canvas.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX, event.clientY);
    },
    { passive: false },
  );
  let drag = null;
  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, start: { ...transform } };
    canvas.setPointerCapture(event.pointerId);
    canvas.classList.add('dragging');
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drag) return;
    transform = { ...drag.start, x: drag.start.x + event.clientX - drag.x, y: drag.start.y + event.clientY - drag.y };
    apply();
  });
  const endDrag = () => {
    drag = null;
    canvas.classList.remove('dragging');
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);

  const toolbar = el('span', 'chart-tools');
  const button = (text, title, onClick, testid) => {
    const b = el('button', '', text);
    b.type = 'button';
    b.title = title;
    b.dataset.testid = testid;
    b.addEventListener('click', onClick);
    toolbar.append(b);
  };
  button('−', 'Zoom out', () => {
    const r = canvas.getBoundingClientRect();
    zoomAt(1 / 1.25, r.left + r.width / 2, r.top + r.height / 2);
  }, 'zoom-out');
  button('+', 'Zoom in', () => {
    const r = canvas.getBoundingClientRect();
    zoomAt(1.25, r.left + r.width / 2, r.top + r.height / 2);
  }, 'zoom-in');
  button('Fit', 'Show the whole chart', fitAll, 'zoom-fit');
  button('Readable', 'Labels at a readable size, centred on the active state', () => defaultFit(true), 'zoom-readable');
  const title = el('span', 'chart-title');
  const valueEl = el('span', 'chart-value');
  header.replaceChildren(title, valueEl, toolbar);

  const paint = (store) => {
    if (!shown?.svg) return;
    if (override) {
      highlight(shown.svg, override.value, override.event);
      return;
    }
    const live = store.actors.get(shown.sessionId);
    const actor = live ? actorAt(live, store.cursor) : undefined;
    if (!actor) return;
    const last = store.cursor === null ? live.history.at(-1)?.eventType : actor.lastEvent;
    highlight(shown.svg, actor.value, last);
    valueEl.textContent = `${formatValue(actor.value)}${actor.status === 'active' ? '' : ` (${actor.status})`}${last ? ` · last: ${shortEvent(last)}` : ''}`;
    valueEl.className = `chart-value status-${actor.status}`;
  };

  /** Draws `definition` (laid out once per definition), then fits it. */
  const draw = (store, key, definition, onDrawn) => {
    const ticket = ++pending;
    canvas.replaceChildren(el('p', 'hint', 'laying out…'));
    const { width, height } = canvas.getBoundingClientRect();
    layoutChart(definition, width / Math.max(1, height)).then(
      (layout) => {
        if (ticket !== pending) return;
        const svg = renderChart(layout);
        shown = { ...shown, definitionKey: key, svg, layout };
        canvas.replaceChildren(svg);
        canvas.dataset.direction = layout.direction;
        const from = [...new Set(layout.rootTransitions.map((t) => shortEvent(t.event)))];
        caption.textContent = from.length > 0 ? `from any state: ${from.join(', ')}` : '';
        paint(store);
        defaultFit(true);
        onDrawn?.();
      },
      (error) => {
        if (ticket !== pending) return;
        canvas.replaceChildren(el('p', 'hint', `layout failed: ${error && error.message ? error.message : error}`));
      },
    );
  };

  return {
    /** The actor whose chart is shown, or null. */
    get sessionId() {
      return shown?.sessionId ?? null;
    },
    /** Shows the chart of `sessionId` (no-op when it is already shown). */
    show(store, sessionId) {
      override = null;
      const actor = store.actors.get(sessionId);
      if (!actor) return;
      const name = actorName(actor);
      title.replaceChildren(el('span', `kind kind-${actorKind(actor)}`, actorKind(actor)), document.createTextNode(name));
      title.title = `${name} · session ${actor.sessionId} · machine ${actor.logic}`;
      canvas.dataset.session = sessionId;
      if (!actor.definition) {
        shown = { sessionId, definitionKey: null, svg: null, layout: null };
        canvas.replaceChildren(el('p', 'hint', `${name} is a ${actor.logic} actor: it has no statechart. Its state and history are in the detail panel.`));
        caption.textContent = '';
        valueEl.textContent = formatValue(actor.value);
        return;
      }
      const key = JSON.stringify(actor.definition);
      if (shown?.sessionId === sessionId && shown.definitionKey === key) return;
      shown = { sessionId, definitionKey: null, svg: null, layout: null };
      draw(store, key, actor.definition);
    },
    /**
     * Shows a statechart that no actor runs (a counterexample's machine) with a fixed
     * configuration; `step(value, event)` moves the highlight.
     */
    showDefinition(store, definition, name, onDrawn) {
      override = { value: undefined, event: undefined };
      title.replaceChildren(el('span', 'kind kind-recovery', 'check'), document.createTextNode(name));
      title.title = name;
      canvas.dataset.session = '';
      shown = { sessionId: null, definitionKey: null, svg: null, layout: null };
      draw(store, JSON.stringify(definition), definition, onDrawn);
    },
    step(value, event, text) {
      override = { value, event };
      if (shown?.svg) {
        highlight(shown.svg, value, event);
        revealActive();
      }
      valueEl.textContent = text ?? formatValue(value);
      valueEl.className = 'chart-value';
    },
    /** Repaints the highlight (new snapshot or moved cursor). */
    render(store) {
      paint(store);
    },
    /** Re-fits after the canvas changed size. */
    refit() {
      defaultFit(true);
    },
  };
}
