/**
 * Transition replay: XState's transition, minus the parts that only depend on the
 * machine's shape.
 *
 * A microstep is mostly structure: which states are exited and entered, in which
 * order, which invokes stop and start, which delays are cancelled and scheduled.
 * All of that depends only on the active configuration and the transition the
 * guards selected, not on the context. Only the actions' resolution (assign,
 * emit, raise, cancel params) reads the context. So for each shape
 * (configuration, running children, selected transition) XState runs once; we
 * derive the ordered action list the way XState's `microstep` does, resolve it
 * on the same snapshot and keep the shape only if the replay reproduces XState's
 * result exactly (value, context, children, emitted and scheduled effects).
 * Every later edge with that shape selects its transition with XState's own
 * `getTransitionData` (real guards on the real context) and resolves the same
 * action objects with their own `resolve` functions on its own context.
 *
 * What is replayed is deliberately narrow; anything else runs through XState
 * every time: parallel or history states, eventless (`always`) transitions,
 * entering a final state, immediate raises (internal queue), actions that
 * enqueue other actions, builtins other than assign/emit/raise/cancel/log,
 * assigns that spawn, and error events nobody handles.
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { defaultContextKey, valueKey } from './abstraction.js';
import type { PureStep, PureTransitions, ReturnedAction } from './pureTransition.js';

/** The parts of an XState StateNode the replay reads. */
interface Node {
  id: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  order: number;
  parent?: Node;
  states: Record<string, Node>;
  entry: unknown[];
  exit: unknown[];
  invoke: Array<{ id: string }>;
  always?: unknown[];
  initial?: { target: Node[]; actions: unknown[] };
  output?: unknown;
  /** Event descriptor → candidate transitions, in document order. */
  transitions: Map<string, Transition[]>;
}

/** The parts of an XState TransitionDefinition the replay reads. */
interface Transition {
  source: Node;
  guard?: unknown;
  target?: Node[];
  reenter: boolean;
  actions: unknown[];
}

/** A builtin action as XState implements it (assign, emit, raise, …). */
interface Builtin {
  type: string;
  resolve: (scope: unknown, snapshot: AnyMachineSnapshot, args: unknown, params: unknown, self: unknown, extra: unknown) => [AnyMachineSnapshot, unknown, unknown[] | undefined];
  execute?: unknown;
}

/** One entry of a shape's action list. */
type Item =
  | { kind: 'action'; action: unknown }
  /** A top-level final state was entered: the machine is done, with the root's output. */
  | { kind: 'done'; final: Node; root: Node }
  /** An invoke started or stopped: its effect is the one XState returned on the first run. */
  | { kind: 'child'; returned: ReturnedAction };

interface Shape {
  /** Replaying reproduces XState; false sends every edge of this shape to XState. */
  ok: boolean;
  items: Item[];
  /** XState's result on the first edge: the configuration, children and tags every replay shares. */
  template: AnyMachineSnapshot;
  /** The transition neither exits nor enters anything. */
  targetless: boolean;
}

/** Builtins (besides assign) whose `resolve` only computes params from the action arguments. */
const REPLAYABLE_BUILTINS = new Set(['xstate.emit', 'xstate.raise', 'xstate.cancel', 'xstate.log']);

/** Thrown inside a replay that met something it must not replay; the edge goes to XState. */
const NOT_REPLAYABLE = Symbol('not replayable');

export interface ReplayStats {
  /** Edges answered by replay. */
  replayed: number;
  /** Edges answered by XState (first edge of a shape, or an unreplayable one). */
  xstate: number;
  /** Shapes seen, and how many of them replay. */
  shapes: number;
  replayableShapes: number;
}

export interface ReplayingTransitions extends PureTransitions {
  stats(): ReplayStats;
}

/**
 * Wraps `pure` (XState's own transitions) with shape replay. With `verifyEvery`,
 * every replayed edge is also run through XState and compared: for tests.
 */
