/**
 * Turns what DuckDB throws into the library's typed errors: an "Out of Memory
 * Error" becomes a MemoryError, anything else a QueryError carrying DuckDB's own
 * message (trimmed: no stacks, no minified source lines) and the statement.
 */
import { DataPrismError } from '../errors/DataPrismError.js';
import { MemoryError } from '../errors/MemoryError.js';
import { QueryError } from '../errors/QueryError.js';

const MAX_MESSAGE = 2000;
const MAX_LINE = 300;

/**
 * DuckDB's message without stack frames, repeated blocks or over-long lines.
 * Some paths report errors as JSON (`{"exception_type":"Parser","exception_message":...}`);
 * those are turned into DuckDB's usual `Parser Error: ...` text.
 */
export function trimDuckDBMessage(raw: string): string {
  const withoutStack = fromJsonError(raw)
    .split('\n')
    .filter((line) => !/^\s+at\s/.test(line))
    .map((line) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line))
    .join('\n');
  // duckdb-wasm repeats the "LINE n: ... ^" context block; keep each block once.
  const blocks: string[] = [];
  for (const block of withoutStack.split(/\n\s*\n/)) {
    const trimmed = block.trimEnd();
    if (trimmed.length > 0 && !blocks.includes(trimmed)) blocks.push(trimmed);
  }
  const message = blocks.join('\n\n');
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

/** True when DuckDB (or the WASM heap) ran out of memory. */
export function isOutOfMemory(message: string): boolean {
  return /Out of Memory Error|out of memory|memory access out of bounds|Cannot enlarge memory/i.test(message);
}

/** DuckDB's message of a failed statement's error, trimmed (see trimDuckDBMessage). */
export function duckDBMessageOf(error: unknown): string {
  return trimDuckDBMessage(error instanceof Error ? error.message : String(error));
}

/** True when DuckDB's catalog refused a statement (a name taken or missing): about names, never about a file's contents. */
export function isCatalogError(error: unknown): boolean {
  return /^Catalog Error:/.test(duckDBMessageOf(error));
}

/** A typed error for a failed statement; DataPrismErrors pass through unchanged. */
export function toQueryError(error: unknown, sql: string, operation = 'query'): DataPrismError {
  if (error instanceof DataPrismError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = trimDuckDBMessage(raw);
  if (isOutOfMemory(raw)) {
    return new MemoryError(
      `DuckDB ran out of memory during ${operation}: ${message} — raise memoryLimit, or reduce the data the statement touches`,
      { component: 'engine', cause: error },
    );
  }
  return new QueryError(message, { sql: shortSql(sql), cause: error, component: 'engine' });
}

/** The statement as attached to errors: at most 10 000 characters. */
export function shortSql(sql: string): string {
  return sql.length > 10_000 ? `${sql.slice(0, 10_000)}…` : sql;
}

function fromJsonError(raw: string): string {
  const text = raw.trim();
  if (!text.startsWith('{"exception_type"')) return raw;
  try {
    const parsed = JSON.parse(text) as { exception_type?: string; exception_message?: string };
    if (typeof parsed.exception_message !== 'string') return raw;
    return parsed.exception_type ? `${parsed.exception_type} Error: ${parsed.exception_message}` : parsed.exception_message;
  } catch {
    return raw;
  }
}
