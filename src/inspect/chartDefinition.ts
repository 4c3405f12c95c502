/**
 * Reduces a machine definition to what a statechart drawing needs: the tree of
 * states and the transitions between them. Two sources are accepted: XState's
 * normalized definition (`machine.toJSON()`, absolute `#id` targets, as our own
 * observer sends) and a raw machine config (relative string targets, as the
 * Stately WebSocket inspector sends as `definition`).
 */

/** One state of a statechart; the root node is the machine itself. */
export interface ChartNode {
  /** Unique within the machine, dotted path from the root (`plugin.running.retrying`). */
  id: string;
  /** The state's own key (`retrying`). */
  key: string;
  /** Keys from the root, dotted (`running.retrying`); `''` for the root: matches state values. */
  path: string;
  /** `atomic`, `compound`, `parallel`, `final` or `history`. */
  type: string;
  /** The id of the initial child of a compound state. */
  initial?: string;
  /** Child states, in definition order. */
  states: ChartNode[];
  /** Outgoing transitions (targetless ones are kept: they are self-handled events). */
  transitions: ChartTransition[];
  /** Sources of actors invoked while in this state. */
  invokes: string[];
}

/** One transition: the event that triggers it and the target state ids (empty: internal). */
export interface ChartTransition {
  event: string;
  targets: string[];
  /** True when the transition has a guard. */
  guarded?: boolean;
}

type Json = Record<string, unknown>;

/** The parts of a live XState machine the chart needs. */
export interface MachineLike {
  toJSON(): unknown;
  root?: unknown;
}

interface LiveStateNode {
  id: string;
  states?: Record<string, LiveStateNode>;
  always?: { target?: { id: string }[] | undefined; guard?: unknown }[];
}

/**
 * Builds the chart of a live machine: `machine.toJSON()`, plus the eventless
 * (`always`) transitions, which toJSON leaves out, read from `machine.root`.
 */
export function chartFromMachine(machine: MachineLike): ChartNode | undefined {
  const chart = chartFromMachineJson(machine.toJSON());
  if (!chart || !isObject(machine.root)) return chart;
  const byId = new Map<string, ChartNode>();
  const index = (node: ChartNode) => {
    byId.set(node.id, node);
    node.states.forEach(index);
  };
  index(chart);
  const walk = (node: LiveStateNode) => {
    const target = byId.get(node.id);
    if (target && Array.isArray(node.always)) {
      for (const t of node.always) {
        const transition: ChartTransition = { event: 'always', targets: (t.target ?? []).map((n) => n.id) };
        if (t.guard !== undefined) transition.guarded = true;
        target.transitions.push(transition);
      }
    }
    for (const child of Object.values(node.states ?? {})) walk(child);
  };
  walk(machine.root as unknown as LiveStateNode);
  return chart;
}

/** Builds the chart from `machine.toJSON()`; returns undefined when `json` is not one. */
export function chartFromMachineJson(json: unknown): ChartNode | undefined {
  if (!isObject(json) || typeof json['id'] !== 'string') return undefined;
  return fromNormalized(json, undefined);
}

function fromNormalized(node: Json, parentPath: string | undefined): ChartNode {
  const id = String(node['id']);
  const key = String(node['key'] ?? id);
  const path = parentPath === undefined ? '' : parentPath === '' ? key : `${parentPath}.${key}`;
  const states = isObject(node['states'])
    ? Object.values(node['states']).filter(isObject).map((child) => fromNormalized(child, path))
    : [];
  const transitions: ChartTransition[] = [];
  const list = Array.isArray(node['transitions']) ? node['transitions'] : [];
  for (const t of list) {
    if (!isObject(t)) continue;
    const targets = Array.isArray(t['target']) ? t['target'].map(targetId) : [];
    const transition: ChartTransition = { event: String(t['eventType'] ?? ''), targets };
    if (t['guard'] !== undefined && t['guard'] !== null) transition.guarded = true;
    transitions.push(transition);
  }
  const chart: ChartNode = {
    id,
    key,
    path,
    type: String(node['type'] ?? 'atomic'),
    states,
    transitions,
    invokes: invokesOf(node['invoke']),
  };
  const initial = isObject(node['initial']) ? node['initial']['target'] : undefined;
  if (Array.isArray(initial) && initial.length > 0) chart.initial = targetId(initial[0]);
  return chart;
}

