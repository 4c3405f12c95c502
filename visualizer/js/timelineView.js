// The live timeline: bus events (system and lifecycle) with their payloads, state
// transitions and, optionally, every event delivered to an actor. Newest on top.
// The DOM holds at most ROW_LIMIT rows; the counters in the header count everything.

import { actorName } from './store.js';
import { compactJson, el, formatTime, formatValue, shortEvent } from './format.js';

const ROW_LIMIT = 400;

export function createTimelineView({ list, showBus, showTransitions, showEvents, filter }) {
  const accepts = (store, message) => {
    if (message.kind === 'bus' && !showBus.checked) return false;
    if (message.kind === 'snapshot' && !showTransitions.checked) return false;
    if (message.kind === 'event' && !showEvents.checked) return false;
    const needle = filter.value.trim().toLowerCase();
    if (!needle) return true;
    return describe(store, message).text.toLowerCase().includes(needle);
  };

  return {
    /** Draws the messages that arrived since the last frame (only the newest ROW_LIMIT of a burst). */
    render(store) {
      const pending = store.pendingTimeline;
      if (pending.length === 0) return;
      const fragment = document.createDocumentFragment();
      let added = 0;
      for (let i = pending.length - 1; i >= 0 && added < ROW_LIMIT; i--) {
        const message = pending[i];
        if (!accepts(store, message)) continue;
        fragment.append(row(store, message));
        added++;
      }
      pending.length = 0;
      if (added === 0) return;
      list.prepend(fragment);
      while (list.childElementCount > ROW_LIMIT) list.lastElementChild.remove();
    },
    /** Empties the list (after a resync or a filter change). */
    clear() {
      list.replaceChildren();
    },
  };
}

function describe(store, message) {
  const actor = message.sessionId ? store.actors.get(message.sessionId) : undefined;
  const who = actor ? actorName(actor) : message.sessionId;
  switch (message.kind) {
    case 'bus':
      return { kind: 'bus', type: message.type, text: `${message.type} ${compactJson(message.payload, 400)}`, payload: compactJson(message.payload, 400) };
    case 'snapshot': {
      const state = `${formatValue(message.value)}${message.status && message.status !== 'active' ? ` (${message.status})` : ''}`;
      return { kind: 'state', type: who, text: `${who} ${shortEvent(message.eventType)} → ${state}`, payload: `${shortEvent(message.eventType)} → ${state}` };
    }
    case 'event':
      return { kind: 'event', type: who, text: `${who} ${message.type} ${compactJson(message.event, 200)}`, payload: `${shortEvent(message.type)} ${compactJson(message.event, 200)}` };
    default:
      return { kind: message.kind, type: '', text: '', payload: '' };
  }
}

function row(store, message) {
  const d = describe(store, message);
  const li = el('li', `k-${message.kind}`);
  li.dataset.type = d.type;
  li.append(el('span', 't', formatTime(message.time)), el('span', 'k', d.kind), el('span', 'type', d.type), el('span', 'payload', d.payload));
  li.title = d.text;
  return li;
}
