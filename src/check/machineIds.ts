/**
 * Machine state ids: numbers the distinct abstracted snapshots a check meets, in
 * the order it meets them.
 *
 * With a user abstraction (`abstract`, `contextKeys`) a snapshot's identity is
 * its key text. With the default abstraction it is the state value, the
 * running children, the status and the context encoded as `defaultContextKey`
 * does; encoding every context into text and hashing that text into one large
 * map was the checker's largest cost where every state is new. So the default
 * hashes the context's fields directly and compares field by field when two
 * hashes meet, falling back to comparing the encodings only for contexts that
 * hold more than primitives and errors. Two snapshots get the same id exactly
 * when their key texts would be equal.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { defaultContextKey, encodeField, flatKey, machineKeyFunction, valueKey, type FieldAbstractions } from './abstraction.js';

/** Ids of abstracted snapshots, dense from 0. */
export interface MachineIds {
  id(snapshot: AnyMachineSnapshot): number;
  /** Ids handed out so far. */
  count(): number;
}

/** The ids for the abstraction the check options choose. */
export function machineIds(options: { abstract?: (snapshot: AnyMachineSnapshot) => unknown; contextKeys?: readonly string[]; abstractions?: FieldAbstractions }): MachineIds {
  if (options.abstract || options.contextKeys || options.abstractions) return keyedIds(machineKeyFunction(options));
  return new ContextIds();
}

function keyedIds(key: (snapshot: AnyMachineSnapshot) => string): MachineIds {
  const ids = new Map<string, number>();
  return {
    id(snapshot) {
      const k = key(snapshot);
      let id = ids.get(k);
      if (id === undefined) {
        id = ids.size;
        ids.set(k, id);
      }
      return id;
    },
    count: () => ids.size,
  };
}

class ContextIds implements MachineIds {
  /** Config ids by children ids, state value and status: nested maps of strings that already exist, so a lookup allocates nothing. */
  private readonly configIds = new Map<string, Map<string, Map<string, number>>>();
  private readonly childrenKeys = new WeakMap<object, string>();
  private configs = 0;
  private readonly buckets = new Map<number, number | number[]>();
  private readonly configOf: number[] = [];
  private readonly contextOf: unknown[] = [];
  /** The stored context's encoding, made only when a comparison needs it. */
  private readonly textOf: Array<string | undefined> = [];
  private n = 0;

  count(): number {
    return this.n;
  }

  id(snapshot: AnyMachineSnapshot): number {
    const config = this.configId(snapshot);
    const context = snapshot.context as unknown;
    const hash = (Math.imul(config + 1, 0x9e3779b1) ^ contextHash(context)) | 0;
    const bucket = this.buckets.get(hash);
    if (bucket !== undefined) {
      if (typeof bucket === 'number') {
        if (this.same(bucket, config, context)) return bucket;
      } else {
        for (const m of bucket) if (this.same(m, config, context)) return m;
      }
    }
    const id = this.n++;
    this.configOf.push(config);
    this.contextOf.push(context);
    this.textOf.push(undefined);
    if (bucket === undefined) this.buckets.set(hash, id);
    else if (typeof bucket === 'number') this.buckets.set(hash, [bucket, id]);
    else bucket.push(id);
    return id;
  }

  private configId(snapshot: AnyMachineSnapshot): number {
    const children = snapshot.children as object;
    let childrenKey = this.childrenKeys.get(children);
    if (childrenKey === undefined) {
      childrenKey = '';
      for (const id in children) childrenKey += `${id},`;
      childrenKey = flatKey(childrenKey);
      this.childrenKeys.set(children, childrenKey);
    }
    let byValue = this.configIds.get(childrenKey);
    if (!byValue) this.configIds.set(childrenKey, (byValue = new Map()));
    const value = valueKey(snapshot.value);
    let byStatus = byValue.get(value);
    if (!byStatus) byValue.set(value, (byStatus = new Map()));
    let id = byStatus.get(snapshot.status);
    if (id === undefined) byStatus.set(snapshot.status, (id = this.configs++));
    return id;
  }

