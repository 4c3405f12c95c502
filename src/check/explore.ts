/**
 * The exploration engine: a breadth-first search over the states of any model
 * (one machine with its environment, or a product of machines), with safety
 * violations found on the way, liveness computed afterwards on the explored graph
 * by reverse reachability, and shortest counterexample traces rebuilt from parent
 * indices.
 *
 * States are numbered in discovery order, and BFS expands them in that order, so
 * the queue is just a cursor, parents are one Int32Array, and the first violation
 * found for a property has the shortest trace. Edges are stored as one flat array
 * (CSR), which is all the reverse-reachability pass needs. Model states are kept
 * only until they are expanded; a trace is rebuilt by re-expanding its prefix.
 */
import { EDGE_DELAY, EDGE_OTHER, EDGE_PROGRESS, EDGE_SHUTDOWN, edgeSource, findFairCycle, firstWithoutFinal, type LivenessGraph } from './liveness.js';
import type { EnvEvent, TraceStep, Violation } from './types.js';

/** A property violated by one edge (or initial state), reported by a model. */
export interface EdgeViolation {
  /** The property's name. */
  property: string;
  /** What went wrong. */
  message: string;
  /** Do not expand the target state (the run is already wrong, and may be unbounded). */
  prune?: boolean;
}

/** Receives one successor of the state being expanded. */
export type SuccessorSink<S> = (event: EnvEvent, next: S, violations: readonly EdgeViolation[] | undefined) => void;

/** What the engine needs from a model. */
export interface ExploreModel<S> {
  /** The start states (input variants), each with the `start` event that names it. */
  initialStates(): Array<{ event: EnvEvent; state: S; violations?: readonly EdgeViolation[] }>;
  /** A compact key: two states with the same key are the same state. */
  key(state: S): string;
  /**
   * Optional, instead of `key`: the key in two parts, a dense small integer
   * (`group`) and the rest (`rest`); two states are the same exactly when both
   * parts are. When most groups hold one or a few states this indexes states
   * by array position instead of hashing every whole key into one large map.
   */
  group?(state: S): number;
  rest?(state: S): string;
  /** True for states that end a run (final or errored); they are not expanded. */
  isTerminal(state: S): boolean;
  /**
   * Calls `sink` once per move of the environment from `state`. The same move
   * must be passed as the same `EnvEvent` object every time (traces are rebuilt
   * by matching it).
   */
  expand(state: S, sink: SuccessorSink<S>): void;
  /** How a state appears in a trace. */
  describe(state: S): Omit<TraceStep, 'event'>;
  /** True when a delay is scheduled in `state` (for the fairness of cycles; default false). */
  waiting?(state: S): boolean;
  /** Bit i set when the i-th `eventually` property of the options holds in `state`. */
  marks?(state: S): number;
}

/** Limits and switches of one exploration. */
export interface ExploreOptions {
  /** Stop adding states after this many. */
  maxStates: number;
  /** Do not expand states at this depth or deeper. */
  maxDepth: number;
  /** Compute `final-reachable` on the explored graph. */
  liveness: boolean;
  /** The property name used for liveness violations. */
  livenessProperty: string;
  /**
   * Also judge "a final state stays reachable" without SHUTDOWN edges (the
   * environment is not obliged to send it), under this property name.
   */
  finalWithoutShutdown?: string;
  /** Also look for fair cycles that never reach a final state (see liveness.ts), under this property name. */
  fairCycles?: string;
  /** Names of `eventually` properties, bit i of `model.marks` saying where the i-th holds. */
  eventually?: readonly string[];
}

/** The raw outcome of an exploration. */
export interface ExploreResult {
  states: number;
  transitions: number;
  complete: boolean;
  violations: Violation[];
}

const PRUNED = 1;
const TERMINAL = 2;
const EXPANDED = 4;
/** A delay is scheduled in the state. */
const WAITING = 8;

/** What kind of edge a move makes, for liveness. */
function edgeKind(event: EnvEvent): number {
  switch (event.type) {
    case 'done':
    case 'fail':
      return EDGE_PROGRESS;
    case 'delay':
      return EDGE_DELAY;
    case 'send':
      return event.event.type === 'SHUTDOWN' ? EDGE_SHUTDOWN : EDGE_OTHER;
    default:
      return EDGE_OTHER;
  }
}