export function replayingTransitions(machine: AnyStateMachine, pure: PureTransitions, verifyEvery = false): ReplayingTransitions {
  const stats: ReplayStats = { replayed: 0, xstate: 0, shapes: 0, replayableShapes: 0 };
  const machineReplayable = supportsReplay(machine.root as unknown as Node);
  /** The one transition the event takes, undefined when none, null when several (XState decides). */
  const select: (snapshot: AnyMachineSnapshot, event: EventObject) => Transition | undefined | null = wildcardFree(machine.root as unknown as Node)
    ? selectTransition
    : (snapshot, event) => {
        const all = (machine as unknown as { getTransitionData(s: AnyMachineSnapshot, e: EventObject): Transition[] }).getTransitionData(snapshot, event);
        return all.length === 0 ? undefined : all.length === 1 ? all[0] : null;
      };
  const transitionIds = new WeakMap<object, number>();
  const shapes = new Map<string, Shape>();
  const implementations = (machine as unknown as { implementations: { actions: Record<string, unknown> } }).implementations;

  // Where a raise without a delay would queue its event (which makes the edge XState's); shared, emptied per replay.
  const internalQueue: unknown[] = [];
  const extra = { internalQueue, deferredActorIds: undefined };
  let nextTransitionId = 0;
  const transitionId = (t: object): number => {
    let id = transitionIds.get(t);
    if (id === undefined) {
      id = nextTransitionId++;
      transitionIds.set(t, id);
    }
    return id;
  };

  const viaXState = (snapshot: AnyMachineSnapshot, event: EventObject): PureStep => {
    stats.xstate++;
    return pure.step(snapshot, event);
  };

  /**
   * Resolves `items` on `snapshot` as XState's resolveAndExecuteActionsWithContext
   * does. Only `assign` changes anything the replay keeps (the context), so it is
   * applied here as XState's resolveAssign applies it, without cloning a snapshot
   * per assign; the other replayable builtins only compute their params from the
   * action arguments, so their own `resolve` runs.
   */
  const replay = (shape: Shape, snapshot: AnyMachineSnapshot, event: EventObject): PureStep => {
    const s = pure.scope() as { self: unknown; system: unknown };
    const returned: ReturnedAction[] = [];
    internalQueue.length = 0;
    let context = snapshot.context as Record<string, unknown> | undefined;
    let done: { output: unknown } | undefined;
    for (const item of shape.items) {
      if (item.kind === 'child') {
        returned.push(item.returned);
        continue;
      }
      if (item.kind === 'done') {
        done = { output: machineOutput(item.root, item.final, context, event, s.self) };
        continue;
      }
      const action = item.action;
      const inline = typeof action === 'function';
      const resolved = (inline ? action : implementations.actions[typeof action === 'string' ? action : (action as { type: string }).type]) as Builtin | undefined;
      let params: unknown;
      if (!inline && typeof action === 'object' && action !== null && 'params' in action) params = paramsOf((action as { params: unknown }).params, context, event);
      if (!resolved || !('resolve' in resolved)) {
        returned.push({ type: typeof action === 'string' ? action : typeof action === 'object' ? (action as { type: string }).type : (action as { name?: string }).name || '(anonymous)', params });
        continue;
      }
      if (resolved.type === 'xstate.assign') {
        // XState throws here; let it, with its own message.
        if (!context) throw NOT_REPLAYABLE;
        context = assigned(context, (resolved as unknown as { assignment: unknown }).assignment, { context, event, spawn: refuseSpawn, self: s.self, system: s.system }, params);
        continue;
      }
      if (!REPLAYABLE_BUILTINS.has(resolved.type)) throw NOT_REPLAYABLE;
      const [, resolvedParams, nested] = resolved.resolve(s, snapshot, { context, event, self: s.self, system: s.system }, params, resolved, extra);
      if (nested !== undefined || internalQueue.length > 0) throw NOT_REPLAYABLE;
      if ('execute' in resolved) returned.push({ type: resolved.type, params: resolvedParams });
    }
    if (shape.targetless && context === snapshot.context) return { snapshot, actions: returned };
    const next = (done ? { ...shape.template, context, output: done.output } : { ...shape.template, context }) as AnyMachineSnapshot;
    return { snapshot: next, actions: returned };
  };

  /** Runs the first edge of a shape through XState, and keeps the shape replayable only if replaying it gives the same step. */
  const learn = (snapshot: AnyMachineSnapshot, event: EventObject, transition: Transition): { shape: Shape; first: PureStep } => {
    const first = viaXState(snapshot, event);
    const items = actionItems(snapshot, transition, first.actions);
    const shape: Shape = { ok: false, items: items ?? [], template: first.snapshot, targetless: !transition.target?.length };
    stats.shapes++;
    if (items && first.snapshot.status === (items.some((i) => i.kind === 'done') ? 'done' : 'active')) {
      try {
        shape.ok = sameStep(first, replay(shape, snapshot, event));
      } catch {
        shape.ok = false;
      }
      if (shape.ok) stats.replayableShapes++;
    }
    return { shape, first };
  };

  const replayed = (result: PureStep, snapshot: AnyMachineSnapshot, event: EventObject): PureStep => {
    stats.replayed++;
    if (verifyEvery) {
      const truth = pure.step(snapshot, event);
      if (!sameStep(truth, result) || (truth.snapshot === snapshot) !== (result.snapshot === snapshot)) {
        throw new Error(`transition replay diverged from XState in '${valueKey(snapshot.value)}' on '${event.type}': ${describeStep(result)}, XState: ${describeStep(truth)}`);
      }
    }
    return result;
  };

  // Replayed snapshots share their template's `_nodes` and `children` objects, so
  // most lookups are by identity; the text key (atomic state, transition,
  // children ids) catches equal configurations in different objects.
  const byIdentity = new WeakMap<object, WeakMap<object, Map<object, Shape>>>();
  const identityMap = (snapshot: AnyMachineSnapshot): Map<object, Shape> => {
    const nodes = (snapshot as unknown as { _nodes: object })._nodes;
    let byChildren = byIdentity.get(nodes);
    if (!byChildren) byIdentity.set(nodes, (byChildren = new WeakMap()));
    let byTransition = byChildren.get(snapshot.children);
    if (!byTransition) byChildren.set(snapshot.children, (byTransition = new Map()));
    return byTransition;
  };
  const shapeOf = (snapshot: AnyMachineSnapshot, transition: Transition): Shape | undefined => {
    const nodes = (snapshot as unknown as { _nodes: object })._nodes;
    return byIdentity.get(nodes)?.get(snapshot.children)?.get(transition);
  };
  /** The shape by its text key, learned through XState when new (`first` is then that edge's step). */
  const findShape = (snapshot: AnyMachineSnapshot, event: EventObject, transition: Transition): { shape: Shape; first?: PureStep } => {
    let key = `${atomicLeaf(snapshot)}\u0001${transitionId(transition)}\u0001`;
    for (const id in snapshot.children) key += `${id},`;
    const known = shapes.get(key);
    const found = known ? { shape: known } : learn(snapshot, event, transition);
    if (!known) shapes.set(key, found.shape);
    identityMap(snapshot).set(transition, found.shape);
    return found;
  };

  return {
    initial: (input) => pure.initial(input),
    scope: () => pure.scope(),
    step(snapshot, event) {
      if (!machineReplayable || snapshot.status !== 'active') return viaXState(snapshot, event);
      let transition: Transition | undefined | null;
      try {
        transition = select(snapshot, event);
      } catch {
        // A guard threw: XState reports it with its own message.
        return viaXState(snapshot, event);
      }
      if (transition === undefined && !event.type.startsWith('xstate.error.actor')) {
        // Ignored: with no eventless transitions and nothing raised, XState's macrostep returns the snapshot as it was.
        return replayed({ snapshot, actions: NO_ACTIONS }, snapshot, event);
      }
      // An unhandled error event (XState's error status), or several transitions: XState decides.
      if (!transition) return viaXState(snapshot, event);
      let shape = shapeOf(snapshot, transition);
      if (!shape) {
        const found = findShape(snapshot, event, transition);
        // A shape seen for the first time: this edge already ran through XState.
        if (found.first) return found.first;
        shape = found.shape;
      }
      if (!shape.ok) return viaXState(snapshot, event);
      let result: PureStep;
      try {
        result = replay(shape, snapshot, event);
      } catch {
        // Something this edge's context led to (an assign that spawned, a guard or action that threw): XState decides.
        return viaXState(snapshot, event);
      }
      return replayed(result, snapshot, event);
    },
    stats: () => ({ ...stats }),
  };
}

