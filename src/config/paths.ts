/**
 * Dotted keys and the plain trees they address: parsing keys, refusing the
 * keys that could reach a prototype, checking that values are JSON data, and
 * reading, merging and comparing trees without ever touching a prototype.
 */
import { ConfigError } from '../errors/ConfigError.js';
import type { ConfigChange, ConfigTree, ConfigValue } from './types.js';

/** Keys refused anywhere in a path or a document: they could reach `Object.prototype`. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** True for `{}`-like objects (no class instances, no arrays). */
export function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const keyCache = new Map<string, readonly string[]>();

/** Splits `a.b.c` into segments; refuses empty segments and forbidden keys with a ConfigError. */
export function parseKey(key: string): readonly string[] {
  const cached = keyCache.get(key);
  if (cached !== undefined) return cached;
  if (typeof key !== 'string' || key.length === 0) {
    throw new ConfigError(`Config key must be a non-empty dotted string like 'orchestrator.maxConcurrency', got ${JSON.stringify(key)}`);
  }
  const segments = key.split('.');
  for (const segment of segments) {
    if (segment.length === 0) throw new ConfigError(`Config key '${key}' has an empty segment; write keys like 'engine.threads'`, { key });
    if (FORBIDDEN_KEYS.has(segment)) {
      throw new ConfigError(`Config key '${key}' contains the forbidden key '${segment}' (it could modify object prototypes); rename it`, { key: segment });
    }
  }
  Object.freeze(segments);
  if (keyCache.size < 10_000) keyCache.set(key, segments);
  return segments;
}

/** Where a value came from, for error messages: a file name, `environment`, ... */
export interface Origin {
  file?: string;
}

/**
 * Checks that `value` is JSON data (plain objects, arrays, strings, finite numbers,
 * booleans, null) with no forbidden key and no `.` in a key. Throws ConfigError naming the key.
 */
export function assertConfigData(value: unknown, path: string, origin: Origin = {}): void {
  const where = origin.file !== undefined ? ` in ${origin.file}` : '';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(`Config value at '${path}'${where} must be a finite number, got ${value}`, { key: path, file: origin.file });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertConfigData(item, `${path}.${i}`, origin));
    return;
  }
  if (isPlainObject(value)) {
    for (const k of Object.keys(value)) {
      const child = path === '' ? k : `${path}.${k}`;
      if (FORBIDDEN_KEYS.has(k)) {
        throw new ConfigError(`Forbidden key '${k}' at '${child}'${where}: it could modify object prototypes; remove or rename it`, { key: child, file: origin.file });
      }
      if (k.length === 0 || k.includes('.')) {
        throw new ConfigError(`Config key ${JSON.stringify(k)} at '${path || '(root)'}'${where} must be non-empty and contain no '.', which separates key segments`, { key: child, file: origin.file });
      }
      assertConfigData(value[k], child, origin);
    }
    return;
  }
  const kind = value === undefined ? 'undefined' : typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
  throw new ConfigError(`Config value at '${path || '(root)'}'${where} must be JSON data (object, array, string, number, boolean or null), got ${kind}`, { key: path, file: origin.file });
}

/** The value at `segments`, or undefined. Only own properties are followed. */
export function getIn(tree: unknown, segments: readonly string[]): unknown {
  let current = tree;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Sets the value at `segments` in a mutable tree, creating (or replacing non-object) parents. */
export function setIn(tree: ConfigTree, segments: readonly string[], value: ConfigValue): void {
  let current: ConfigTree = tree;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    const next = hasOwn(current, segment) ? current[segment] : undefined;
    if (!isPlainObject(next)) current[segment] = {};
    current = current[segment] as ConfigTree;
  }
  current[segments[segments.length - 1]!] = value;
}

/** Removes the value at `segments` from a mutable tree; returns whether something was there. */
export function deleteIn(tree: ConfigTree, segments: readonly string[]): boolean {
  const parent = getIn(tree, segments.slice(0, -1));
  const last = segments[segments.length - 1]!;
  if (!isPlainObject(parent) || !hasOwn(parent, last)) return false;
  delete parent[last];
  return true;
}

/** A new tree: `over` deep-merged onto `base` (objects merge, everything else replaces). */
export function mergeTrees(base: ConfigTree, over: ConfigTree): ConfigTree {
  const out: ConfigTree = {};
  for (const k of Object.keys(base)) out[k] = base[k]!;
  for (const k of Object.keys(over)) {
    const a = hasOwn(out, k) ? out[k] : undefined;
    const b = over[k]!;
    out[k] = isPlainObject(a) && isPlainObject(b) ? mergeTrees(a as ConfigTree, b as ConfigTree) : b;
  }
  return out;
}

/** True when the dotted `path` lies inside `tree` (a leaf of it, or above one of its leaves). */
export function touches(tree: unknown, path: readonly string[]): boolean {
  let current = tree;
  for (const segment of path) {
    if (!isPlainObject(current)) return true; // a leaf of the tree covers everything below it
    if (!hasOwn(current, segment)) return false;
    current = current[segment];
  }
  return true;
}

function sameLeaf(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** Every leaf that differs between two trees, as changes from `before` to `after`. */
export function diffTrees(before: unknown, after: unknown, prefix = '', out: ConfigChange[] = []): ConfigChange[] {
  if (before === after) return out;
  const b = isPlainObject(before) ? before : undefined;
  const a = isPlainObject(after) ? after : undefined;
  // Recurse when both sides are objects, or one is an object and the other absent, so listeners hear of leaves.
  if ((b !== undefined || before === undefined) && (a !== undefined || after === undefined) && (a !== undefined || b !== undefined)) {
    const keys = new Set([...(b ? Object.keys(b) : []), ...(a ? Object.keys(a) : [])]);
    for (const k of keys) {
      diffTrees(b && hasOwn(b, k) ? b[k] : undefined, a && hasOwn(a, k) ? a[k] : undefined, prefix === '' ? k : `${prefix}.${k}`, out);
    }
    return out;
  }
  if (!sameLeaf(before, after)) out.push({ key: prefix, value: after, previous: before });
  return out;
}
