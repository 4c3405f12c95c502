// The page's model of the running system, fed by relay messages. It counts every
// message (and every gap in the relay's numbering) the moment it arrives; the views
// read it once per animation frame, so a burst of thousands of events costs one
// DOM update, not thousands.

/** Snapshots kept per actor in the page. */
const HISTORY_LIMIT = 200;
/** Metrics samples kept for the sparklines. */
const METRICS_LIMIT = 300;
/** Finished actors kept (with machines) before the oldest are forgotten. */
const FINISHED_MACHINE_LIMIT = 10;
/** Finished non-machine helper actors (promises, callbacks) kept. */
const FINISHED_HELPER_LIMIT = 8;

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
 * @property {{ time: number, eventType: string, value: unknown, status: string }[]} history
 * @property {number} updates snapshots applied so far (the history is bounded, this is not)
 * @property {number} createdAt
 * @property {number} finishedAt
 */

export function createStore() {
  return {
    /** @type {Map<string, ActorView>} */
    actors: new Map(),
    /** Timeline entries not yet drawn, oldest first. */
    pendingTimeline: [],
    /** @type {{ time: number, sample: unknown }[]} */
    metrics: [],
    stats: { received: 0, lastSeq: 0, gaps: 0, byType: Object.create(null), frames: 0 },
    dirtyActors: new Set(),
    structureDirty: true,
    metricsDirty: true,
    selected: null,
  };
}

/** Display name of an actor: its system id, else its id, else its logic (generated ids say nothing). */
export function actorName(actor) {
  if (actor.systemId) return actor.systemId;
  if (actor.id && !/^x:\d+$/.test(actor.id) && !/^\d+\./.test(actor.id)) return actor.id;
  return actor.logic;
}

/** Resets the store to the world described by a `hello` frame. */
export function applyHello(store, hello) {
  store.actors.clear();
  store.pendingTimeline.length = 0;
  store.metrics.length = 0;
  store.stats.lastSeq = hello.seq;
  for (const summary of hello.actors) {
    const actor = newActor(summary.actor);
    if (summary.systemId) actor.systemId = summary.systemId;
    if (summary.value !== undefined) actor.value = summary.value;
    if (summary.status) actor.status = summary.status;
    if (summary.context !== undefined) actor.context = summary.context;
    for (const snapshot of summary.history) pushHistory(actor, snapshot);
    if (actor.status !== 'active') actor.finishedAt = summary.history.at(-1)?.time ?? hello.time;
    store.actors.set(actor.sessionId, actor);
  }
  for (const message of hello.timeline) store.pendingTimeline.push(message);
  for (const sample of hello.metrics) store.metrics.push({ time: sample.time, sample: sample.sample });
  store.structureDirty = true;
  store.metricsDirty = true;
}

/** Folds one live message into the store; counts it and any gap before it. */
export function applyMessage(store, message) {
  const stats = store.stats;
  stats.received++;
  if (message.seq !== stats.lastSeq + 1) stats.gaps += Math.max(0, message.seq - stats.lastSeq - 1);
  stats.lastSeq = message.seq;
  switch (message.kind) {
    case 'actor': {
      store.actors.set(message.sessionId, newActor(message));
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
      store.pendingTimeline.push(message);
      break;
    }
    case 'bus':
      stats.byType[message.type] = (stats.byType[message.type] ?? 0) + 1;
      store.pendingTimeline.push(message);
      break;
    case 'event':
      store.pendingTimeline.push(message);
      break;
    case 'metrics':
      store.metrics.push({ time: message.time, sample: message.sample });
      if (store.metrics.length > METRICS_LIMIT) store.metrics.shift();
      store.metricsDirty = true;
      break;
    default:
      break;
  }
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
    status: message.status ?? 'active',
    context: message.context,
    history: [],
    updates: 0,
    createdAt: message.time,
    finishedAt: 0,
  };
}

function pushHistory(actor, snapshot) {
  actor.history.push({ time: snapshot.time, eventType: snapshot.eventType, value: snapshot.value ?? actor.value, status: snapshot.status });
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
