/**
 * State abstraction: turns a snapshot into the compact text that decides whether
 * two snapshots are the same state. The default keeps the state value, the
 * running children and the whole context: primitives, arrays, plain objects,
 * Map and Set (in insertion order), Date, RegExp, typed arrays, class instances
 * by their class name and own enumerable fields, functions and symbols by
 * identity, actor references by id; errors count by name and message. Nothing is
 * dropped silently: a value it cannot encode (a WeakMap, a Promise, a cycle) is
 * a ValidationError naming the field and how to supply an abstraction.
 */
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import { ValidationError } from '../errors/ValidationError.js';

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
  for (const k of keys) out += `${encodeField(record[k], k, errors)};`;
  return out;
}

function encodeFields(record: Record<string, unknown>, errors: ErrorKeys): string {
  let out = '';
  for (const k in record) out += `${k}=${encodeField(record[k], k, errors)};`;
  return out;
}

/** Deeper than this is taken for a cycle. */
const MAX_DEPTH = 32;

/** Thrown inside the encoder when a value cannot be encoded; `path` grows as it unwinds. */
class Unencodable {
  constructor(
    readonly path: string[],
    readonly what: string,
  ) {}
}

/** One context field (or an abstraction's result, `field` = `(abstraction)`), as text; throws ValidationError when it cannot be encoded. */
export function encodeField(value: unknown, field: string, errors: ErrorKeys = errorText): string {
  try {
    return encodeValue(value, 0, errors);
  } catch (error) {
    if (!(error instanceof Unencodable)) throw error;
    const path = [field, ...error.path].join('');
    throw new ValidationError(
      `the checker cannot tell states apart by context field '${path}': it holds ${error.what}, which it cannot encode into a state id. ` +
        "Supply an abstraction: `abstractions: { fieldName: (value) => ... }` (the part of the value that matters), `contextKeys: [...]` (only these fields count) " +
        'or `abstract: (snapshot) => ...` in the check options, or a module for --abstraction exporting them.',
      { component: 'check', issues: [{ path: `context.${path}`, message: `cannot encode ${error.what}` }] },
    );
  }
}

const functionIds = new WeakMap<object, number>();
const symbolIds = new Map<symbol, number>();
let identities = 0;

/** A function or symbol by identity: the same one is the same state, another one is not. */
function identity(value: object | symbol): string {
  if (typeof value === 'symbol') {
    let id = symbolIds.get(value);
    if (id === undefined) symbolIds.set(value, (id = identities++));
    return `Y${id}`;
  }
  let id = functionIds.get(value);
  if (id === undefined) functionIds.set(value, (id = identities++));
  return `F${id}`;
}

/** Encodes `inner` as a part `key` of its parent, so that a failure names the path to it. */
function part(inner: unknown, key: string, level: number, errors: ErrorKeys): string {
  try {
    return encodeValue(inner, level + 1, errors);
  } catch (error) {
    if (error instanceof Unencodable) error.path.unshift(key);
    throw error;
  }
}