/** Parallel states, history states and eventless transitions anywhere turn replay off for the machine. */
function supportsReplay(root: Node): boolean {
  const visit = (node: Node): boolean => {
    if (node.type === 'parallel' || node.type === 'history') return false;
    if (node.always && node.always.length > 0) return false;
    for (const key in node.states) if (!visit(node.states[key]!)) return false;
    return true;
  };
  return visit(root);
}

/** No `*` or `prefix.*` event descriptors anywhere: candidates are exactly `transitions.get(event.type)`. */
function wildcardFree(root: Node): boolean {
  const visit = (node: Node): boolean => {
    for (const descriptor of node.transitions.keys()) if (descriptor === '*' || descriptor.endsWith('.*')) return false;
    for (const key in node.states) if (!visit(node.states[key]!)) return false;
    return true;
  };
  return visit(root);
}

/** The one atomic (or final) state node active in a non-parallel machine. */
function atomicNode(snapshot: AnyMachineSnapshot): Node | undefined {
  const nodes = (snapshot as unknown as { _nodes: Node[] })._nodes;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (n.type === 'atomic' || n.type === 'final') return n;
  }
  return undefined;
}

function atomicLeaf(snapshot: AnyMachineSnapshot): string {
  return atomicNode(snapshot)?.id ?? '';
}

