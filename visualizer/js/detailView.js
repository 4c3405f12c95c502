// The selected actor: identity, current state, context and its history of
// past states with the events that led to them (newest first).

import { actorAt, actorName } from './store.js';
import { el, formatTime, formatValue, shortEvent } from './format.js';

export function createDetailView(container) {
  let shownSession = null;
  let shownUpdates = -1;

  return {
    render(store, force = false) {
      const live = store.selected ? store.actors.get(store.selected) : undefined;
      // Travelled back in time: the actor as it was then (undefined before it existed).
      const actor = live ? actorAt(live, store.cursor) : undefined;
      if (!actor) {
        if (shownSession !== null || force) container.replaceChildren(el('p', 'hint', 'Click an actor or a chart.'));
        shownSession = null;
        return;
      }
      const version = `${actor.updates}@${store.cursor}`;
      if (!force && shownSession === actor.sessionId && shownUpdates === version) return;
      shownSession = actor.sessionId;
      shownUpdates = version;

      const facts = el('dl');
      const fact = (name, value) => facts.append(el('dt', '', name), el('dd', '', value));
      fact('name', actorName(actor));
      fact('session', actor.sessionId);
      fact('machine', actor.logic);
      if (actor.parentId) {
        const parent = store.actors.get(actor.parentId);
        fact('parent', parent ? actorName(parent) : actor.parentId);
      }
      fact('state', formatValue(actor.value));
      fact('status', actor.status);
      const parts = [facts];
      // Travelled back to before it failed or finished: no error or output yet.
      if (actor.error !== undefined && actor.status === 'error') parts.push(el('h2', '', 'error'), el('pre', '', JSON.stringify(actor.error, null, 2)));
      if (actor.output !== undefined && actor.status === 'done') parts.push(el('h2', '', 'output'), el('pre', '', JSON.stringify(actor.output, null, 2)));
      const context = el('pre', 'context', actor.context === undefined ? '(no context)' : JSON.stringify(actor.context, null, 2));
      context.dataset.testid = 'detail-context';
      parts.push(el('h2', '', 'context'), context);
      const history = el('ol', 'history');
      history.dataset.testid = 'detail-history';
      for (let i = actor.history.length - 1; i >= 0; i--) {
        const entry = actor.history[i];
        const li = el('li');
        // Under the time cursor: the entry in force then is marked, later ones are the future.
        if (store.cursor !== null && entry.time > store.cursor) li.className = 'future';
        else if (i === actor.historyIndex) li.className = 'current';
        const what = el('span');
        what.append(el('span', 'ev', shortEvent(entry.eventType)), document.createTextNode(` → ${formatValue(entry.value)}${entry.status && entry.status !== 'active' ? ` (${entry.status})` : ''}`));
        li.append(el('span', 't', formatTime(entry.time)), what);
        history.append(li);
      }
      parts.push(el('h2', '', `history (${actor.history.length})`), history);
      container.replaceChildren(...parts);
    },
  };
}
