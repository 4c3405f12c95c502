// The sequence view: actors as lifelines, every event delivered to one of them as an
// arrow from its sender (or from "outside" when no actor sent it, or the sender is
// hidden) in time order, and each resulting state change as a note on the receiver's
// lifeline, like Stately's sequence diagram. The chips choose which actors get a
// lifeline; the newest ROW_LIMIT rows up to the time cursor are drawn.

import { actorAt, actorName } from './store.js';
import { el, formatTime, formatValue, shortEvent } from './format.js';
import { actorKind } from './actorKind.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const ROW_LIMIT = 300;
const ROW_HEIGHT = 24;
const GUTTER = 92;
const HEAD = 4;

function svg(tag, attributes) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes ?? {})) node.setAttribute(name, String(value));
  return node;
}

/** The actors that get a lifeline by default: every machine actor, but only the 2 newest recoveries (there may be hundreds). */
function defaultShown(store) {
  // At the time cursor: the newest recoveries then, not ones created after it (they would have no lifeline).
  const machines = [...store.actors.values()].filter((a) => a.definition && actorAt(a, store.cursor));
  const recoveries = machines.filter((a) => actorKind(a) === 'recovery').sort((a, b) => b.createdAt - a.createdAt);
  const keep = new Set(recoveries.slice(0, 2).map((a) => a.sessionId));
  return new Set(machines.filter((a) => actorKind(a) !== 'recovery' || keep.has(a.sessionId)).map((a) => a.sessionId));
}