/** A growable Int32Array. */
class IntVec {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

interface Found {
  property: string;
  message: string;
  /** The state the violating edge leaves (−1 for an initial state). */
  from: number;
  /** The violating edge's event, or the initial event. */
  event: EnvEvent;
}

/** State ids by (group, rest) key: the first state of a group inline, others in a per-group map. */
class GroupedIds {
  private readonly first: Array<string | undefined> = [];
  private readonly firstId: number[] = [];
  private readonly more: Array<Map<string, number> | undefined> = [];

  get(group: number, rest: string): number | undefined {
    const first = this.first[group];
    if (first === undefined) return undefined;
    if (first === rest) return this.firstId[group];
    return this.more[group]?.get(rest);
  }

  set(group: number, rest: string, id: number): void {
    if (this.first[group] === undefined) {
      this.first[group] = rest;
      this.firstId[group] = id;
    } else {
      let more = this.more[group];
      if (!more) this.more[group] = more = new Map();
      more.set(rest, id);
    }
  }
}

/** Explores `model` breadth-first and returns what it found. */
export function explore<S>(model: ExploreModel<S>, options: ExploreOptions): ExploreResult {
  const byKey = new Map<string, number>();
  const grouped = model.group && model.rest ? new GroupedIds() : undefined;
  let count = 0;
  const pending: (S | undefined)[] = [];
  const parent = new IntVec();
  const parentEvent = new IntVec();
  const depth = new IntVec();
  const flags: number[] = [];
  const marks = options.eventually?.length && model.marks ? new IntVec() : undefined;
  const edgeStart = new IntVec();
  const edgeTo = new IntVec();
  /** The event id of each edge. */
  const edgeEvent = new IntVec();
  const events: EnvEvent[] = [];
  const eventIds = new Map<EnvEvent, number>();
  const found = new Map<string, Found>();
  let complete = true;

  const eventId = (event: EnvEvent): number => {
    let id = eventIds.get(event);
    if (id === undefined) {
      id = events.length;
      events.push(event);
      eventIds.set(event, id);
    }
    return id;
  };

  const report = (violations: readonly EdgeViolation[] | undefined, from: number, event: EnvEvent): boolean => {
    if (!violations || violations.length === 0) return false;
    let prune = false;
    for (const v of violations) {
      if (!found.has(v.property)) found.set(v.property, { property: v.property, message: v.message, from, event });
      if (v.prune) prune = true;
    }
    return prune;
  };

  /** Adds a state if new; returns its id, or −1 when the state limit stops it. */
  const add = (state: S, from: number, event: number, d: number, prune: boolean): number => {
    let group = 0;
    let key: string;
    if (grouped) {
      group = model.group!(state);
      key = model.rest!(state);
      const known = grouped.get(group, key);
      if (known !== undefined) return known;
    } else {
      key = model.key(state);
      const known = byKey.get(key);
      if (known !== undefined) return known;
    }
    if (count >= options.maxStates) {
      complete = false;
      return -1;
    }
    const id = count++;
    if (grouped) grouped.set(group, key, id);
    else byKey.set(key, id);
    pending.push(state);
    parent.push(from);
    parentEvent.push(event);
    depth.push(d);
    flags.push((prune ? PRUNED : 0) | (model.isTerminal(state) ? TERMINAL : 0));
    if (marks) marks.push(model.marks!(state));
    return id;
  };

  for (const start of model.initialStates()) {
    const prune = report(start.violations, -1, start.event);
    add(start.state, -1, eventId(start.event), 0, prune);
  }

  let cursor = 0;
  let d = 0;
  let from = 0;
  let dropped: boolean;
  const sink: SuccessorSink<S> = (event, next, violations) => {
    const prune = report(violations, from, event);
    const ev = eventId(event);
    const to = add(next, from, ev, d + 1, prune);
    if (to >= 0) {
      edgeTo.push(to);
      edgeEvent.push(ev);
    } else dropped = true;
  };
  for (; cursor < count; cursor++) {
    edgeStart.push(edgeTo.length);
    const state = pending[cursor]!;
    pending[cursor] = undefined;
    const f = flags[cursor]!;
    if (f & (TERMINAL | PRUNED)) continue;
    d = depth.data[cursor]!;
    if (d >= options.maxDepth) {
      flags[cursor] = f | PRUNED;
      complete = false;
      continue;
    }
    from = cursor;
    dropped = false;
    model.expand(state, sink);
    // A state whose successors were cut off by the state limit is not known to be stuck.
    flags[cursor] = f | EXPANDED | (dropped ? PRUNED : 0) | (model.waiting?.(state) ? WAITING : 0);
  }
  // States never expanded because the limit stopped the loop early.
  while (edgeStart.length <= count) edgeStart.push(edgeTo.length);

  const states = count;
  const violations: Violation[] = [];
  const traceTo = (target: number, extra: readonly EnvEvent[] = []): Violation['trace'] => rebuildTrace(model, parent.data, parentEvent.data, events, target, extra);

  for (const f of found.values()) {
    violations.push({ property: f.property, message: f.message, trace: f.from < 0 ? rebuildInitial(model, f.event) : traceTo(f.from, [f.event]) });
  }

  const kinds = events.map(edgeKind);
  const graph: LivenessGraph = {
    states,
    start: edgeStart.data,
    to: edgeTo.data,
    kind: (e) => kinds[edgeEvent.data[e]!]!,
    live: (s) => (flags[s]! & (TERMINAL | PRUNED | EXPANDED)) === EXPANDED,
    waiting: (s) => (flags[s]! & WAITING) !== 0,
    depth: depth.data,
  };
  const movesOf = (s: number, allowed: (kind: number) => boolean): number => {
    let n = 0;
    // An ignored SHUTDOWN (an edge back to the same state, carrying the violation) is no move at all.
    for (let e = edgeStart.data[s]!; e < edgeStart.data[s + 1]!; e++) {
      const kind = graph.kind(e);
      if (allowed(kind) && (kind !== EDGE_SHUTDOWN || edgeTo.data[e] !== s)) n++;
    }
    return n;
  };
  const where = (trace: Violation['trace']): string => {
    const last = trace[trace.length - 1];
    return last ? `'${last.state}'` : 'the start state';
  };

  if (options.finalWithoutShutdown && !found.has(options.finalWithoutShutdown)) {
    const noShutdown = (kind: number) => kind !== EDGE_SHUTDOWN;
    const stuck = firstWithoutFinal(graph, noShutdown, (s) => movesOf(s, noShutdown) === 0);
    if (stuck >= 0) {
      const trace = traceTo(stuck);
      const shutdownOnly = movesOf(stuck, (k) => k === EDGE_SHUTDOWN) > 0;
      violations.push({
        property: options.finalWithoutShutdown,
        message:
          movesOf(stuck, noShutdown) > 0
            ? options.liveness
              ? `from ${where(trace)} no final state can be reached unless the environment sends SHUTDOWN: every other run from there goes on forever`
              : `livelock: from ${where(trace)} no final state can be reached; every run from there cycles forever`
            : `deadlock: in ${where(trace)} the machine waits for something the environment never does (no invoke running, no delay pending, no event accepted)${shutdownOnly ? '; only a SHUTDOWN would end the run' : ''}`,
        trace,
      });
    }
  }

  if (options.liveness && !found.has(options.livenessProperty)) {
    const stuck = firstWithoutFinal(graph, () => true, (s) => movesOf(s, () => true) === 0);
    if (stuck >= 0) {
      const trace = traceTo(stuck);
      violations.push({
        property: options.livenessProperty,
        message:
          movesOf(stuck, () => true) > 0
            ? `livelock: from ${where(trace)} no final state can be reached${options.finalWithoutShutdown ? ', not even with SHUTDOWN' : ''}; every run from there cycles forever`
            : `deadlock: in ${where(trace)} the machine waits for something the environment never does (no invoke running, no delay pending, no event accepted)`,
        trace,
      });
    }
  }

  if (options.fairCycles && !found.has(options.fairCycles)) {
    const lasso = findFairCycle(graph);
    if (lasso) {
      const prefix = traceTo(lasso.entry);
      const loopStart = prefix.length;
      const trace = traceTo(lasso.entry, lasso.loop.map((e) => events[edgeEvent.data[e]!]!));
      const states = trace.slice(loopStart).map((t) => t.state);
      const delays = lasso.loop.some((e) => graph.kind(e) === EDGE_DELAY);
      violations.push({
        property: options.fairCycles,
        message:
          `livelock: from ${where(prefix)} the run can loop forever through ${[...new Set(states)].map((x) => `'${x}'`).join(' → ')} ` +
          `without reaching a final state (${lasso.loop.length} step${lasso.loop.length === 1 ? '' : 's'} per loop, ${delays ? 'with time passing' : 'with no timer pending'}; nothing the environment must do ends it)`,
        trace,
        loopStart,
      });
    }
  }

  if (marks && options.eventually) {
    const moveOf = (id: number) => events[id]!;
    const ended = (st: number) => (flags[st]! & TERMINAL) !== 0;
    options.eventually.forEach((name, bit) => {
      const found = eventuallyRun(graph, marks.data, 1 << bit, parent.data, ended);
      if (!found) return;
      const prefix = found.path.map((e) => (e < 0 ? moveOf(parentEvent.data[-1 - e]!) : moveOf(edgeEvent.data[e]!)));
      const loop = (found.loop ?? []).map((e) => moveOf(edgeEvent.data[e]!));
      const trace = rebuildFromMoves(model, [...prefix, ...loop]);
      if (found.loop) {
        const loopStart = prefix.length;
        violations.push({
          property: name,
          message: `a run loops forever through ${[...new Set(trace.slice(loopStart).map((x) => `'${x.state}'`))].join(' → ')} without ever reaching a state where '${name}' holds`,
          trace,
          loopStart,
        });
      } else {
        violations.push({ property: name, message: `a run ends in '${trace.at(-1)?.state ?? '?'}' without ever reaching a state where '${name}' holds`, trace });
      }
    });
  }

  return { states, transitions: edgeTo.length, complete, violations };
}

/**
 * A run that never reaches a state with `bit` set: from a start without it,
 * over states without it, to the end of a run (a final or errored state, or a
 * live state with no move) or into a fair cycle (liveness.ts). The path is the
 * edges from the start, the start itself as −1 − its id; undefined when every
 * run reaches such a state.
 */
function eventuallyRun(
  g: LivenessGraph,
  marks: Int32Array,
  bit: number,
  parent: Int32Array,
  ended: (state: number) => boolean,
): { path: number[]; loop?: number[] } | undefined {
  const without = (st: number) => (marks[st]! & bit) === 0;
  // The edge a state was first reached by over states without the bit; −1 for a start, −2 not reached.
  const via = new Int32Array(g.states).fill(-2);
  const queue: number[] = [];
  for (let st = 0; st < g.states && parent[st] === -1; st++) {
    if (without(st)) {
      via[st] = -1;
      queue.push(st);
    }
  }
  const pathTo = (st: number): number[] => {
    const out: number[] = [];
    let at = st;
    while (via[at]! >= 0) {
      out.push(via[at]!);
      at = edgeSource(g, via[at]!);
    }
    out.push(-1 - at);
    return out.reverse();
  };
  for (let head = 0; head < queue.length; head++) {
    const st = queue[head]!;
    if (g.live(st) ? g.start[st + 1] === g.start[st] : ended(st)) return { path: pathTo(st) };
    if (!g.live(st)) continue;
    for (let e = g.start[st]!; e < g.start[st + 1]!; e++) {
      const t = g.to[e]!;
      if (via[t] === -2 && without(t)) {
        via[t] = e;
        queue.push(t);
      }
    }
  }
  const lasso = findFairCycle({ ...g, live: (st) => g.live(st) && via[st] !== -2 });
  return lasso ? { path: pathTo(lasso.entry), loop: lasso.loop } : undefined;
}

function rebuildInitial<S>(model: ExploreModel<S>, event: EnvEvent): TraceStep[] {
  const start = model.initialStates().find((s) => s.event === event || sameEvent(s.event, event));
  return start ? [{ event: start.event, ...model.describe(start.state) }] : [];
}

/** Rebuilds the path to `target` (then the steps `extra`) by re-expanding each prefix state. */
function rebuildTrace<S>(
  model: ExploreModel<S>,
  parent: Int32Array,
  parentEvent: Int32Array,
  events: readonly EnvEvent[],
  target: number,
  extra: readonly EnvEvent[],
): TraceStep[] {
  const path: number[] = [];
  for (let s = target; s >= 0; s = parent[s]!) path.push(s);
  path.reverse();
  const moves = path.map((s) => events[parentEvent[s]!]!);
  moves.push(...extra);
  return rebuildFromMoves(model, moves);
}

/** Replays `moves` (a start event, then environment moves) through the model into a trace. */
function rebuildFromMoves<S>(model: ExploreModel<S>, moves: readonly EnvEvent[]): TraceStep[] {
  const starts = model.initialStates();
  const first = starts.find((s) => s.event === moves[0] || sameEvent(s.event, moves[0]!));
  if (!first) return [];
  let state = first.state;
  const trace: TraceStep[] = [{ event: first.event, ...model.describe(state) }];
  for (let i = 1; i < moves.length; i++) {
    const move = moves[i]!;
    let next: S | undefined;
    model.expand(state, (event, candidate) => {
      if (next === undefined && (event === move || sameEvent(event, move))) next = candidate;
    });
    if (next === undefined) break;
    state = next;
    trace.push({ event: move, ...model.describe(state) });
  }
  return trace;
}

function sameEvent(a: EnvEvent, b: EnvEvent): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
