/**
 * Turns any value from an actor's snapshot or event into plain JSON data that
 * can cross a WebSocket. Snapshots hold things JSON.stringify cannot take or
 * should not take whole: actor refs (huge, cyclic), errors (no enumerable
 * fields), functions, bigint (throws), cycles, Maps, typed arrays, class
 * instances from the engine. Every one of those becomes a small, readable
 * stand-in, and size is bounded so one large context cannot stall the relay.
 */

/** JSON data: what `safeSerialize` returns. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Bounds of one serialization. */
export interface SafeSerializeOptions {
  /** Nesting depth below which values are replaced by `'[Object]'` / `'[Array(n)]'`. Default 6. */
  maxDepth?: number;
  /** Items kept per array (the rest are summarized in one string). Default 50. */
  maxArrayItems?: number;
  /** Keys kept per object (the rest are summarized under `'…'`). Default 50. */
  maxKeys?: number;
  /** Characters kept per string. Default 2000. */
  maxStringLength?: number;
}

interface Limits {
  maxDepth: number;
  maxArrayItems: number;
  maxKeys: number;
  maxStringLength: number;
}

const DEFAULT_LIMITS: Limits = { maxDepth: 6, maxArrayItems: 50, maxKeys: 50, maxStringLength: 2000 };

/** An actor ref as it appears in serialized data: enough to find the actor in the visualizer. */
export interface SerializedActorRef {
  $actor: string;
  id: string;
}

/** An error as it appears in serialized data. */
export interface SerializedError {
  name: string;
  message: string;
  [key: string]: JsonValue;
}

/**
 * Serializes `value` to JSON data, never throwing. Errors become `{ name, message }`
 * (plus `category`/`component` for DataPrism errors), actor refs become
 * `{ $actor: sessionId, id }`, functions `'[Function name]'`, bigint `'123n'`,
 * cycles `'[Circular]'`, Map an object of entries, Set an array, Date an ISO string.
 */
export function safeSerialize(value: unknown, options: SafeSerializeOptions = {}): JsonValue {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options };
  return walk(value, 0, limits, new Set<object>());
}

/** Serializes an error to `{ name, message }`, keeping DataPrism's `category` and `component`. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: error.message };
    const extra = error as unknown as Record<string, unknown>;
    if (typeof extra['category'] === 'string') out['category'] = extra['category'];
    if (typeof extra['component'] === 'string') out['component'] = extra['component'];
    return out;
  }
  return { name: 'Error', message: typeof error === 'string' ? error : describeNonError(error) };
}

/** True for XState actor refs (and anything shaped like one): they must never be walked. */
export function isActorRefLike(value: object): value is { sessionId: string; id: string } {
  const ref = value as { sessionId?: unknown; send?: unknown; getSnapshot?: unknown };
  return typeof ref.sessionId === 'string' && typeof ref.send === 'function' && typeof ref.getSnapshot === 'function';
}

function walk(value: unknown, depth: number, limits: Limits, ancestors: Set<object>): JsonValue {
  switch (typeof value) {
    case 'string':
      return value.length > limits.maxStringLength ? `${value.slice(0, limits.maxStringLength)}…(${value.length} chars)` : value;
    case 'number':
      // JSON has no NaN/Infinity; a string keeps them visible instead of turning them into null.
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return null;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.has(object)) return '[Circular]';
  if (isActorRefLike(object)) {
    const ref: SerializedActorRef = { $actor: object.sessionId, id: String(object.id) };
    return ref as unknown as JsonValue;
  }
  if (object instanceof Error) return serializeError(object) as JsonValue;
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof RegExp) return object.toString();
  if (ArrayBuffer.isView(object)) return `[${object.constructor.name} ${object.byteLength} bytes]`;
  if (object instanceof ArrayBuffer) return `[ArrayBuffer ${object.byteLength} bytes]`;
  if (typeof (object as { then?: unknown }).then === 'function') return '[Promise]';
  if (depth >= limits.maxDepth) {
    return Array.isArray(object) ? `[Array(${object.length})]` : `[${constructorName(object)}]`;
  }
  ancestors.add(object);
  try {
    if (Array.isArray(object)) return walkArray(object, depth, limits, ancestors);
    if (object instanceof Set) return walkArray([...object], depth, limits, ancestors);
    if (object instanceof Map) {
      const out: { [key: string]: JsonValue } = {};
      let count = 0;
      for (const [key, item] of object) {
        if (count++ >= limits.maxKeys) {
          out['…'] = `${object.size - limits.maxKeys} more entries`;
          break;
        }
        setKey(out, typeof key === 'string' ? key : String(walk(key, limits.maxDepth, limits, ancestors)), walk(item, depth + 1, limits, ancestors));
      }
      return out;
    }
    return walkObject(object, depth, limits, ancestors);
  } finally {
    ancestors.delete(object);
  }
}

function walkArray(items: readonly unknown[], depth: number, limits: Limits, ancestors: Set<object>): JsonValue {
  const kept = Math.min(items.length, limits.maxArrayItems);
  const out: JsonValue[] = new Array<JsonValue>(kept);
  for (let i = 0; i < kept; i++) out[i] = walk(items[i], depth + 1, limits, ancestors);
  if (items.length > kept) out.push(`…${items.length - kept} more items`);
  return out;
}

function walkObject(object: object, depth: number, limits: Limits, ancestors: Set<object>): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  let keys: string[];
  try {
    keys = Object.keys(object);
  } catch {
    return `[${constructorName(object)}]`;
  }
  const kept = Math.min(keys.length, limits.maxKeys);
  for (let i = 0; i < kept; i++) {
    const key = keys[i]!;
    let item: unknown;
    try {
      item = (object as Record<string, unknown>)[key];
    } catch (error) {
      // A getter that throws must not take the whole snapshot down with it.
      item = `[getter threw: ${serializeError(error).message}]`;
    }
    if (item === undefined) continue;
    setKey(out, key, walk(item, depth + 1, limits, ancestors));
  }
  if (keys.length > kept) out['…'] = `${keys.length - kept} more keys`;
  return out;
}

/**
 * Sets an own data property. Plain assignment of `'__proto__'` (an own key that
 * JSON.parse creates) would replace the output's prototype instead of copying it.
 */
function setKey(out: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function constructorName(object: object): string {
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name.length > 0 ? name : 'Object';
}

function describeNonError(value: unknown): string {
  try {
    return JSON.stringify(safeSerialize(value));
  } catch {
    return String(value);
  }
}