const NO_ACTIONS: ReturnedAction[] = [];

/**
 * XState's transition selection (`getTransitionData`) for a non-parallel machine
 * without wildcard descriptors: from the atomic state up to the root, the first
 * state node with a candidate whose guard passes decides. XState builds a memo
 * key string per state node and event for the same lookup; this reads the map.
 */
function selectTransition(snapshot: AnyMachineSnapshot, event: EventObject): Transition | undefined {
  for (let node = atomicNode(snapshot); node; node = node.parent) {
    const candidates = node.transitions.get(event.type);
    if (!candidates) continue;
    for (const candidate of candidates) {
      if (candidate.guard === undefined || guardPasses(candidate.guard, snapshot.context, event, snapshot)) return candidate;
    }
  }
  return undefined;
}

/** XState's evaluateGuard: inline functions, named guards with params, and builtin combinators (`and`, `or`, `not`, `stateIn`) through their own `check`. */
function guardPasses(guard: unknown, context: unknown, event: EventObject, snapshot: AnyMachineSnapshot): boolean {
  const inline = typeof guard === 'function';
  const guards = (snapshot.machine as unknown as { implementations: { guards: Record<string, unknown> } }).implementations.guards;
  const name = typeof guard === 'string' ? guard : (guard as { type?: string }).type;
  const resolved = inline ? guard : guards[name!];
  if (!inline && !resolved) throw NOT_REPLAYABLE;
  if (typeof resolved !== 'function') return guardPasses(resolved, context, event, snapshot);
  const params = inline || typeof guard === 'string' ? undefined : 'params' in (guard as object) ? paramsOf((guard as { params: unknown }).params, context, event) : undefined;
  if (!('check' in resolved)) return Boolean((resolved as (args: unknown, params: unknown) => unknown)({ context, event }, params));
  return Boolean((resolved as unknown as { check: (s: unknown, args: unknown, self: unknown) => unknown }).check(snapshot, { context, event }, resolved));
}

function paramsOf(params: unknown, context: unknown, event: EventObject): unknown {
  return typeof params === 'function' ? (params as (args: unknown) => unknown)({ context, event }) : params;
}

function isDescendant(child: Node, parent: Node | undefined): boolean {
  let marker = child;
  while (marker.parent && marker.parent !== parent) marker = marker.parent;
  return marker.parent === parent;
}

