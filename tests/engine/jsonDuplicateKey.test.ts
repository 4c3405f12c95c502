// findDuplicateKey: what the wasm backends ask before DuckDB-WASM's JSON import,
// which would keep the first of two values silently (read_json refuses them).
import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from '../../src/engine/files/jsonDuplicateKey.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('findDuplicateKey', () => {
  it('finds a key named twice in one object, with its line and byte', () => {
    expect(findDuplicateKey(bytes('[{"a": 1},\n {"a": 1, "b": 2, "a": 3}]'))).toEqual({ key: 'a', byte: 29, line: 2 });
    expect(findDuplicateKey(bytes('{"x": 1}\n{"y": {"z": 1, "z": 2}}\n'))).toMatchObject({ key: 'z', line: 2 });
  });

  it('does not mistake the same key in sibling or nested objects, values, or strings holding braces and quotes for a duplicate', () => {
    expect(findDuplicateKey(bytes('[{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}, {"a": "a"}]'))).toBeUndefined();
    expect(findDuplicateKey(bytes('[{"a": "{\\"a\\": 1, \\"a\\": 2}", "k\\"": 1, "k": 2}]'))).toBeUndefined();
    expect(findDuplicateKey(bytes('[{"ab": 1, "a": 2, "b": 3, "ba": 4}]'))).toBeUndefined();
    expect(findDuplicateKey(bytes('[1, "a", "a", {"a": ["a", "a"]}]'))).toBeUndefined();
  });

  it('finds a duplicate among many keys (past the pairwise comparison) and in non-ASCII keys', () => {
    const wide = Array.from({ length: 200 }, (_, i) => `"k${i}": ${i}`).join(', ');
    expect(findDuplicateKey(bytes(`[{${wide}}]`))).toBeUndefined();
    expect(findDuplicateKey(bytes(`[{${wide}, "k7": 0}]`))).toMatchObject({ key: 'k7' });
    expect(findDuplicateKey(bytes('[{"é": 1, "è": 2, "é": 3}]'))).toMatchObject({ key: 'é' });
  });

  it('survives what is not JSON: unterminated strings and unbalanced brackets', () => {
    expect(findDuplicateKey(bytes('[{"a": 1, "a'))).toBeUndefined();
    expect(findDuplicateKey(bytes('}}]]{"a": 1}'))).toBeUndefined();
    expect(findDuplicateKey(bytes(''))).toBeUndefined();
  });
});