/** Builds the chart from a raw machine config (`machine.config`); undefined when it is not one. */
export function chartFromMachineConfig(config: unknown): ChartNode | undefined {
  if (!isObject(config)) return undefined;
  const rootId = typeof config['id'] === 'string' ? config['id'] : '(machine)';
  const byId = new Map<string, string>();
  const root = configNode(config, rootId, rootId, '', byId);
  resolveTargets(root, undefined, byId);
  return root;
}

interface PendingChart extends ChartNode {
  rawTargets?: { event: string; raw: string[]; guarded: boolean }[];
}

function configNode(config: Json, key: string, path: string, keyPath: string, byId: Map<string, string>): PendingChart {
  if (typeof config['id'] === 'string') byId.set(config['id'], path);
  const children = isObject(config['states']) ? config['states'] : {};
  const states = Object.entries(children)
    .filter((entry): entry is [string, Json] => isObject(entry[1]))
    .map(([childKey, child]) =>
      configNode(child, childKey, `${path}.${childKey}`, keyPath === '' ? childKey : `${keyPath}.${childKey}`, byId),
    );
  const type =
    typeof config['type'] === 'string' ? config['type'] : states.length > 0 ? 'compound' : 'atomic';
  const rawTargets: { event: string; raw: string[]; guarded: boolean }[] = [];
  const on = isObject(config['on']) ? config['on'] : {};
  for (const [event, spec] of Object.entries(on)) collectTargets(event, spec, rawTargets);
  if (config['always'] !== undefined) collectTargets('always', config['always'], rawTargets);
  if (isObject(config['after'])) {
    for (const [delay, spec] of Object.entries(config['after'])) collectTargets(`after ${delay}`, spec, rawTargets);
  }
  for (const invoke of asArray(config['invoke'])) {
    if (!isObject(invoke)) continue;
    if (invoke['onDone'] !== undefined) collectTargets('done', invoke['onDone'], rawTargets);
    if (invoke['onError'] !== undefined) collectTargets('error', invoke['onError'], rawTargets);
  }
  if (config['onDone'] !== undefined) collectTargets('done', config['onDone'], rawTargets);
  const node: PendingChart = { id: path, key, path: keyPath, type, states, transitions: [], invokes: invokesOf(config['invoke']), rawTargets };
  if (typeof config['initial'] === 'string') node.initial = `${path}.${config['initial']}`;
  return node;
}

function collectTargets(event: string, spec: unknown, out: { event: string; raw: string[]; guarded: boolean }[]): void {
  for (const item of asArray(spec)) {
    if (typeof item === 'string') out.push({ event, raw: [item], guarded: false });
    else if (isObject(item)) {
      const target = item['target'];
      const raw = asArray(target).filter((x): x is string => typeof x === 'string');
      out.push({ event, raw, guarded: item['guard'] !== undefined });
    }
  }
}

function resolveTargets(node: PendingChart, parent: PendingChart | undefined, byId: Map<string, string>): void {
  for (const { event, raw, guarded } of node.rawTargets ?? []) {
    const targets = raw.map((target) => {
      if (target.startsWith('#')) {
        const ref = target.slice(1);
        const [head, ...rest] = ref.split('.');
        const base = byId.get(head!) ?? head!;
        return rest.length > 0 ? `${base}.${rest.join('.')}` : base;
      }
      if (target.startsWith('.')) return `${node.id}${target}`;
      return parent ? `${parent.id}.${target}` : `${node.id}.${target}`;
    });
    node.transitions.push(guarded ? { event, targets, guarded } : { event, targets });
  }
  delete node.rawTargets;
  for (const child of node.states) resolveTargets(child as PendingChart, node, byId);
}

function invokesOf(value: unknown): string[] {
  return asArray(value)
    .filter(isObject)
    .map((invoke) => (typeof invoke['src'] === 'string' ? invoke['src'] : String(invoke['id'] ?? 'actor')));
}

/** A target as `'#plugin.ready'` (serialized definition) or as the StateNode itself (live `toJSON()`). */
function targetId(target: unknown): string {
  if (typeof target === 'string') return stripHash(target);
  if (isObject(target) && typeof target['id'] === 'string') return target['id'];
  return String(target);
}

function stripHash(target: string): string {
  return target.startsWith('#') ? target.slice(1) : target;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
