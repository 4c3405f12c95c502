// Reading model-checker output for the page: the JSON of `dataprism check FILE --json`
// (or of the relay's demo check), its violations and their traces, each step's
// state as a state value and the environment's move as the machine event it caused.
// Unknown fields are ignored, so a newer checker's output still loads.

/**
 * The checked items of a check report, each `{ name, export, result, chart? }`.
 * Accepts the CLI's `{ results: [{ export, result }] }`, one bare CheckResult, or an array of either.
 */
export function checkItems(json) {
  const list = Array.isArray(json) ? json : Array.isArray(json?.results) ? json.results : [json];
  const items = [];
  for (const entry of list) {
    const result = entry && typeof entry === 'object' && entry.result && typeof entry.result === 'object' ? entry.result : entry;
    if (!result || typeof result !== 'object' || !Array.isArray(result.violations)) continue;
    const name = typeof result.name === 'string' ? result.name : String(entry.export ?? 'machine');
    const item = { name, export: typeof entry.export === 'string' ? entry.export : name, result };
    const chart = entry.chart ?? result.chart;
    if (chart && typeof chart === 'object' && Array.isArray(chart.states)) item.chart = chart;
    items.push(item);
  }
  if (items.length === 0) {
    throw new Error('no check results in it: load the output of `dataprism check FILE --json` (an object with `results`, each with `result.violations`)');
  }
  return items;
}

/** A trace step's state text (`active.ready`, `{a.x,b.y}`, `waiting (error)`) as an XState state value. */
export function stateValueOf(text) {
  const clean = String(text ?? '').replace(/\s*\((error|done|stopped)\)$/, '');
  const parts = clean.startsWith('{') && clean.endsWith('}') ? splitTop(clean.slice(1, -1)) : [clean];
  if (parts.length === 1) return nest(parts[0].split('.'));
  const value = {};
  for (const part of parts) merge(value, nest(part.split('.')));
  return value;
}

function splitTop(text) {
  const out = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
    else if (text[i] === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

function nest(keys) {
  if (keys.length === 1) return keys[0];
  return { [keys[0]]: nest(keys.slice(1)) };
}

function merge(target, value) {
  if (typeof value === 'string') {
    target[value] ??= {};
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'string') {
      if (typeof target[key] !== 'object') target[key] = inner;
      else target[key][inner] ??= {};
    } else {
      if (typeof target[key] !== 'object') target[key] = target[key] === undefined ? {} : { [target[key]]: {} };
      merge(target[key], inner);
    }
  }
}

/** The environment's move in words, as `dataprism check` prints it: `attempt fails (timeout)`, `backoff elapses (+120 ms)`. */
export function describeMove(event) {
  const on = event.machine ? `${event.machine}: ` : '';
  switch (event.type) {
    case 'start':
      return event.variant === 'input' || !event.variant ? 'start' : `start (${event.variant})`;
    case 'done':
      return `${on}${event.actor} succeeds${event.output ? ` (output #${event.output})` : ''}`;
    case 'fail':
      return `${on}${event.actor} fails (${event.fault})`;
    case 'delay':
      return `${event.delay} elapses (+${Number.isInteger(event.ms) ? event.ms : Number(event.ms).toFixed(1)} ms)`;
    case 'send':
      return event.machine ? `${event.machine} ← ${event.event?.type}` : `send ${event.event?.type}`;
    case 'dispose':
      return 'plugin is disposed';
    default:
      return String(event.type);
  }
}

/** What kind of move drove a step: `fault`, `delay`, `done`, `send`, `start` or `dispose` (for the step's badge). */
export function moveKind(event) {
  return event.type === 'fail' ? 'fault' : event.type;
}

/** The machine event a move delivers, in the names the statechart's edges carry. */
export function machineEventOf(event) {
  switch (event.type) {
    case 'done':
      return `xstate.done.actor.${event.actor}`;
    case 'fail':
      return `xstate.error.actor.${event.actor}`;
    case 'delay':
      return `xstate.after.${event.delay}.`;
    case 'send':
      return event.event?.type;
    default:
      return undefined;
  }
}

/**
 * A statechart drawn from the trace alone, for a report whose machine the page does
 * not know: one state per state the trace visits, one transition per step.
 */
export function chartFromTrace(name, trace) {
  const root = { id: name, key: name, path: '', type: 'compound', states: [], transitions: [], invokes: [] };
  const byPath = new Map([['', root]]);
  const ensure = (path) => {
    if (byPath.has(path)) return byPath.get(path);
    const keys = path.split('.');
    const parent = ensure(keys.slice(0, -1).join('.'));
    const node = { id: `${name}.${path}`, key: keys.at(-1), path, type: 'atomic', states: [], transitions: [], invokes: [] };
    parent.states.push(node);
    if (parent !== root) parent.type = 'compound';
    if (!parent.initial) parent.initial = node.id;
    byPath.set(path, node);
    return node;
  };
  const leaves = (text) => {
    const value = stateValueOf(text);
    const out = [];
    const walk = (v, prefix) => {
      if (typeof v === 'string') out.push(prefix ? `${prefix}.${v}` : v);
      else for (const [k, inner] of Object.entries(v)) walk(inner, prefix ? `${prefix}.${k}` : k);
    };
    walk(value, '');
    return out.filter(Boolean);
  };
  let previous = [];
  trace.forEach((step) => {
    const now = leaves(step.state);
    for (const path of now) ensure(path);
    const event = machineEventOf(step.event) ?? step.event.type;
    for (const from of previous) {
      const source = byPath.get(from);
      for (const to of now) {
        const target = `${name}.${to}`;
        if (!source.transitions.some((t) => t.event === event && t.targets.includes(target))) source.transitions.push({ event, targets: [target] });
      }
    }
    if (previous.length === 0 && now.length > 0) root.initial = `${name}.${now[0].split('.')[0]}`;
    previous = now;
  });
  return root;
}
