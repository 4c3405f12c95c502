/**
 * The first object in a JSON text that names one key twice, found by one pass
 * over its bytes. Native DuckDB's `read_json` refuses such an object (`has
 * duplicate key`); DuckDB-WASM's JSON import silently keeps the first value. The
 * wasm backends ask this first, so a file either loads on every backend or on none.
 *
 * Keys are compared as spelled (byte for byte): a key written once plainly and
 * once with escapes (`"a"`, `"\u0061"`) is not caught here.
 */

/** Where a duplicate key was found: the key, its byte offset and line. */
export interface DuplicateKey {
  readonly key: string;
  readonly byte: number;
  readonly line: number;
}

/** Past this many keys an object's keys are kept in a Set rather than compared pairwise. */
const PAIRWISE_KEYS = 32;

export function findDuplicateKey(bytes: Uint8Array): DuplicateKey | undefined {
  // The keys of every open object, as [start, end) byte ranges, one flat list; `bases` holds where each open object's keys begin (-1: an array).
  const keys: number[] = [];
  const bases: number[] = [];
  const sets: (Set<string> | undefined)[] = [];
  let keyNext = false;
  const decoder = new TextDecoder();
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22 /* " */) {
      const start = i + 1;
      for (i = start; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++;
      // An unterminated string: not JSON, which the reader will say.
      if (i >= bytes.length) return undefined;
      const base = bases[bases.length - 1];
      if (!keyNext || base === undefined || base < 0) continue;
      keyNext = false;
      const end = i;
      let set = sets[sets.length - 1];
      if (set === undefined && (keys.length - base) / 2 >= PAIRWISE_KEYS) {
        set = new Set();
        for (let k = base; k < keys.length; k += 2) set.add(decoder.decode(bytes.subarray(keys[k], keys[k + 1])));
        sets[sets.length - 1] = set;
      }
      if (set !== undefined) {
        const key = decoder.decode(bytes.subarray(start, end));
        if (set.has(key)) return found(bytes, key, start - 1);
        set.add(key);
      } else if (sameAsOne(bytes, keys, base, start, end)) {
        return found(bytes, decoder.decode(bytes.subarray(start, end)), start - 1);
      }
      keys.push(start, end);
    } else if (b === 0x7b /* { */) {
      bases.push(keys.length);
      sets.push(undefined);
      keyNext = true;
    } else if (b === 0x5b /* [ */) {
      bases.push(-1);
      sets.push(undefined);
      keyNext = false;
    } else if (b === 0x7d /* } */ || b === 0x5d /* ] */) {
      const base = bases.pop();
      sets.pop();
      if (base !== undefined && base >= 0) keys.length = base;
      keyNext = false;
    } else if (b === 0x2c /* , */) {
      const base = bases[bases.length - 1];
      keyNext = base !== undefined && base >= 0;
    }
  }
  return undefined;
}

/** True when bytes [start, end) equal one of the key ranges of the object whose keys begin at `base`. */
function sameAsOne(bytes: Uint8Array, keys: readonly number[], base: number, start: number, end: number): boolean {
  const length = end - start;
  for (let k = base; k < keys.length; k += 2) {
    const from = keys[k]!;
    if (keys[k + 1]! - from !== length) continue;
    let same = true;
    for (let j = 0; j < length; j++) {
      if (bytes[from + j] !== bytes[start + j]) {
        same = false;
        break;
      }
    }
    if (same) return true;
  }
  return false;
}

function found(bytes: Uint8Array, key: string, byte: number): DuplicateKey {
  let line = 1;
  for (let i = 0; i < byte; i++) if (bytes[i] === 0x0a) line++;
  return { key, byte, line };
}