  private same(m: number, config: number, context: unknown): boolean {
    if (this.configOf[m] !== config) return false;
    const stored = this.contextOf[m];
    if (stored === context) return true;
    const flat = sameFlatContext(stored, context);
    if (flat !== undefined) return flat;
    const text = (this.textOf[m] ??= defaultContextKey(stored));
    return text === defaultContextKey(context);
  }
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** Equal encodings give equal hashes: -0 and 0, every NaN, and a bigint and the number that print alike hash alike. */
function numberHash(v: number): number {
  if (v === 0) return 0;
  if (v !== v) return 0x7ff8;
  if ((v | 0) === v) return v;
  F64[0] = v;
  return (U32[0]! ^ Math.imul(U32[1]!, 31)) | 0;
}

function stringHash(s: string): number {
  const n = s.length;
  return n === 0 ? 1 : (Math.imul(n, 0x9e3779b1) ^ Math.imul(s.charCodeAt(0), 31) ^ s.charCodeAt(n - 1)) | 0;
}

/**
 * A hash of the fields `defaultContextKey` encodes, in its order. It may merge
 * more than the encoding does (some values only contribute their kind), never
 * less: comparisons settle the rest.
 */
function contextHash(context: unknown): number {
  if (typeof context !== 'object' || context === null) return 0;
  let h = 0x811c9dc5 | 0;
  const record = context as Record<string, unknown>;
  for (const k in record) {
    const v = record[k];
    let x: number;
    switch (typeof v) {
      case 'number':
        x = numberHash(v);
        break;
      case 'string':
        x = stringHash(v) ^ 0x5bd1e995;
        break;
      case 'boolean':
        x = v ? 0x1b873593 : 0x2e1b2138;
        break;
      case 'undefined':
        x = 0x3c6ef372;
        break;
      case 'bigint': {
        const n = Number(v);
        x = String(n) === String(v) ? numberHash(n) : 0x6a09e667;
        break;
      }
      case 'function':
      case 'symbol':
        // Encoded by identity; the comparison tells identities apart.
        x = 0x243f6a88;
        break;
      default: {
        if (v === null) x = 0x510e527f;
        else if (v instanceof Error) x = 0x1f83d9ab;
        else if (Array.isArray(v) && flatArray(v)) x = 0x9b05688c ^ v.length;
        // Any other structure is encoded once here, which also refuses, naming the field, what cannot be encoded.
        else x = stringHash(encodeField(v, k)) ^ 0x5be0cd19;
      }
    }
    h = Math.imul(h ^ stringHash(k), 16777619);
    h = Math.imul(h ^ x, 16777619);
  }
  return h;
}

/** An array of primitives only (no structure that could hold something unencodable). */
function flatArray(values: readonly unknown[]): boolean {
  for (const v of values) if (typeof v === 'object' && v !== null) return false;
  return true;
}

/**
 * Whether two contexts encode alike, decided without encoding them when every
 * field holds a primitive or an error; undefined when some field holds anything
 * else (the caller compares encodings).
 */
function sameFlatContext(a: unknown, b: unknown): boolean | undefined {
  if (!isPlainRecord(a) || !isPlainRecord(b)) return undefined;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  const kb = Object.keys(rb);
  if (ka.length !== kb.length) return hasOnlyFlat(ra, ka) && hasOnlyFlat(rb, kb) ? false : undefined;
  let same = true;
  for (let i = 0; i < ka.length; i++) {
    const va = ra[ka[i]!];
    const vb = rb[kb[i]!];
    if (!isFlat(va) || !isFlat(vb)) return undefined;
    if (same && (ka[i] !== kb[i] || !sameFlatValue(va, vb))) same = false;
  }
  return same;
}

/** Own keys are all its enumerable keys (the encoding also walks inherited ones). */
function isPlainRecord(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function hasOnlyFlat(record: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const k of keys) if (!isFlat(record[k])) return false;
  return true;
}

/** A value the encoding writes on its own: a primitive (not a symbol) or an error. */
function isFlat(v: unknown): boolean {
  const t = typeof v;
  return t === 'number' || t === 'string' || t === 'boolean' || t === 'undefined' || t === 'bigint' || v === null || v instanceof Error;
}

/** Equal exactly when `encodeValue` writes both alike. */
function sameFlatValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'number' && tb === 'number') return a !== a && b !== b;
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) return String(a) === String(b);
  if (a instanceof Error && b instanceof Error) return a.name === b.name && a.message === b.message;
  return false;
}
