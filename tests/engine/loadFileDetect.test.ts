// Format detection and the pure byte helpers of loadFile: extension first, then
// magic bytes, then text; NDJSON framing; where a broken JSON text breaks.
import { describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { detectFormat, formatFromBytes, formatFromName } from '../../src/engine/files/detect.js';
import { jsonErrorOffset } from '../../src/engine/files/jsonPosition.js';
import { firstRecord, jsonErrorPosition, linesAsArray } from '../../src/engine/files/readers.js';
import { positionIn } from '../../src/engine/files/fileErrors.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('format detection', () => {
  it('reads extensions, case-insensitively, past compression suffixes, query strings and directories', () => {
    expect(formatFromName('/data/x.CSV')).toBe('csv');
    expect(formatFromName('x.tsv')).toBe('csv');
    expect(formatFromName('x.csv.gz')).toBe('csv');
    expect(formatFromName('https://h/a/b.parquet?sig=1#frag')).toBe('parquet');
    expect(formatFromName('events.jsonl')).toBe('ndjson');
    expect(formatFromName('t.feather')).toBe('arrow');
    expect(formatFromName('t.arrows')).toBe('arrow');
    expect(formatFromName('dir.parquet/file')).toBeUndefined();
    expect(formatFromName('README')).toBeUndefined();
    expect(formatFromName('x.gz')).toBeUndefined();
  });

  it('reads magic bytes: PAR1, ARROW1, the IPC continuation marker, [ and {', () => {
    const table = tableFromArrays({ a: Int32Array.from([1]) });
    expect(formatFromBytes(text('PAR1\x15\x04'))).toBe('parquet');
    expect(formatFromBytes(tableToIPC(table, 'file'))).toBe('arrow');
    expect(formatFromBytes(tableToIPC(table, 'stream'))).toBe('arrow');
    expect(formatFromBytes(text('  \n[{"a":1}]'))).toBe('json');
    expect(formatFromBytes(text('\ufeff[1]'))).toBe('json');
    expect(formatFromBytes(text('{"a":1}\n{"a":2}\n'))).toBe('ndjson');
    expect(formatFromBytes(text('{\n  "a": [1, 2]\n}\n'))).toBe('json');
    expect(formatFromBytes(text('{"a":1}'))).toBe('json');
    expect(formatFromBytes(text('a,b\n1,2\n'))).toBeUndefined();
  });

  it('prefers the extension, falls back to text as CSV, and gives up on binary', () => {
    expect(detectFormat('x.csv', text('PAR1'))).toBe('csv');
    expect(detectFormat(undefined, text('a,b\n1,2\n'))).toBe('csv');
    expect(detectFormat('blob', new Uint8Array([0, 1, 2]))).toBeUndefined();
    expect(detectFormat(undefined, new Uint8Array(0))).toBeUndefined();
  });
});

describe('JSON helpers', () => {
  it('frames NDJSON as one array, dropping blank lines and CRs', () => {
    const framed = new TextDecoder().decode(linesAsArray(text('{"a":1}\r\n\n  {"a":"x\\ny"}\n{"a":3}')));
    expect(JSON.parse(framed)).toEqual([{ a: 1 }, { a: 'x\ny' }, { a: 3 }]);
    expect(new TextDecoder().decode(linesAsArray(text('')))).toBe('[]');
  });

  it('finds the first record of an array, an object or NDJSON, braces in strings included', () => {
    expect(firstRecord(text('[{"a":"}{","b":{"c":1}},{"z":1}]'))).toEqual({ a: '}{', b: { c: 1 } });
    expect(firstRecord(text('{"x":1}\n{"y":2}'))).toEqual({ x: 1 });
    expect(firstRecord(text('[1,2]'))).toBeUndefined();
  });

  it('names where a JSON text breaks, and nothing for valid JSON', () => {
    for (const valid of ['[]', '{"a":[1,-2.5e3,true,false,null,"s\\"q"]}', ' [ {} ] ']) expect(jsonErrorOffset(valid), valid).toBe(-1);
    expect(jsonErrorOffset('[{"a": }]')).toBe(7);
    expect(jsonErrorOffset('[1,2')).toBe(4);
    expect(jsonErrorOffset('[1] x')).toBe(4);
    expect(jsonErrorOffset('{"a":01}')).toBe(6);
    expect(jsonErrorPosition(text('[{"a":1},\n{"a":}]'), 'json')).toEqual({ line: 2, byte: 15 });
    expect(jsonErrorPosition(text('{"a":1}\n\n{"a":,}\n'), 'ndjson')).toEqual({ line: 3 });
    expect(jsonErrorPosition(text('{"a":1}\n'), 'ndjson')).toBeUndefined();
  });

  it('reads positions out of DuckDB messages', () => {
    expect(positionIn('Conversion Error: CSV Error on Line: 30002\nOriginal Line: x')).toEqual({ line: 30002 });
    expect(positionIn('Malformed JSON in file "f", at byte 9 in line 4: unexpected')).toEqual({ line: 4, byte: 9 });
    expect(positionIn('at byte 7 in record/value 4')).toEqual({ byte: 7, row: 4 });
    expect(positionIn('No magic bytes found')).toEqual({});
  });
});
