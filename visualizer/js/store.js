// The page's model of the running system, fed by relay messages. It counts every
// message (and every gap in the relay's numbering) the moment it arrives and keeps
// it in the session log, which the views only ever read: a filter, a pause or a
// trip back in time is a way of looking at the log, never a change to it. The views
// read the store once per animation frame, so a burst of thousands of events costs
// one DOM update, not thousands.

/** Snapshots kept per actor (time travel reads them). */
const HISTORY_LIMIT = 2000;
/** Metrics samples kept for the plots. */
const METRICS_LIMIT = 600;
/** Finished actors kept (with machines) before the oldest are forgotten. */
const FINISHED_MACHINE_LIMIT = 24;
/** Finished non-machine helper actors (promises, callbacks) kept. */
const FINISHED_HELPER_LIMIT = 12;
/** Messages kept in the session log; past it the oldest tenth is forgotten (and counted). */
const LOG_LIMIT = 100_000;

/**
 * @typedef {object} HistoryEntry
 * @property {number} time
 * @property {number} seq
 * @property {string} eventType
 * @property {unknown} value
 * @property {string} status
 * @property {unknown} context the context after this snapshot (shared reference, not a copy)
 */

/**
 * @typedef {object} ActorView
 * @property {string} sessionId
 * @property {string} id
 * @property {string | undefined} systemId
 * @property {string | undefined} parentId
 * @property {string} logic
 * @property {object | undefined} definition
 * @property {unknown} value
 * @property {string} status
 * @property {unknown} context
 * @property {HistoryEntry[]} history
 * @property {number} updates snapshots applied so far (the history is bounded, this is not)
 * @property {number} createdAt
 * @property {number} finishedAt
 */

export function createStore() {
  return {
    /** @type {Map<string, ActorView>} */
    actors: new Map(),
    /** Every message of the session, in arrival order (bounded by LOG_LIMIT). */
    log: [],
    /** Bumped whenever the log is replaced or trimmed (views that index into it start over). */
    logEpoch: 0,
    /** Messages forgotten from the front of the log so far. */
    logForgotten: 0,
    /** @type {{ time: number, sample: unknown }[]} */
    metrics: [],
    stats: { received: 0, lastSeq: 0, gaps: 0, byType: Object.create(null), frames: 0 },
    dirtyActors: new Set(),
    structureDirty: true,
    metricsDirty: true,
    selected: null,
    /** The moment the views show: `null` is live, a time (epoch ms) is paused or travelled back. */
    cursor: null,
    /** True while the user paused the display (the log keeps growing). */
    paused: false,
    /** While paused: the last message shown (later ones in the same millisecond stay hidden). */
    pausedSeq: null,
    /** Where the data comes from: `live`, or the name of a loaded session file. */
    source: 'live',
  };
}

/** Display name of an actor: its system id, else its id, else its logic (generated ids say nothing). */
export function actorName(actor) {
  if (actor.systemId) return actor.systemId;
  if (actor.id && !/^x:\d+$/.test(actor.id) && !/^\d+\./.test(actor.id)) return actor.id;
  return actor.logic;
}

/** The first and last time of the session, or undefined when the log is empty. */
export function sessionSpan(store) {
  const log = store.log;
  if (log.length === 0) return undefined;
  return { start: log[0].time, end: log[log.length - 1].time };
}

/** The time the views show: the cursor, else the newest message's time. */
export function viewTime(store) {
  if (store.cursor !== null) return store.cursor;
  return store.log.length > 0 ? store.log[store.log.length - 1].time : Date.now();
}

/**
 * An actor as it was at `time`: its state, status and context then, or undefined
 * when it did not exist yet. `time === null` is now.
 */
export function actorAt(actor, time) {
  if (time === null) return actor;
  if (actor.createdAt > time) return undefined;
  const history = actor.history;
  let lo = 0;
  let hi = history.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (history[mid].time <= time) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found === -1) return { ...actor, value: actor.initialValue ?? actor.value, status: 'active', context: actor.initialContext, lastEvent: undefined, historyIndex: -1 };
  const entry = history[found];
  return { ...actor, value: entry.value, status: entry.status ?? 'active', context: entry.context, lastEvent: entry.eventType, historyIndex: found };
}

/** Resets the store to the world described by a `hello` frame, keeping the log when it is the same relay going on. */
export function applyHello(store, hello) {
  const continuing = store.log.length > 0 && hello.seq >= store.stats.lastSeq;
  const keptLog = continuing ? store.log : [];
  const knownSeq = continuing ? store.stats.lastSeq : 0;
  store.actors.clear();
  store.metrics.length = 0;
  // Rebuild the log from the hello: actor announcements, their snapshots, the timeline, metrics.
  const fromHello = [];
  for (const summary of hello.actors) {
    fromHello.push(summary.actor);
    for (const snapshot of summary.history) fromHello.push(snapshot);
  }
  for (const message of hello.timeline) fromHello.push(message);
  for (const sample of hello.metrics) fromHello.push(sample);
  fromHello.sort((a, b) => a.seq - b.seq);
  const log = continuing ? keptLog : [];
  for (const message of fromHello) if (message.seq > knownSeq) log.push(message);
  store.log = [];
  store.logEpoch++;
  // Fold the log back in without counting it as received: the counters count live messages.
  const { received, gaps, byType } = store.stats;
  for (const message of log) fold(store, message);
  store.log = log;
  Object.assign(store.stats, { received, gaps, byType, lastSeq: hello.seq });
  // The hello's latest view of each actor wins over what its bounded history says.
  for (const summary of hello.actors) {
    const actor = store.actors.get(summary.actor.sessionId);
    if (!actor) continue;
    if (summary.systemId) actor.systemId = summary.systemId;
    if (summary.value !== undefined) actor.value = summary.value;
    if (summary.status) actor.status = summary.status;
    if (summary.context !== undefined) actor.context = summary.context;
    if (actor.status !== 'active' && !actor.finishedAt) actor.finishedAt = summary.history.at(-1)?.time ?? hello.time;
  }
  store.structureDirty = true;
  store.metricsDirty = true;
}

