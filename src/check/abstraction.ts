/**
 * State abstraction: turns a snapshot into the compact text that decides whether
 * two snapshots are the same state. The default keeps the state value, the
 * running children and every primitive context field (numbers, strings,
 * booleans, arrays of them, small plain objects); errors count by name and
 * message. Results are cached per context object, which XState shares between
 * snapshots whenever no `assign` ran.
 */
import type { AnyMachineSnapshot, StateValue } from 'xstate';

/** `'waiting'` → `waiting`; `{ active: { initializing: 'engine' } }` → `active.initializing.engine`; parallel regions joined by `,`. */
export function stateValueToString(value: StateValue): string {
  if (typeof value === 'string') return value;
  const parts: string[] = [];
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (child === undefined) continue;
    const inner = stateValueToString(child as StateValue);
    parts.push(inner === '' ? key : `${key}.${inner}`);
  }
  return parts.length === 1 ? parts[0]! : parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

const valueKeys = new WeakMap<object, string>();
const contextKeys = new WeakMap<object, string>();

/** The state value as text, cached per value object. */
export function valueKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  let key = valueKeys.get(value);
  if (key === undefined) {
    key = stateValueToString(value);
    valueKeys.set(value, key);
  }
  return key;
}

/** The default context abstraction as text, cached per context object. */
export function defaultContextKey(context: unknown): string {
  if (typeof context !== 'object' || context === null) return String(context);
  let key = contextKeys.get(context);
  if (key === undefined) {
    key = encodeFields(context as Record<string, unknown>);
    contextKeys.set(context, key);
  }
  return key;
}

/** Only `keys` of the context, as text. */
export function pickedContextKey(context: unknown, keys: readonly string[]): string {
  if (typeof context !== 'object' || context === null) return String(context);
  const record = context as Record<string, unknown>;
  let out = '';
  for (const k of keys) out += `${encodeValue(record[k], 0)};`;
  return out;
}

function encodeFields(record: Record<string, unknown>): string {
  let out = '';
  for (const k in record) {
    const part = encodeValue(record[k], 0);
    if (part !== '') out += `${k}=${part};`;
  }
  return out;
}

/** A primitive or a small data structure as text; '' for what does not identify a state (functions, actors). */
function encodeValue(value: unknown, level: number): string {
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'string':
      return JSON.stringify(value);
    case 'undefined':
      return 'u';
    case 'function':
    case 'symbol':
      return '';
    default:
      break;
  }
  if (value === null) return 'n';
  if (level > 3) return '…';
  if (Array.isArray(value)) return `[${value.map((v) => encodeValue(v, level + 1)).join(',')}]`;
  if (value instanceof Error) return `${value.name}:${JSON.stringify(value.message)}`;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return '';
  let out = '{';
  for (const k in value as Record<string, unknown>) {
    const part = encodeValue((value as Record<string, unknown>)[k], level + 1);
    if (part !== '') out += `${k}=${part};`;
  }
  return `${out}}`;
}

/** Builds the machine-state key function from the check options. */
export function machineKeyFunction(options: {
  abstract?: (snapshot: AnyMachineSnapshot) => unknown;
  contextKeys?: readonly string[];
}): (snapshot: AnyMachineSnapshot) => string {
  const childrenKey = (snapshot: AnyMachineSnapshot): string => {
    let out = '';
    for (const id in snapshot.children) out += `${id},`;
    return out;
  };
  if (options.abstract) {
    const abstract = options.abstract;
    return (snapshot) => {
      const a = abstract(snapshot);
      return `${valueKey(snapshot.value)}|${typeof a === 'string' ? a : encodeValue(a, 0)}|${childrenKey(snapshot)}|${snapshot.status}`;
    };
  }
  if (options.contextKeys) {
    const keys = options.contextKeys;
    return (snapshot) => `${valueKey(snapshot.value)}|${pickedContextKey(snapshot.context, keys)}|${childrenKey(snapshot)}|${snapshot.status}`;
  }
  return (snapshot) => `${valueKey(snapshot.value)}|${defaultContextKey(snapshot.context)}|${childrenKey(snapshot)}|${snapshot.status}`;
}
