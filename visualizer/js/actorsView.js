// The actor tree (every actor, nested under its parent, with its current state)
// and the statechart cards (one per machine actor, active state highlighted).

import { actorAt, actorName } from './store.js';
import { el, formatValue } from './format.js';
import { highlight, layoutChart, renderChart } from './statechart.js';

const KINDS = ['orchestrator', 'engine', 'plugin', 'recovery'];
/** Finished machine actors that keep their chart (the actor list keeps more). */
const FINISHED_CHARTS = 6;

/** The kind badge: orchestrator, engine, plugin, recovery, the machine's id, or `task` for non-machine helpers. */
export function actorKind(actor) {
  if (!actor.definition) return 'task';
  const haystack = `${actor.systemId ?? ''} ${actor.id} ${actor.logic}`.toLowerCase();
  return KINDS.find((kind) => haystack.includes(kind)) ?? actor.logic;
}

export function createActorsView({ list, grid, onSelect }) {
  /** @type {Map<string, { card: HTMLElement, svg: SVGElement | null, value: HTMLElement, status: HTMLElement }>} */
  const cards = new Map();
  /** @type {Map<string, HTMLElement>} */
  const rows = new Map();

  /** One list item per actor, kept across rebuilds so a row being clicked is never replaced. */
  const items = new Map();

  function itemFor(store, actor) {
    let item = items.get(actor.sessionId);
    if (item) return item;
    const li = el('li');
    const row = el('div', `actor-row status-${actor.status}${actor.definition ? '' : ' helper'}`);
    row.dataset.session = actor.sessionId;
    row.dataset.kind = actorKind(actor);
    row.dataset.status = actor.status;
    const name = el('span', 'name');
    name.append(el('span', `kind kind-${actorKind(actor)}`, actorKind(actor)), document.createTextNode(actorName(actor)));
    const state = el('span', 'state', stateText(actor));
    row.append(name, state);
    row.title = `${actor.sessionId} · ${actor.logic}`;
    row.addEventListener('click', () => onSelect(actor.sessionId));
    if (store.selected === actor.sessionId) row.classList.add('selected');
    li.append(row);
    item = { li, row, name, children: null };
    items.set(actor.sessionId, item);
    rows.set(actor.sessionId, row);
    return item;
  }

  function rebuildList(store) {
    for (const [sessionId] of items) {
      if (!store.actors.has(sessionId)) {
        items.delete(sessionId);
        rows.delete(sessionId);
      }
    }
    const byParent = new Map();
    for (const live of store.actors.values()) {
      // Travelled back in time: actors created later are not there yet.
      const actor = actorAt(live, store.cursor);
      if (!actor) continue;
      const parent = actor.parentId && store.actors.has(actor.parentId) ? actor.parentId : '';
      if (!byParent.has(parent)) byParent.set(parent, []);
      byParent.get(parent).push(actor);
    }
    const build = (parentId, container) => {
      const wanted = [];
      for (const actor of byParent.get(parentId) ?? []) {
        const item = itemFor(store, actor);
        item.name.lastChild.textContent = actorName(actor);
        // A reused row may be behind: a status change is a structure change, not a dirty actor.
        updateRow(store, actor);
        if (byParent.has(actor.sessionId)) {
          if (!item.children) {
            item.children = el('ul');
            item.li.append(item.children);
          }
          build(actor.sessionId, item.children);
        } else if (item.children) {
          item.children.remove();
          item.children = null;
        }
        wanted.push(item.li);
      }
      reconcile(container, wanted);
    };
    build('', list);
  }

  function updateRow(store, live) {
    const row = rows.get(live.sessionId);
    const actor = actorAt(live, store.cursor);
    if (!row || !actor) return;
    row.querySelector('.state').textContent = stateText(actor);
    row.className = `actor-row status-${actor.status}${actor.definition ? '' : ' helper'}`;
    row.dataset.status = actor.status;
  }

  /** Machine actors that get a chart: every running one, the selected one, and the latest finished ones. */
  function charted(store) {
    const machines = [...store.actors.values()].filter((a) => a.definition);
    const finished = machines
      .filter((a) => a.status !== 'active' && a.sessionId !== store.selected)
      .sort((a, b) => b.finishedAt - a.finishedAt)
      .slice(0, FINISHED_CHARTS);
    const shown = new Set(finished.map((a) => a.sessionId));
    for (const a of machines) if (a.status === 'active' || a.sessionId === store.selected) shown.add(a.sessionId);
    return shown;
  }

  function syncCards(store) {
    const shown = charted(store);
    for (const [sessionId, entry] of cards) {
      if (!shown.has(sessionId)) {
        entry.card.remove();
        cards.delete(sessionId);
      }
    }
    for (const actor of store.actors.values()) {
      if (!shown.has(actor.sessionId) || cards.has(actor.sessionId)) continue;
      const card = el('article', 'chart-card');
      card.dataset.session = actor.sessionId;
      card.dataset.kind = actorKind(actor);
      const header = el('header');
      const title = el('span', 'title');
      title.append(el('span', `kind kind-${actorKind(actor)}`, actorKind(actor)), document.createTextNode(actorName(actor)));
      const value = el('span', 'value', stateText(actor));
      header.append(title, value);
      const body = el('div', 'body', 'laying out…');
      const status = el('div', 'caption', '');
      card.append(header, body, status);
      card.addEventListener('click', () => onSelect(actor.sessionId));
      grid.append(card);
      const entry = { card, svg: null, value, status, title };
      cards.set(actor.sessionId, entry);
      layoutChart(actor.definition).then(
        (layout) => {
          entry.svg = renderChart(layout);
          body.replaceChildren(entry.svg);
          if (layout.rootTransitions.length > 0) {
            status.textContent = `from any state: ${[...new Set(layout.rootTransitions.map((t) => t.event))].join(', ')}`;
          }
          updateCard(store, actor);
        },
        (error) => {
          body.textContent = `layout failed: ${error && error.message ? error.message : error}`;
        },
      );
      updateCard(store, actor);
    }
    // Active machines first, then the most recently finished.
    const ordered = [...cards.entries()].sort(([a], [b]) => rank(store.actors.get(a)) - rank(store.actors.get(b)));
    reconcile(grid, ordered.map(([, entry]) => entry.card));
  }

  function updateCard(store, live) {
    const entry = cards.get(live.sessionId);
    const actor = actorAt(live, store.cursor);
    if (!entry || !actor) return;
    entry.value.textContent = stateText(actor);
    entry.title.lastChild.textContent = actorName(actor);
    entry.card.dataset.status = actor.status;
    entry.card.dataset.value = formatValue(actor.value);
    entry.card.classList.toggle('finished', actor.status !== 'active');
    entry.card.classList.toggle('selected', store.selected === actor.sessionId);
    entry.card.classList.toggle('status-error', actor.status === 'error');
    if (entry.svg) highlight(entry.svg, actor.value, store.cursor === null ? actor.history.at(-1)?.eventType : actor.lastEvent);
  }

  return {
    /** Applies what changed since the last frame. */
    render(store) {
      if (store.structureDirty) {
        rebuildList(store);
        syncCards(store);
        for (const actor of store.actors.values()) updateCard(store, actor);
        store.structureDirty = false;
        store.dirtyActors.clear();
        return;
      }
      for (const sessionId of store.dirtyActors) {
        const actor = store.actors.get(sessionId);
        if (!actor) continue;
        updateRow(store, actor);
        updateCard(store, actor);
      }
      store.dirtyActors.clear();
    },
    /** Forgets every row and chart (a loaded session replaced the store). */
    reset() {
      items.clear();
      rows.clear();
      for (const entry of cards.values()) entry.card.remove();
      cards.clear();
      list.replaceChildren();
    },
    /** Moves the selection highlight. */
    select(store) {
      if (store.selected && !cards.has(store.selected)) syncCards(store);
      for (const [sessionId, row] of rows) row.classList.toggle('selected', sessionId === store.selected);
      for (const [sessionId, entry] of cards) entry.card.classList.toggle('selected', sessionId === store.selected);
    },
  };
}

/** Puts `wanted` into `container` in order, moving only nodes that are out of place. */
function reconcile(container, wanted) {
  let cursor = container.firstChild;
  for (const node of wanted) {
    if (node === cursor) {
      cursor = cursor.nextSibling;
      continue;
    }
    container.insertBefore(node, cursor);
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}

function stateText(actor) {
  const value = formatValue(actor.value);
  return actor.status === 'active' ? value : `${value} (${actor.status})`;
}

function rank(actor) {
  if (!actor) return Number.MAX_SAFE_INTEGER;
  if (actor.status === 'active') return actor.createdAt - 1e15;
  return -actor.finishedAt;
}