/** Folds one live message into the store; counts it and any gap before it. */
export function applyMessage(store, message) {
  const stats = store.stats;
  stats.received++;
  if (message.seq !== stats.lastSeq + 1) stats.gaps += Math.max(0, message.seq - stats.lastSeq - 1);
  stats.lastSeq = message.seq;
  if (message.kind === 'bus') stats.byType[message.type] = (stats.byType[message.type] ?? 0) + 1;
  fold(store, message);
}

/** Replaces the whole store with a saved session (see `exportSession`); returns the number of messages. */
export function loadSession(store, session, name) {
  if (!session || session.format !== SESSION_FORMAT || !Array.isArray(session.messages)) {
    throw new Error(`${name} is not a DataPrism session: export one with the page's "Export" button (format "${SESSION_FORMAT}")`);
  }
  const fresh = createStore();
  for (const key of Object.keys(fresh)) store[key] = fresh[key];
  for (const message of session.messages) {
    if (!message || typeof message !== 'object' || typeof message.kind !== 'string' || typeof message.time !== 'number') continue;
    fold(store, message);
  }
  if (session.stats) Object.assign(store.stats, session.stats, { byType: { ...(session.stats.byType ?? {}) } });
  store.source = name;
  store.logEpoch++;
  return store.log.length;
}

export const SESSION_FORMAT = 'dataprism-session';

/** The session as one JSON-serializable object: every logged message, and the counters. */
export function exportSession(store) {
  return {
    format: SESSION_FORMAT,
    version: 1,
    exportedAt: new Date().toISOString(),
    source: store.source,
    stats: { received: store.stats.received, gaps: store.stats.gaps, lastSeq: store.stats.lastSeq, byType: { ...store.stats.byType } },
    forgotten: store.logForgotten,
    messages: store.log,
  };
}

function fold(store, message) {
  appendLog(store, message);
  switch (message.kind) {
    case 'actor': {
      const actor = newActor(message);
      store.actors.set(message.sessionId, actor);
      store.structureDirty = true;
      prune(store);
      break;
    }
    case 'snapshot': {
      let actor = store.actors.get(message.sessionId);
      if (!actor) {
        // Forgotten by the relay's bounded memory, or announced before we joined: keep it anyway.
        actor = newActor({ sessionId: message.sessionId, id: message.sessionId, logic: 'actor', time: message.time });
        store.actors.set(actor.sessionId, actor);
        store.structureDirty = true;
      }
      if (message.systemId && actor.systemId !== message.systemId) {
        actor.systemId = message.systemId;
        store.structureDirty = true;
      }
      if (message.value !== undefined) actor.value = message.value;
      if (message.context !== undefined) actor.context = message.context;
      if (message.status && message.status !== actor.status) {
        actor.status = message.status;
        if (actor.status !== 'active') actor.finishedAt = message.time;
        store.structureDirty = true;
      }
      if (message.error !== undefined) actor.error = message.error;
      if (message.output !== undefined) actor.output = message.output;
      pushHistory(actor, message);
      actor.updates++;
      store.dirtyActors.add(actor.sessionId);
      break;
    }
    case 'metrics':
      store.metrics.push({ time: message.time, sample: message.sample });
      if (store.metrics.length > METRICS_LIMIT) store.metrics.shift();
      store.metricsDirty = true;
      break;
    default:
      break;
  }
}

function appendLog(store, message) {
  const log = store.log;
  log.push(message);
  if (log.length <= LOG_LIMIT) return;
  // Forget the oldest tenth at once (one copy per 10,000 messages, not one shift each),
  // but keep actor announcements of actors still shown: they carry the statecharts.
  const cut = Math.floor(LOG_LIMIT / 10);
  const kept = log.slice(0, cut).filter((m) => m.kind === 'actor' && store.actors.has(m.sessionId));
  store.logForgotten += cut - kept.length;
  store.log = kept.concat(log.slice(cut));
  store.logEpoch++;
}

function newActor(message) {
  return {
    sessionId: message.sessionId,
    id: message.id,
    systemId: message.systemId,
    parentId: message.parentId,
    logic: message.logic,
    definition: message.definition,
    value: message.value,
    initialValue: message.value,
    status: message.status ?? 'active',
    context: message.context,
    initialContext: message.context,
    history: [],
    updates: 0,
    createdAt: message.time,
    finishedAt: 0,
  };
}

function pushHistory(actor, snapshot) {
  actor.history.push({
    time: snapshot.time,
    seq: snapshot.seq,
    eventType: snapshot.eventType,
    value: snapshot.value ?? actor.value,
    status: snapshot.status,
    context: actor.context,
  });
  if (actor.history.length > HISTORY_LIMIT) actor.history.shift();
}

/** Forgets the oldest finished actors beyond the limits (never the selected one). */
function prune(store) {
  const finishedMachines = [];
  const finishedHelpers = [];
  for (const actor of store.actors.values()) {
    if (actor.status === 'active' || actor.sessionId === store.selected) continue;
    (actor.definition ? finishedMachines : finishedHelpers).push(actor);
  }
  for (const [list, limit] of [[finishedMachines, FINISHED_MACHINE_LIMIT], [finishedHelpers, FINISHED_HELPER_LIMIT]]) {
    if (list.length <= limit) continue;
    list.sort((a, b) => a.finishedAt - b.finishedAt);
    for (const actor of list.slice(0, list.length - limit)) store.actors.delete(actor.sessionId);
  }
}
