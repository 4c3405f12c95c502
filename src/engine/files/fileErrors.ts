/**
 * A reader's failure → a ValidationError naming the file, the format and the
 * position the reader reported (line, row or byte), with the reader's own
 * message. Internal names (the registered copy of the file) are replaced by the
 * caller's name for it, so a message never points at a path the caller never gave.
 */
import { DataPrismError } from '../../errors/DataPrismError.js';
import { MemoryError } from '../../errors/MemoryError.js';
import { ValidationError } from '../../errors/ValidationError.js';
import { isOutOfMemory, trimDuckDBMessage } from '../duckdbErrors.js';
import type { FileFormat, LoadFileOptions } from './types.js';

/** Where in a file a reader stopped. */
export interface FilePosition {
  line?: number;
  row?: number;
  byte?: number;
}

const PATTERNS: readonly [keyof FilePosition, RegExp][] = [
  ['line', /\bon line:?\s*(\d+)/i],
  ['line', /\bline:?\s+(\d+)/i],
  ['byte', /\bat byte\s+(\d+)/i],
  ['byte', /\bbyte(?: offset)?\s+(\d+)/i],
  ['byte', /\bat position\s+(\d+)/i],
  ['row', /\brow\s+(\d+)/i],
  ['row', /\brecord\/value\s+(\d+)/i],
];

/** The positions a reader's message names. */
export function positionIn(message: string): FilePosition {
  const position: FilePosition = {};
  for (const [key, pattern] of PATTERNS) {
    if (position[key] !== undefined) continue;
    const match = pattern.exec(message);
    if (match) position[key] = Number(match[1]);
  }
  return position;
}

/** `line 3, byte 17` — or '' when nothing is known. */
export function describePosition(position: FilePosition): string {
  const parts: string[] = [];
  if (position.line !== undefined) parts.push(`line ${position.line}`);
  if (position.row !== undefined) parts.push(`row ${position.row}`);
  if (position.byte !== undefined) parts.push(`byte ${position.byte}`);
  return parts.join(', ');
}

const FORMAT_NAMES: Readonly<Record<FileFormat, string>> = { csv: 'CSV', parquet: 'Parquet', json: 'JSON', ndjson: 'NDJSON', arrow: 'Arrow IPC' };

export function formatName(format: FileFormat): string {
  return FORMAT_NAMES[format];
}

/**
 * The typed error for a file `label` that could not be read as `format`.
 * `internalNames` are replaced by `label` in the reader's message; `position`
 * overrides what the message names (for readers that report none).
 */
export function fileError(error: unknown, label: string, format: FileFormat, internalNames: readonly string[], position?: FilePosition): DataPrismError {
  if (error instanceof DataPrismError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  // DuckDB's `LINE 1: <statement> ^` block quotes the engine's own statement, not the file.
  let message = trimDuckDBMessage(raw).replace(/\n*LINE \d+:[^\n]*(\n[^\n]*\^)?/g, '').trim();
  for (const name of internalNames) message = message.split(name).join(label);
  if (isOutOfMemory(raw)) {
    return new MemoryError(`DuckDB ran out of memory loading ${label}: ${message} — raise memoryLimit, or load a smaller file`, { component: 'engine', cause: error });
  }
  const where = describePosition(position ?? positionIn(message));
  const at = where ? ` at ${where}` : '';
  return new ValidationError(`${label} could not be loaded as ${formatName(format)}${at}: ${message}`, {
    issues: [{ path: where ? `${label} (${where})` : label, message }],
    cause: error,
  });
}

/** The error of a load `signal` stopped: its reason when that is one of ours (the engine closing), else a ValidationError naming the file. */
export function abortedError(signal: AbortSignal, label: string): DataPrismError {
  if (signal.reason instanceof DataPrismError) return signal.reason;
  return new ValidationError(`loading ${label} was aborted by options.signal; nothing was loaded`, { issues: [{ path: 'options.signal', message: 'aborted' }], cause: signal.reason });
}

/** The abort's error once `options.signal` is aborted. */
export function checkAborted(options: LoadFileOptions, label: string): void {
  if (options.signal?.aborted) throw abortedError(options.signal, label);
}
