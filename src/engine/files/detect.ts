/**
 * Which format a file is in: from its name's extension first (the user named
 * it), then from its first bytes, then CSV for anything that looks like text.
 * Pure: a name and the file's head in, a format (or undefined) out.
 */
import type { FileFormat } from './types.js';

/** How many leading bytes detection looks at. */
export const HEAD_BYTES = 64 * 1024;

const EXTENSIONS: Readonly<Record<string, FileFormat>> = {
  csv: 'csv',
  tsv: 'csv',
  tab: 'csv',
  parquet: 'parquet',
  pq: 'parquet',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  arrow: 'arrow',
  arrows: 'arrow',
  feather: 'arrow',
  ipc: 'arrow',
};

/** Compression suffixes DuckDB's readers undo themselves (`data.csv.gz` is CSV). */
const COMPRESSION = new Set(['gz', 'zst']);

/** The format named by `name`'s extension (`data.CSV`, `x.csv.gz`, `https://h/p.parquet?sig=1`), if any. */
export function formatFromName(name: string | undefined): FileFormat | undefined {
  if (name === undefined) return undefined;
  const base = name.replace(/[?#].*$/, '').replace(/^.*[/\\]/, '').toLowerCase();
  const parts = base.split('.');
  if (parts.length < 2) return undefined;
  let ext = parts.pop()!;
  if (COMPRESSION.has(ext) && parts.length >= 2) ext = parts.pop()!;
  return EXTENSIONS[ext];
}

/** The format the bytes announce, if they announce one. */
export function formatFromBytes(head: Uint8Array): FileFormat | undefined {
  if (startsWith(head, PAR1)) return 'parquet';
  if (startsWith(head, ARROW1)) return 'arrow';
  // An IPC stream's first message starts with the continuation marker 0xFFFFFFFF.
  if (head.length >= 8 && head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff) return 'arrow';
  let i = skipSpace(head, head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0);
  if (head[i] === 0x5b /* [ */) return 'json';
  if (head[i] !== 0x7b /* { */) return undefined;
  // One object per line when a line break is followed by another object: a
  // pretty-printed single object cannot have `{` right after a line break
  // (inside an object every member starts with a key string).
  for (; i < head.length; i++) {
    if (head[i] !== 0x0a) continue;
    const next = skipSpace(head, i + 1);
    if (next < head.length) return head[next] === 0x7b ? 'ndjson' : 'json';
  }
  return 'json';
}

/** The format of a file named `name` starting with `head`: extension, magic bytes, then CSV for text. */
export function detectFormat(name: string | undefined, head: Uint8Array): FileFormat | undefined {
  return formatFromName(name) ?? formatFromBytes(head) ?? (looksLikeText(head) ? 'csv' : undefined);
}

/** Text has no NUL bytes (UTF-16 and binary formats do). */
function looksLikeText(head: Uint8Array): boolean {
  return head.length > 0 && !head.includes(0);
}

const PAR1 = [0x50, 0x41, 0x52, 0x31];
const ARROW1 = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function skipSpace(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return i;
}
