/**
 * Liveness on an explored state graph (CSR: `start`, `to`, and each edge's kind):
 * which states cannot reach a final state, and which reachable cycles never
 * reach one under the fairness assumptions of the checker.
 *
 * Fairness. A run is fair when every delay that stays scheduled eventually
 * elapses; the environment is never obliged to send anything (SHUTDOWN, extra
 * events, a dispose). So a run that loops forever counts only if it loops
 * through invoke answers and elapsing delays alone, and, in the discrete model,
 * only if time passes on the loop (a delay elapses on it: every delay scheduled
 * all along the loop then elapses or is cancelled, since a state that comes back
 * has the same delays with the same time left) or no delay is scheduled anywhere
 * on it (invokes take real time, so a loop of instant answers with a timer
 * pending would, for real, let the timer fire and leave the loop).
 */

/** What an edge of the graph is, for liveness. */
export const EDGE_PROGRESS = 0; // an invoke answered (done or failed): the environment must, eventually
export const EDGE_DELAY = 1; // a scheduled delay elapsed: time passes
export const EDGE_SHUTDOWN = 2; // the environment sent SHUTDOWN: it may, never must
export const EDGE_OTHER = 3; // any other move of the environment (an extra event, a dispose)

/** The explored graph, as the engine stores it. */
export interface LivenessGraph {
  states: number;
  /** Edges of state s: start[s] .. start[s + 1] − 1. */
  start: Int32Array;
  to: Int32Array;
  /** Kind of each edge (EDGE_*). */
  kind: (edge: number) => number;
  /** A state that was expanded and neither ended the run nor was pruned. */
  live: (state: number) => boolean;
  /** A delay is scheduled in the state. */
  waiting: (state: number) => boolean;
  /** BFS depth of each state (for picking the shallowest). */
  depth: Int32Array;
}

/**
 * The first (shallowest, in discovery order) live state from which no non-live
 * state (a final, errored, pruned or unexpanded one) can be reached over edges
 * `allowed` admits, or −1: a reverse BFS from every non-live state. With
 * `prefer`, the first such state `prefer` admits, if any (e.g. a real deadlock
 * rather than the states that lead into it).
 */
export function firstWithoutFinal(g: LivenessGraph, allowed: (kind: number) => boolean, prefer?: (state: number) => boolean): number {
  const { states, start, to } = g;
  const edges = start[states]!;
  const revStart = new Int32Array(states + 1);
  for (let s = 0; s < states; s++) {
    for (let e = start[s]!; e < start[s + 1]!; e++) if (allowed(g.kind(e))) revStart[to[e]! + 1]!++;
  }
  for (let i = 0; i < states; i++) revStart[i + 1]! += revStart[i]!;
  const fill = revStart.slice(0, states);
  const revFrom = new Int32Array(Math.max(1, Math.min(edges, revStart[states]!)));
  for (let s = 0; s < states; s++) {
    for (let e = start[s]!; e < start[s + 1]!; e++) if (allowed(g.kind(e))) revFrom[fill[to[e]!]!++] = s;
  }
  const good = new Uint8Array(states);
  const queue = new Int32Array(states);
  let head = 0;
  let tail = 0;
  for (let s = 0; s < states; s++) {
    if (!g.live(s)) {
      good[s] = 1;
      queue[tail++] = s;
    }
  }
  while (head < tail) {
    const s = queue[head++]!;
    for (let e = revStart[s]!; e < revStart[s + 1]!; e++) {
      const p = revFrom[e]!;
      if (!good[p]) {
        good[p] = 1;
        queue[tail++] = p;
      }
    }
  }
  let first = -1;
  for (let s = 0; s < states; s++) {
    if (good[s]) continue;
    if (!prefer || prefer(s)) return s;
    if (first < 0) first = s;
  }
  return first;
}

/** A fair cycle: the state it starts and ends in, and its edges in order. */
export interface Lasso {
  entry: number;
  loop: number[];
}

const cycleEdge = (kind: number): boolean => kind === EDGE_PROGRESS || kind === EDGE_DELAY;

/**
 * A fair cycle among live states that never reaches a final state, entered as
 * shallow as possible, or undefined. Strongly connected components of the live
 * states over invoke-answer and delay edges (Tarjan, iterative); a component is
 * fair when a delay edge lies inside it, or else when its states with no delay
 * scheduled still form a cycle.
 */