export function createSequenceView({ chips, heads, body, scroller, count, onSelect, isVisible }) {
  /** Actors the user turned on or off, over the defaults. */
  const choices = new Map();
  let lastKey = '';
  let lastDraw = 0;
  let lastChips = '';

  const shownSet = (store) => {
    const base = defaultShown(store);
    for (const [sessionId, on] of choices) {
      if (!store.actors.has(sessionId)) continue;
      if (on) base.add(sessionId);
      else base.delete(sessionId);
    }
    return base;
  };

  const drawChips = (store, shown) => {
    const wanted = [...store.actors.values()].filter((a) => a.definition && actorAt(a, store.cursor));
    // Rebuilt only when a chip would change: a chip replaced under the pointer swallows the user's click.
    const key = wanted.map((a) => `${a.sessionId}${shown.has(a.sessionId) ? '+' : '-'}${actorName(a)}`).join('|');
    if (key === lastChips) return;
    lastChips = key;
    chips.replaceChildren(
      ...wanted.map((actor) => {
        const label = el('label', `chip${shown.has(actor.sessionId) ? ' on' : ''}`);
        const box = el('input');
        box.type = 'checkbox';
        box.checked = shown.has(actor.sessionId);
        box.dataset.session = actor.sessionId;
        box.addEventListener('change', () => {
          choices.set(actor.sessionId, box.checked);
          lastKey = '';
        });
        label.append(box, document.createTextNode(actorName(actor)));
        label.title = `${actorName(actor)} (${actor.logic}): show or hide its lifeline`;
        return label;
      }),
    );
  };

  return {
    render(store, force = false) {
      if (!isVisible()) return;
      const now = performance.now();
      const key = `${store.logEpoch}:${store.log.length}:${store.cursor}:${store.pausedSeq}:${[...choices].join()}:${store.actors.size}`;
      if (!force && key === lastKey) return;
      if (!force && store.cursor === null && now - lastDraw < 200) return;
      lastKey = key;
      lastDraw = now;
      const shown = shownSet(store);
      drawChips(store, shown);
      const lanes = [...store.actors.values()].filter((a) => shown.has(a.sessionId) && actorAt(a, store.cursor));
      const laneOf = new Map(lanes.map((a, i) => [a.sessionId, i + 1]));
      // Lane 0 is "outside": the sender of events no shown actor sent.
      const rows = [];
      for (let i = store.log.length - 1; i >= 0 && rows.length < ROW_LIMIT; i--) {
        const m = store.log[i];
        if (store.cursor !== null && m.time > store.cursor) continue;
        if (store.pausedSeq !== null && m.seq > store.pausedSeq) continue;
        if ((m.kind === 'event' || m.kind === 'snapshot') && laneOf.has(m.sessionId)) rows.push(m);
      }
      rows.reverse();
      const width = Math.max(scroller.clientWidth, 400);
      const laneWidth = Math.max(110, (width - GUTTER) / (lanes.length + 1));
      const x = (lane) => GUTTER + laneWidth * lane + laneWidth / 2;
      const totalWidth = GUTTER + laneWidth * (lanes.length + 1);
      const height = HEAD + rows.length * ROW_HEIGHT + 12;

      heads.replaceChildren();
      heads.style.width = `${totalWidth}px`;
      const head = (text, lane, actor) => {
        const h = el('div', `lane-head${actor ? ` kind-${actorKind(actor)}` : ''}`, text);
        h.style.left = `${GUTTER + laneWidth * lane}px`;
        h.style.width = `${laneWidth}px`;
        h.title = actor ? `${text} · ${formatValue(actorAt(actor, store.cursor).value)} · click for its chart` : 'events no shown actor sent (from outside, or from a hidden actor)';
        if (actor) {
          h.dataset.session = actor.sessionId;
          h.addEventListener('click', () => onSelect(actor.sessionId));
        }
        heads.append(h);
      };
      head('outside', 0);
      lanes.forEach((actor, i) => head(actorName(actor), i + 1, actor));

      const root = svg('svg', { width: totalWidth, height, class: 'sequence' });
      const defs = svg('defs');
      const marker = svg('marker', { id: 'seq-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' });
      marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
      defs.append(marker);
      root.append(defs);
      for (let lane = 0; lane <= lanes.length; lane++) root.append(svg('line', { class: 'lifeline', x1: x(lane), x2: x(lane), y1: 0, y2: height }));
      rows.forEach((m, i) => {
        const y = HEAD + i * ROW_HEIGHT + ROW_HEIGHT / 2;
        const time = svg('text', { class: 'time', x: 4, y: y + 4 });
        time.textContent = formatTime(m.time).slice(3);
        root.append(time);
        const to = laneOf.get(m.sessionId);
        if (m.kind === 'event') {
          const from = m.sourceId && laneOf.has(m.sourceId) ? laneOf.get(m.sourceId) : 0;
          const g = svg('g', { class: 'arrow', 'data-seq': m.seq, 'data-from': from === 0 ? '' : m.sourceId, 'data-to': m.sessionId, 'data-type': m.type });
          if (from === to) {
            const x0 = x(to);
            g.append(svg('path', { d: `M${x0},${y - 6} h26 v12 h-24`, 'marker-end': 'url(#seq-arrow)' }));
          } else {
            const dir = to > from ? 1 : -1;
            g.append(svg('line', { x1: x(from) + dir * 3, x2: x(to) - dir * 3, y1: y, y2: y, 'marker-end': 'url(#seq-arrow)' }));
          }
          const label = svg('text', { x: (x(from) + x(to)) / 2 + (from === to ? 34 : 0), y: y - 4, 'text-anchor': from === to ? 'start' : 'middle' });
          label.textContent = shortEvent(m.type);
          const title = svg('title');
          const source = m.sourceId ? store.actors.get(m.sourceId) : undefined;
          title.textContent = `${formatTime(m.time)} ${source ? actorName(source) : 'outside'} → ${actorName(store.actors.get(m.sessionId))}: ${m.type}`;
          g.append(label, title);
          root.append(g);
        } else {
          const text = `${formatValue(m.value)}${m.status && m.status !== 'active' ? ` (${m.status})` : ''}`;
          const g = svg('g', { class: `note status-${m.status ?? 'active'}`, 'data-seq': m.seq, 'data-to': m.sessionId });
          const w = Math.min(laneWidth - 8, text.length * 7 + 12);
          g.append(svg('rect', { x: x(to) - w / 2, y: y - 9, width: w, height: 18, rx: 9 }));
          const label = svg('text', { x: x(to), y: y + 4, 'text-anchor': 'middle' });
          label.textContent = text;
          const title = svg('title');
          title.textContent = `${formatTime(m.time)} ${actorName(store.actors.get(m.sessionId))}: ${shortEvent(m.eventType)} → ${text}`;
          g.append(label, title);
          root.append(g);
        }
      });
      // Live and scrolled to the end: stay at the end, as a log does.
      const stick = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 30;
      body.replaceChildren(root);
      if (stick || force) scroller.scrollTop = scroller.scrollHeight;
      count.textContent = `${rows.filter((m) => m.kind === 'event').length} events, ${rows.filter((m) => m.kind === 'snapshot').length} state changes · ${lanes.length} lifelines`;
    },
  };
}
