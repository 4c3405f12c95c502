// The actor tree: every actor nested under its parent, each row with its full name
// (never cut: names wrap) and its current state, at the time cursor when there is
// one. Clicking a row selects the actor and brings its chart into view.

import { actorAt, actorName } from './store.js';
import { el, formatValue } from './format.js';
import { actorKind } from './actorKind.js';

export function createActorsView({ list, onSelect }) {
  /** One list item per actor, kept across rebuilds so a row being clicked is never replaced. */
  const items = new Map();

  function itemFor(store, actor) {
    let item = items.get(actor.sessionId);
    if (item) return item;
    const li = el('li');
    const row = el('div', 'actor-row');
    row.dataset.session = actor.sessionId;
    row.dataset.kind = actorKind(actor);
    const name = el('span', 'name');
    const label = el('span', 'label', actorName(actor));
    name.append(el('span', `kind kind-${actorKind(actor)}`, actorKind(actor)), label);
    const state = el('span', 'state');
    row.append(name, state);
    row.addEventListener('click', () => onSelect(actor.sessionId));
    li.append(row);
    item = { li, row, label, state, children: null };
    items.set(actor.sessionId, item);
    return item;
  }

  function rebuildList(store) {
    for (const sessionId of items.keys()) if (!store.actors.has(sessionId)) items.delete(sessionId);
    const byParent = new Map();
    for (const live of store.actors.values()) {
      // Travelled back in time: actors created later are not there yet.
      if (!actorAt(live, store.cursor)) continue;
      const parent = live.parentId && store.actors.has(live.parentId) ? live.parentId : '';
      if (!byParent.has(parent)) byParent.set(parent, []);
      byParent.get(parent).push(live);
    }
    const build = (parentId, container) => {
      const wanted = [];
      for (const actor of byParent.get(parentId) ?? []) {
        const item = itemFor(store, actor);
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
    const item = items.get(live.sessionId);
    const actor = actorAt(live, store.cursor);
    if (!item || !actor) return;
    const name = actorName(live);
    item.label.textContent = name;
    item.state.textContent = stateText(actor);
    item.row.className = `actor-row status-${actor.status}${live.definition ? '' : ' helper'}${store.selected === live.sessionId ? ' selected' : ''}`;
    item.row.dataset.status = actor.status;
    item.row.dataset.name = name;
    item.row.title = `${name} · ${stateText(actor)} · session ${live.sessionId} · machine ${live.logic}`;
  }

  return {
    /** Applies what changed since the last frame. */
    render(store) {
      if (store.structureDirty) {
        rebuildList(store);
        store.structureDirty = false;
      } else {
        for (const sessionId of store.dirtyActors) {
          const actor = store.actors.get(sessionId);
          if (actor) updateRow(store, actor);
        }
      }
      store.dirtyActors.clear();
    },
    /** Moves the selection highlight. */
    select(store) {
      for (const [sessionId, item] of items) item.row.classList.toggle('selected', sessionId === store.selected);
    },
    /** Forgets every row (a loaded session replaced the store). */
    reset() {
      items.clear();
      list.replaceChildren();
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