export function findFairCycle(g: LivenessGraph): Lasso | undefined {
  const component = components(g, (s) => g.live(s));
  let best: Lasso | undefined;
  let bestDepth = Infinity;
  const consider = (lasso: Lasso | undefined) => {
    if (lasso && g.depth[lasso.entry]! < bestDepth) {
      best = lasso;
      bestDepth = g.depth[lasso.entry]!;
    }
  };
  // Only components that hold a cycle matter: more than one state, or a self-loop.
  const size = new Int32Array(g.states);
  for (let s = 0; s < g.states; s++) if (component[s]! >= 0) size[component[s]!]!++;
  const members = new Map<number, number[]>();
  for (let s = 0; s < g.states; s++) {
    const c = component[s]!;
    if (c < 0) continue;
    let cyclic = size[c]! > 1;
    if (!cyclic) for (let e = g.start[s]!; e < g.start[s + 1]!; e++) if (g.to[e] === s && cycleEdge(g.kind(e))) cyclic = true;
    if (!cyclic) continue;
    let list = members.get(c);
    if (!list) members.set(c, (list = []));
    list.push(s);
  }
  for (const [c, list] of members) {
    const inside = (s: number) => component[s] === c;
    let delayEdge = -1;
    let hasCycle = list.length > 1;
    for (const s of list) {
      for (let e = g.start[s]!; e < g.start[s + 1]!; e++) {
        const k = g.kind(e);
        if (!cycleEdge(k) || !inside(g.to[e]!)) continue;
        if (g.to[e] === s) hasCycle = true;
        if (k === EDGE_DELAY && delayEdge < 0) delayEdge = e;
      }
    }
    if (!hasCycle) continue;
    if (delayEdge >= 0) {
      consider(cycleThrough(g, inside, shallowest(g, list), delayEdge));
      continue;
    }
    // No time passes in this component: only its states with no delay scheduled may loop.
    const calm = list.filter((s) => !g.waiting(s));
    if (calm.length === 0) continue;
    const calmSet = new Set(calm);
    const sub = components(g, (s) => calmSet.has(s));
    const subMembers = new Map<number, number[]>();
    for (const s of calm) {
      const k = sub[s]!;
      let l = subMembers.get(k);
      if (!l) subMembers.set(k, (l = []));
      l.push(s);
    }
    for (const [k, l] of subMembers) {
      const inSub = (s: number) => sub[s] === k;
      const entry = shallowest(g, l);
      const loop = shortestPath(g, inSub, entry, entry);
      if (loop) consider({ entry, loop });
    }
  }
  return best;
}

function shallowest(g: LivenessGraph, list: readonly number[]): number {
  let best = list[0]!;
  for (const s of list) if (g.depth[s]! < g.depth[best]! || (g.depth[s] === g.depth[best] && s < best)) best = s;
  return best;
}

/** The cycle entry → … → (delay edge) → … → entry, within `inside`. */
function cycleThrough(g: LivenessGraph, inside: (s: number) => boolean, entry: number, edge: number): Lasso | undefined {
  const from = edgeSource(g, edge);
  const there = from === entry ? [] : shortestPath(g, inside, entry, from);
  const back = g.to[edge] === entry ? [] : shortestPath(g, inside, g.to[edge]!, entry);
  if (!there || !back) return undefined;
  return { entry, loop: [...there, edge, ...back] };
}

/**
 * Edges of a shortest path from `from` to `target` over cycle edges within
 * `inside` (at least one edge when from === target), or undefined.
 */
function shortestPath(g: LivenessGraph, inside: (s: number) => boolean, from: number, target: number): number[] | undefined {
  const via = new Map<number, number>();
  const queue: number[] = [from];
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    for (let e = g.start[s]!; e < g.start[s + 1]!; e++) {
      const t = g.to[e]!;
      if (!cycleEdge(g.kind(e)) || !inside(t)) continue;
      if (t === target) {
        const path = [e];
        for (let at = s; at !== from; ) {
          const back = via.get(at)!;
          path.push(back);
          at = edgeSource(g, back);
        }
        return path.reverse();
      }
      if (!via.has(t) && t !== from) {
        via.set(t, e);
        queue.push(t);
      }
    }
  }
  return undefined;
}

/** The state an edge leaves: the last state whose edges start at or before it (`start` never decreases). */
export function edgeSource(g: LivenessGraph, edge: number): number {
  let lo = 0;
  let hi = g.states - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.start[mid]! <= edge) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Tarjan's strongly connected components of the states `member` admits, over
 * cycle edges between members; −1 for non-members. Iterative, so a component
 * of a million states does not overflow the stack.
 */
function components(g: LivenessGraph, member: (s: number) => boolean): Int32Array {
  const n = g.states;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callState: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  let comps = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1 || !member(root)) continue;
    callState.push(root);
    callEdge.push(g.start[root]!);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (callState.length > 0) {
      const top = callState.length - 1;
      const s = callState[top]!;
      const e = callEdge[top]!;
      if (e < g.start[s + 1]!) {
        callEdge[top] = e + 1;
        const t = g.to[e]!;
        if (!cycleEdge(g.kind(e)) || !member(t)) continue;
        if (index[t] === -1) {
          index[t] = low[t] = counter++;
          stack.push(t);
          onStack[t] = 1;
          callState.push(t);
          callEdge.push(g.start[t]!);
        } else if (onStack[t] && index[t]! < low[s]!) low[s] = index[t]!;
        continue;
      }
      callState.pop();
      callEdge.pop();
      if (callState.length > 0) {
        const parent = callState[callState.length - 1]!;
        if (low[s]! < low[parent]!) low[parent] = low[s]!;
      }
      if (low[s] === index[s]) {
        let t: number;
        do {
          t = stack.pop()!;
          onStack[t] = 0;
          comp[t] = comps;
        } while (t !== s);
        comps++;
      }
    }
  }
  return comp;
}
