/**
 * The plugin as registered: a frozen copy of what it declared (name, version,
 * permissions, dependencies, ...) taken once at `register()`, with its hooks
 * bound to the original object. What was validated is what runs: pushing
 * `'engine:write'` into the object's own `permissions` array, renaming it into
 * a reserved namespace, or a getter answering differently on the second read
 * changes nothing after registration (Deno's rule: a capability is granted once
 * and immutable afterwards).
 */
import { freeze } from 'immer';
import type { DataPrismPlugin } from './types.js';
import { workerHooks, workerModuleUrl } from './worker/PluginWorkerHost.js';

type Hook = 'initialize' | 'execute' | 'dispose';
type Declared = Exclude<keyof DataPrismPlugin, Hook>;

// A mapped type over the declared fields: a field added to DataPrismPlugin and not
// listed here is a compile error, so no declaration escapes the snapshot.
const DECLARED_FIELDS: { readonly [K in Declared]: true } = {
  name: true,
  version: true,
  description: true,
  dependencies: true,
  capabilities: true,
  permissions: true,
  timeoutMs: true,
  configSchema: true,
  isolation: true,
  module: true,
};
const HOOKS: readonly Hook[] = ['initialize', 'execute', 'dispose'];

/**
 * Reads every declared field of `value` exactly once into a deeply frozen copy,
 * and binds each hook found to `value` (so a class-based plugin keeps its `this`).
 * A value that is not an object is returned as it is, for validation to refuse.
 * A plugin declared with `isolation: 'worker'` gets the hooks of a worker host of
 * its own instead, under `defaultTimeoutMs` unless it declares a budget (so the
 * registry's budget and the worker's are one).
 */
export function snapshotPlugin<T>(value: T, defaultTimeoutMs: number): T {
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const snapshot: Record<string, unknown> = {};
  for (const field of Object.keys(DECLARED_FIELDS)) {
    const declared = source[field];
    if (declared !== undefined) snapshot[field] = copyData(declared);
  }
  if (snapshot['isolation'] === 'worker' && typeof snapshot['module'] === 'string' && workerModuleUrl(snapshot['module']) !== undefined) {
    const timeoutMs = typeof snapshot['timeoutMs'] === 'number' ? snapshot['timeoutMs'] : defaultTimeoutMs;
    snapshot['timeoutMs'] = timeoutMs;
    Object.assign(snapshot, workerHooks({ name: String(snapshot['name']), module: snapshot['module'], timeoutMs }));
    return freeze(snapshot, true) as T;
  }
  for (const hook of HOOKS) {
    const fn = source[hook];
    snapshot[hook] = typeof fn === 'function' ? (...args: unknown[]) => (fn as (...a: unknown[]) => unknown).apply(value, args) : fn;
  }
  return freeze(snapshot, true) as T;
}

// Data is cloned so that neither the plugin nor anyone holding its object can reach
// the copy; what cannot be cloned (a Proxy, a function) is kept for validation to judge,
// except arrays, which are read once element by element.
function copyData(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // Most declarations are small arrays of strings and plain records of strings: copied
  // by hand, each field read once, as structuredClone would (which costs far more per call).
  const plain = copyPlain(value, 0);
  if (plain !== NOT_PLAIN) return plain;
  try {
    return structuredClone(value);
  } catch {
    return Array.isArray(value) ? Array.from(value as unknown[]) : value;
  }
}

const NOT_PLAIN = Symbol('not plain');
/** How deep `copyPlain` goes before leaving the value to structuredClone. */
const PLAIN_DEPTH = 3;

/** A copy of `value` when it is an array or plain record of primitives (nested at most PLAIN_DEPTH deep); else NOT_PLAIN. */
function copyPlain(value: unknown, depth: number): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) return value;
  if (typeof value !== 'object' || depth >= PLAIN_DEPTH) return NOT_PLAIN;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Array.prototype && Array.isArray(value)) {
    const source = value as unknown[];
    const length = source.length;
    const copy: unknown[] = new Array<unknown>(length);
    for (let i = 0; i < length; i++) {
      // A hole is left to structuredClone, which keeps it one.
      if (!(i in source)) return NOT_PLAIN;
      const item = copyPlain(source[i], depth + 1);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      copy[i] = item;
    }
    return copy;
  }
  if (proto !== Object.prototype) return NOT_PLAIN;
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    // Assigned, `__proto__` would set the copy's prototype instead of being a field of it.
    if (key === '__proto__') return NOT_PLAIN;
    const item = copyPlain(source[key], depth + 1);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    copy[key] = item;
  }
  return copy;
}