function properAncestors(node: Node, to: Node | undefined): Node[] {
  const out: Node[] = [];
  if (to === node) return out;
  let m = node.parent;
  while (m && m !== to) {
    out.push(m);
    m = m.parent;
  }
  return out;
}

/** XState's getTransitionDomain, for transitions without history targets. */
function transitionDomain(t: Transition): Node | undefined {
  const targets = t.target ?? [];
  if (targets.length === 0) return undefined;
  if (!t.reenter && targets.every((s) => s === t.source || isDescendant(s, t.source))) return t.source;
  const all = [...targets, t.source];
  const [head, ...tail] = all;
  for (const ancestor of properAncestors(head!, undefined)) {
    if (tail.every((s) => isDescendant(s, ancestor))) return ancestor;
  }
  if (t.reenter) return undefined;
  let root = t.source;
  while (root.parent) root = root.parent;
  return root;
}

/**
 * The actions XState's microstep resolves for `transition` from `snapshot`, in
 * its order: exit actions and invoke stops of exited states (deepest first), the
 * transition's actions, then entry actions, invoke starts and initial actions of
 * entered states (outermost first). Undefined when the step enters a final
 * state, or when the invokes XState started/stopped cannot be matched.
 */
function actionItems(snapshot: AnyMachineSnapshot, t: Transition, returned: readonly ReturnedAction[]): Item[] | undefined {
  const childEffect = (type: string, id: string, last = false): Item | undefined => {
    const match = (a: ReturnedAction) => a.type === type && (a.params as { id?: unknown } | undefined)?.id === id;
    let r: ReturnedAction | undefined;
    for (const a of returned) {
      if (!match(a)) continue;
      r = a;
      if (!last) break;
    }
    return r ? { kind: 'child', returned: r } : undefined;
  };
  const items: Item[] = [];
  const targets = t.target ?? [];
  if (targets.length === 0) {
    for (const a of t.actions) items.push({ kind: 'action', action: a });
    return items;
  }
  const domain = transitionDomain(t);
  const nodes = (snapshot as unknown as { _nodes: Node[] })._nodes;
  const exitSet = new Set<Node>();
  if (t.reenter && t.source === domain && domain) exitSet.add(domain);
  for (const n of nodes) if (isDescendant(n, domain)) exitSet.add(n);
  for (const s of [...exitSet].sort((a, b) => b.order - a.order)) {
    for (const a of s.exit) items.push({ kind: 'action', action: a });
    for (const def of s.invoke) {
      // XState's stopChild returns the stopped actor itself as params (undefined when it is not running).
      items.push(childEffect('xstate.stopChild', def.id) ?? { kind: 'child', returned: { type: 'xstate.stopChild', params: undefined } });
    }
  }
  for (const a of t.actions) items.push({ kind: 'action', action: a });

  const toEnter = new Set<Node>();
  const forDefaultEntry = new Set<Node>();
  const addDescendants = (s: Node): void => {
    if (s.type !== 'compound') return;
    const initial = s.initial?.target[0];
    if (!initial) return;
    toEnter.add(initial);
    forDefaultEntry.add(initial);
    addDescendants(initial);
    for (const anc of properAncestors(initial, s)) toEnter.add(anc);
  };
  for (const s of targets) {
    if (t.source !== s || t.source !== domain || t.reenter) {
      toEnter.add(s);
      forDefaultEntry.add(s);
    }
    addDescendants(s);
  }
  const reentrancyDomain = !t.source.parent && t.reenter ? undefined : domain;
  for (const s of targets) {
    for (const anc of properAncestors(s, domain)) {
      if (!reentrancyDomain || isDescendant(anc, reentrancyDomain)) toEnter.add(anc);
    }
  }
  const entered = [...toEnter].sort((a, b) => a.order - b.order);
  for (const s of entered) {
    for (const a of s.entry) items.push({ kind: 'action', action: a });
    for (const def of s.invoke) {
      const start = childEffect('xstate.spawnChild', def.id);
      if (!start) return undefined;
      items.push(start);
    }
    if (forDefaultEntry.has(s)) for (const a of s.initial?.actions ?? []) items.push({ kind: 'action', action: a });
    if (s.type !== 'final') continue;
    // Only a final child of the root ends the machine without raising a done event that XState would process.
    const root = s.parent;
    if (!root || root.parent || root.type !== 'compound' || s !== entered[entered.length - 1]) return undefined;
    items.push({ kind: 'done', final: s, root });
    // XState then runs the exit actions of every active state, deepest first, and stops every child.
    const active = new Set<Node>(nodes);
    for (const n of exitSet) active.delete(n);
    for (const n of entered) active.add(n);
    for (const n of [...active].sort((a, b) => b.order - a.order)) for (const a of n.exit) items.push({ kind: 'action', action: a });
    const running = Object.keys(snapshot.children).filter((id) => ![...exitSet].some((n) => n.invoke.some((def) => def.id === id)));
    for (const n of entered) for (const def of n.invoke) running.push(def.id);
    for (const id of running) {
      const stop = childEffect('xstate.stopChild', id, true);
      if (!stop) return undefined;
      items.push(stop);
    }
  }
  return items;
}

