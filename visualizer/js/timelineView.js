// The timeline: bus events (system and lifecycle) with their payloads, state
// transitions and, optionally, every event delivered to an actor; newest on top.
// It is a view of the session log: the checkboxes, the text filter, the actor filter
// and the time cursor choose which logged messages to show, and changing them
// redraws from the log, so nothing a filter hides is ever lost. The DOM holds at most
// ROW_LIMIT rows; the count line says how many match.

import { actorName } from './store.js';
import { compactJson, el, formatTime, formatValue, shortEvent } from './format.js';

const ROW_LIMIT = 400;
/** Search text per message, computed once (the log is append-only). */
const texts = new WeakMap();

export function createTimelineView({ list, showBus, showTransitions, showEvents, filter, onlySelected, count }) {
  let drawn = { epoch: -1, key: '', length: 0, matches: 0 };

  const currentKey = (store) =>
    [showBus.checked, showTransitions.checked, showEvents.checked, filter.value.trim().toLowerCase(), onlySelected.checked ? store.selected : '', store.cursor, store.pausedSeq].join('\u0000');

  const makeFilter = (store) => {
    const bus = showBus.checked;
    const transitions = showTransitions.checked;
    const events = showEvents.checked;
    const needle = filter.value.trim().toLowerCase();
    const only = onlySelected.checked ? store.selected : null;
    const cursor = store.cursor;
    const lastSeq = store.pausedSeq;
    return (message) => {
      if (message.kind === 'bus') {
        if (!bus) return false;
      } else if (message.kind === 'snapshot') {
        if (!transitions) return false;
      } else if (message.kind === 'event') {
        if (!events) return false;
      } else return false;
      if (cursor !== null && message.time > cursor) return false;
      // Paused: what arrives later in the same millisecond stays out too.
      if (lastSeq !== null && message.seq > lastSeq) return false;
      if (only && message.sessionId !== only && message.sourceId !== only) return false;
      if (!needle) return true;
      return searchText(store, message).includes(needle);
    };
  };

  return {
    /** Draws what changed: new matching messages on top, or everything again after a filter, cursor or log change. */
    render(store) {
      const key = currentKey(store);
      const log = store.log;
      const accepts = makeFilter(store);
      if (drawn.epoch === store.logEpoch && drawn.key === key) {
        if (log.length === drawn.length) return;
        const fragment = document.createDocumentFragment();
        let added = 0;
        for (let i = log.length - 1; i >= drawn.length; i--) {
          if (!accepts(log[i])) continue;
          drawn.matches++;
          if (added < ROW_LIMIT) {
            fragment.append(row(store, log[i]));
            added++;
          }
        }
        drawn.length = log.length;
        if (added > 0) {
          list.prepend(fragment);
          while (list.childElementCount > ROW_LIMIT) list.lastElementChild.remove();
        }
      } else {
        const rows = [];
        let matches = 0;
        for (let i = log.length - 1; i >= 0; i--) {
          if (!accepts(log[i])) continue;
          matches++;
          if (rows.length < ROW_LIMIT) rows.push(row(store, log[i]));
        }
        list.replaceChildren(...rows);
        list.scrollTop = 0;
        drawn = { epoch: store.logEpoch, key, length: log.length, matches };
      }
      count.textContent = drawn.matches > ROW_LIMIT ? `newest ${ROW_LIMIT} of ${drawn.matches} matching` : `${drawn.matches} matching`;
      count.dataset.matches = String(drawn.matches);
    },
  };
}

function searchText(store, message) {
  let text = texts.get(message);
  if (text === undefined) {
    text = describe(store, message).text.toLowerCase();
    texts.set(message, text);
  }
  return text;
}

/** What a timeline row says about a message: its kind, its type column, its text. */
export function describe(store, message) {
  const actor = message.sessionId ? store.actors.get(message.sessionId) : undefined;
  const who = actor ? actorName(actor) : message.sessionId;
  switch (message.kind) {
    case 'bus':
      return { kind: 'bus', type: message.type, text: `${message.type} ${compactJson(message.payload, 400)}`, payload: compactJson(message.payload, 400) };
    case 'snapshot': {
      const state = `${formatValue(message.value)}${message.status && message.status !== 'active' ? ` (${message.status})` : ''}`;
      return { kind: 'state', type: who, text: `${who} ${shortEvent(message.eventType)} → ${state}`, payload: `${shortEvent(message.eventType)} → ${state}` };
    }
    case 'event': {
      const source = message.sourceId ? store.actors.get(message.sourceId) : undefined;
      const from = source ? `${actorName(source)} → ` : '';
      return { kind: 'event', type: who, text: `${from}${who} ${message.type} ${compactJson(message.event, 200)}`, payload: `${from}${shortEvent(message.type)} ${compactJson(message.event, 200)}` };
    }
    default:
      return { kind: message.kind, type: '', text: '', payload: '' };
  }
}

function row(store, message) {
  const d = describe(store, message);
  const li = el('li', `k-${message.kind}`);
  li.dataset.type = d.type;
  li.dataset.seq = String(message.seq);
  if (message.sessionId) li.dataset.session = message.sessionId;
  li.append(el('span', 't', formatTime(message.time)), el('span', 'k', d.kind), el('span', 'type', d.type), el('span', 'payload', d.payload));
  li.title = d.text;
  return li;
}
