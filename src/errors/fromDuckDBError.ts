/**
 * Turns what DuckDB-WASM throws (plain Errors whose message starts with DuckDB's
 * error type, e.g. "Out of Memory Error: failed to allocate ...") into the
 * library's typed errors, so recovery can tell a full memory budget (free
 * something, retry) from a wrong statement (never retry).
 */
import { DataPrismError, isDataPrismError, toError } from './DataPrismError.js';
import { EngineError } from './EngineError.js';
import { MemoryError } from './MemoryError.js';
import { QueryError } from './QueryError.js';

/** DuckDB's messages for an exhausted memory budget (its `memory_limit`, or the WASM heap). */
const OUT_OF_MEMORY = /out of memory|could not allocate|failed to allocate|memory limit|cannot allocate|allocation failure/i;

/**
 * Failures of the engine itself rather than of a statement: the database was
 * closed, the worker died, or DuckDB reports an internal/fatal error that
 * invalidates the database instance.
 */
const ENGINE_FAILURE = /^(FATAL|INTERNAL) Error|database (has been|is) (closed|invalidated)|worker (was )?terminated|connection (was )?closed|RuntimeError: (unreachable|memory access out of bounds)/i;

/**
 * Maps an error raised by DuckDB-WASM to the right DataPrismError:
 * - already a DataPrismError: returned as is;
 * - an out-of-memory message ("Out of Memory Error", "failed to allocate", ...) → MemoryError
 *   (category `resource`), whose message says to raise `memoryLimit` or free memory;
 * - an engine failure (FATAL/INTERNAL error, closed database, dead worker, a WASM trap) → EngineError;
 * - anything else → QueryError carrying `sql` (DuckDB's own message is kept: it names the
 *   table, column or syntax at fault).
 * The raw error is kept as `cause`.
 */
export function fromDuckDBError(error: unknown, sql?: string): DataPrismError {
  if (isDataPrismError(error)) return error;
  const raw = toError(error);
  const message = raw.message;
  const where = sql === undefined ? '' : ` while running: ${abbreviate(sql)}`;
  if (OUT_OF_MEMORY.test(message)) {
    return new MemoryError(
      `DuckDB ran out of memory${where}: ${message}. Raise memoryLimit, free resources (ResourceManager.cleanup()), or process the data in smaller batches.`,
      { component: 'engine', cause: raw },
    );
  }
  if (ENGINE_FAILURE.test(message) || raw.name === 'RuntimeError') {
    return new EngineError(`The DuckDB engine failed${where}: ${message}. Restart the engine (or the orchestrator).`, { component: 'engine', cause: raw });
  }
  const options = sql === undefined ? { cause: raw } : { cause: raw, sql };
  return new QueryError(message, options);
}

/** A statement shortened for a message. */
function abbreviate(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