/** An assign that spawns changes the children: not something a shape can replay. */
function refuseSpawn(): never {
  throw NOT_REPLAYABLE;
}

/** XState's resolveAssign, on a context: a function assignment returns the partial update, an object one has a value or function per key. */
function assigned(context: Record<string, unknown>, assignment: unknown, args: unknown, params: unknown): Record<string, unknown> {
  let partial: Record<string, unknown>;
  if (typeof assignment === 'function') {
    partial = (assignment as (a: unknown, p: unknown) => Record<string, unknown>)(args, params);
  } else {
    partial = {};
    const record = assignment as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const value = record[key];
      partial[key] = typeof value === 'function' ? (value as (a: unknown, p: unknown) => unknown)(args, params) : value;
    }
  }
  return Object.assign({}, context, partial);
}

/** XState's getMachineOutput for a final child of the root. */
function machineOutput(root: Node, final: Node, context: unknown, event: EventObject, self: unknown): unknown {
  if (root.output === undefined) return undefined;
  const doneEvent = { type: `xstate.done.state.${final.id}`, output: final.output !== undefined ? resolveOutput(final.output, context, event, self) : undefined };
  return resolveOutput(root.output, context, doneEvent, self);
}

function resolveOutput(mapper: unknown, context: unknown, event: unknown, self: unknown): unknown {
  return typeof mapper === 'function' ? (mapper as (args: unknown) => unknown)({ context, event, self }) : mapper;
}

/** Same configuration, status, output, context, children and effects. */
function sameStep(a: PureStep, b: PureStep): boolean {
  if (a.snapshot.status !== b.snapshot.status) return false;
  if (defaultContextKey(a.snapshot.output) !== defaultContextKey(b.snapshot.output)) return false;
  if (valueKey(a.snapshot.value) !== valueKey(b.snapshot.value)) return false;
  if (defaultContextKey(a.snapshot.context) !== defaultContextKey(b.snapshot.context)) return false;
  if (Object.keys(a.snapshot.children).join(',') !== Object.keys(b.snapshot.children).join(',')) return false;
  return describeActions(a.actions) === describeActions(b.actions);
}

function describeActions(actions: readonly ReturnedAction[]): string {
  return actions
    .map((action) => {
      const p = action.params as Record<string, unknown> | undefined;
      switch (action.type) {
        case 'xstate.spawnChild':
          return `spawn:${String(p?.id)}`;
        case 'xstate.stopChild':
          return `stop:${String(p?.id)}`;
        case 'xstate.raise':
          return `raise:${String(p?.id)}:${String(p?.delay)}:${defaultContextKey(p?.event)}`;
        case 'xstate.cancel':
          return `cancel:${String(p?.sendId)}`;
        case 'xstate.emit':
          return `emit:${defaultContextKey(p?.event)}`;
        default:
          return action.type;
      }
    })
    .join(' ');
}

function describeStep(step: PureStep): string {
  return `${valueKey(step.snapshot.value)} ${defaultContextKey(step.snapshot.context)} [${describeActions(step.actions)}]`;
}