/** A value as text, exactly: two values encode alike only when the checker may treat them as the same. */
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
      return identity(value);
    default:
      break;
  }
  if (value === null) return 'n';
  if (level > MAX_DEPTH) throw new Unencodable([], `a value nested more than ${MAX_DEPTH} levels deep (a cycle?)`);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${part(value[i], `[${i}]`, level, errors)}`;
    return `${out}]`;
  }
  if (value instanceof Error) return errors(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) return `{${ownFields(value as Record<string, unknown>, level, errors)}}`;
  if (value instanceof Map) {
    let out = 'M{';
    let i = 0;
    for (const [k, v] of value) {
      out += `${part(k, `.keys()[${i}]`, level, errors)}=>${part(v, `.get(${typeof k === 'string' ? JSON.stringify(k) : `keys()[${i}]`})`, level, errors)};`;
      i++;
    }
    return `${out}}`;
  }
  if (value instanceof Set) {
    let out = 'S{';
    let i = 0;
    for (const v of value) out += `${part(v, `.values()[${i++}]`, level, errors)};`;
    return `${out}}`;
  }
  if (value instanceof Date) return `D${value.getTime()}`;
  if (value instanceof RegExp) return `R${String(value)}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}[${Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).join(',')}]`;
  if (value instanceof ArrayBuffer) return `AB[${Array.from(new Uint8Array(value)).join(',')}]`;
  if (isActorRef(value as object)) return `@${(value as { id: string }).id}`;
  const what = opaque(value as object);
  if (what) throw new Unencodable([], what);
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return `${typeof name === 'string' ? name : '?'}{${ownFields(value as Record<string, unknown>, level, errors)}}`;
}

function ownFields(record: Record<string, unknown>, level: number, errors: ErrorKeys): string {
  let out = '';
  for (const k of Object.keys(record)) out += `${k}=${part(record[k], `.${k}`, level, errors)};`;
  return out;
}

/** An actor reference: its own state is the child's (the snapshot's `children`), so its id identifies it. */
function isActorRef(value: object): value is { id: string } {
  const v = value as { id?: unknown; sessionId?: unknown; send?: unknown; getSnapshot?: unknown };
  return typeof v.id === 'string' && typeof v.sessionId === 'string' && typeof v.send === 'function' && typeof v.getSnapshot === 'function';
}

/** What a value whose state cannot be read is, or undefined when its own fields say everything. */
function opaque(value: object): string | undefined {
  if (value instanceof WeakMap) return 'a WeakMap (its entries cannot be listed)';
  if (value instanceof WeakSet) return 'a WeakSet (its entries cannot be listed)';
  if (typeof WeakRef !== 'undefined' && value instanceof WeakRef) return 'a WeakRef';
  if (value instanceof Promise || typeof (value as { then?: unknown }).then === 'function') return 'a Promise (its outcome cannot be read)';
  return undefined;
}

/**
 * Errors count by name and message. A key function gives each pair a short id,
 * so every state key that carries the same error stays short; errors are few
 * and shared between states, so its maps stay small, and they live only as
 * long as the check that owns the key function.
 */
export type ErrorKeys = (error: Error) => string;

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

/** Per context field, the part of its value that matters to the check. */
export type FieldAbstractions = Readonly<Record<string, (value: unknown) => unknown>>;

/** The context with each abstracted field replaced by its abstraction. */
export function abstractContext(context: unknown, abstractions: FieldAbstractions): unknown {
  if (typeof context !== 'object' || context === null) return context;
  const out: Record<string, unknown> = { ...(context as Record<string, unknown>) };
  for (const field in abstractions) if (field in out) out[field] = abstractions[field]!(out[field]);
  return out;
}

/** Builds the machine-state key function from the check options. */
export function machineKeyFunction(options: {
  abstract?: (snapshot: AnyMachineSnapshot) => unknown;
  contextKeys?: readonly string[];
  abstractions?: FieldAbstractions;
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
      return flatKey(`${valueKey(snapshot.value)}|${typeof a === 'string' ? a : encodeField(a, '(abstract)', errors)}|${childrenKey(snapshot)}|${snapshot.status}`);
    };
  }
  const fields = options.abstractions;
  const contextOf = fields ? (snapshot: AnyMachineSnapshot) => abstractContext(snapshot.context, fields) : (snapshot: AnyMachineSnapshot) => snapshot.context as unknown;
  if (options.contextKeys) {
    const keys = options.contextKeys;
    return (snapshot) => flatKey(`${valueKey(snapshot.value)}|${pickedContextKey(contextOf(snapshot), keys, errors)}|${childrenKey(snapshot)}|${snapshot.status}`);
  }
  return (snapshot) => flatKey(`${valueKey(snapshot.value)}|${defaultContextKey(contextOf(snapshot), errors)}|${childrenKey(snapshot)}|${snapshot.status}`);
}
