/**
 * State abstraction: turns a snapshot into the compact text that decides whether
 * two snapshots are the same state. The default keeps the state value, the
 * running children and every primitive context field (numbers, strings,
 * booleans, arrays of them, small plain objects); errors count by name and
 * message.
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

/**
 * The default context abstraction as text. Not cached per context: in a large
 * space nearly every context is new, and a WeakMap entry per context costs the
 * garbage collector more than encoding a handful of fields.
 */
export function defaultContextKey(context: unknown, errors: ErrorKeys = errorText): string {
  if (typeof context !== 'object' || context === null) return String(context);
  return encodeFields(context as Record<string, unknown>, errors);
}

/** Only `keys` of the context, as text. */
export function pickedContextKey(context: unknown, keys: readonly string[], errors: ErrorKeys = errorText): string {
  if (typeof context !== 'object' || context === null) return String(context);
  const record = context as Record<string, unknown>;
  let out = '';
  for (const k of keys) out += `${encodeValue(record[k], 0, errors)};`;
  return out;
}

function encodeFields(record: Record<string, unknown>, errors: ErrorKeys): string {
  let out = '';
  for (const k in record) {
    const part = encodeValue(record[k], 0, errors);
    if (part !== '') out += `${k}=${part};`;
  }
  return out;
}

/** A primitive or a small data structure as text; '' for what does not identify a state (functions, actors). */
function encodeValue(value: unknown, level: number, errors: ErrorKeys): string {
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
  if (Array.isArray(value)) return `[${value.map((v) => encodeValue(v, level + 1, errors)).join(',')}]`;
  if (value instanceof Error) return errors(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return '';
  let out = '{';
  for (const k in value as Record<string, unknown>) {
    const part = encodeValue((value as Record<string, unknown>)[k], level + 1, errors);
    if (part !== '') out += `${k}=${part};`;
  }
  return `${out}}`;
}

/**
 * Errors count by name and message. A key function gives each pair a short id,
 * so every state key that carries the same error stays short; errors are few
 * and shared between states, so its maps stay small, and they live only as
 * long as the check that owns the key function.
 */
type ErrorKeys = (error: Error) => string;

function errorInterner(): ErrorKeys {
  const byObject = new WeakMap<Error, string>();
  const byText = new Map<string, string>();
  return (error) => {
    let key = byObject.get(error);
    if (key === undefined) {
      const text = `${error.name}:${error.message}`;
      key = byText.get(text);
      if (key === undefined) {
        key = `E${byText.size}`;
        byText.set(text, key);
      }
      byObject.set(error, key);
    }
    return key;
  };
}

/** An error as readable text: name and message. */
const errorText: ErrorKeys = (error) => `${error.name}:${JSON.stringify(error.message)}`;

/**
 * Returns `key` as one flat string. A key built with `+=` is a tree of string
 * pieces in V8, and a Map keeps the whole tree alive: for a checker that stores a
 * key per state that was 3× the memory and most of the garbage collector's work.
 * Reading a character makes V8 flatten the tree into one string.
 */
export function flatKey(key: string): string {
  key.charCodeAt(0);
  return key;
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
  const errors = errorInterner();
  if (options.abstract) {
    const abstract = options.abstract;
    return (snapshot) => {
      const a = abstract(snapshot);
      return flatKey(`${valueKey(snapshot.value)}|${typeof a === 'string' ? a : encodeValue(a, 0, errors)}|${childrenKey(snapshot)}|${snapshot.status}`);
    };
  }
  if (options.contextKeys) {
    const keys = options.contextKeys;
    return (snapshot) => flatKey(`${valueKey(snapshot.value)}|${pickedContextKey(snapshot.context, keys, errors)}|${childrenKey(snapshot)}|${snapshot.status}`);
  }
  return (snapshot) => flatKey(`${valueKey(snapshot.value)}|${defaultContextKey(snapshot.context, errors)}|${childrenKey(snapshot)}|${snapshot.status}`);
}
