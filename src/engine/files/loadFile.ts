/**
 * The atomic part of `engine.loadFile`: the file is read into a new, uniquely
 * named table inside a transaction, and only once it is complete does that
 * table take the target's name (create, replace) or its rows move into the
 * target (append) — in the same transaction. A file that fails midway leaves
 * nothing behind (rolled back, and the temporary table dropped), an existing
 * table of that name is untouched, and other connections never see a half-loaded table.
 */
import { DataPrismError } from '../../errors/DataPrismError.js';
import { ValidationError } from '../../errors/ValidationError.js';
import { resultAsTable, type BackendResult } from '../backend.js';
import { toQueryError, trimDuckDBMessage } from '../duckdbErrors.js';
import { quoteIdentifier, quoteLiteral } from '../sql.js';
import { detectFormat } from './detect.js';
import { formatName } from './fileErrors.js';
import { createTableFromFile, type ReaderContext } from './readers.js';
import type { ResolvedFile } from './source.js';
import type { ColumnInfo } from '../types.js';
import type { FileFormat, LoadFileOptions } from './types.js';

const FORMATS: readonly FileFormat[] = ['csv', 'parquet', 'json', 'ndjson', 'arrow'];

let tempCounter = 0;

/** The format given in `options`, or detected from the file; a ValidationError when neither says. */
export function formatOf(file: ResolvedFile, options: LoadFileOptions): FileFormat {
  if (options.format !== undefined) {
    if (!FORMATS.includes(options.format)) {
      throw new ValidationError(`loadFile format must be one of ${FORMATS.join(', ')}; got '${String(options.format)}'`, {
        issues: [{ path: 'options.format', message: 'invalid' }],
      });
    }
    return options.format;
  }
  const format = detectFormat(file.nameHint, file.head);
  if (format === undefined) {
    throw new ValidationError(`cannot tell the format of ${file.label}: its name has no known extension and its first bytes match none; pass options.format`, {
      issues: [{ path: 'options.format', message: 'not detected' }],
    });
  }
  return format;
}

/** Loads `file` into `tableName` atomically; resolves with the rows loaded and the table's columns after the load. */
export async function loadFileAtomically(
  ctx: ReaderContext,
  file: ResolvedFile,
  format: FileFormat,
  tableName: string,
  mode: 'create' | 'replace' | 'append',
  options: LoadFileOptions,
): Promise<{ rows: number; columns: ColumnInfo[] }> {
  const { backend, conn } = ctx;
  const run = (sql: string) => backend.runQuery(conn, sql);
  const target = quoteIdentifier(tableName);
  const temp = `__dataprism_load_${Date.now().toString(36)}_${++tempCounter}`;
  const exists = await tableExists(ctx, tableName);
  if (exists && mode === 'create') {
    throw new ValidationError(`table '${tableName}' already exists; pass { mode: 'replace' } to overwrite it or { mode: 'append' } to add rows`, {
      issues: [{ path: 'tableName', message: 'exists' }],
    });
  }
  checkAborted(options, file.label);
  await run('BEGIN TRANSACTION');
  let committed = false;
  try {
    await createTableFromFile(ctx, file, format, temp, options);
    const rows = await countRows(ctx, temp, file.label, format);
    checkAborted(options, file.label);
    // One call for the swap and the commit: each call is a worker round trip on DuckDB-WASM.
    const swap =
      exists && mode === 'append'
        ? [`INSERT INTO ${target} BY NAME SELECT * FROM ${quoteIdentifier(temp)}`, `DROP TABLE ${quoteIdentifier(temp)}`]
        : [...(exists ? [`DROP TABLE ${target}`] : []), `ALTER TABLE ${quoteIdentifier(temp)} RENAME TO ${target}`];
    try {
      await run([...swap, 'COMMIT'].join(';\n'));
    } catch (error) {
      throw swapError(error, file.label, tableName, exists && mode === 'append');
    }
    committed = true;
    return { rows, columns: await columnsOf(ctx, tableName) };
  } finally {
    if (!committed) {
      await run('ROLLBACK').catch(() => undefined);
      // An insert path that committed on its own must not leave its table either.
      await run(`DROP TABLE IF EXISTS ${quoteIdentifier(temp)}`).catch(() => undefined);
    }
  }
}

/** Why the finished table could not take its place: for an append, columns that do not match the table's; else DuckDB's error. */
function swapError(error: unknown, label: string, tableName: string, append: boolean): DataPrismError {
  if (!append) return toQueryError(error, `loadFile into ${quoteIdentifier(tableName)}`, 'loadFile');
  const message = trimDuckDBMessage(error instanceof Error ? error.message : String(error));
  return new ValidationError(`${label} could not be appended to '${tableName}': ${message}; its columns must match the table's by name (or load it with mode 'replace')`, {
    issues: [{ path: 'options.mode', message: 'columns do not match' }],
    cause: error,
  });
}

/** A ValidationError once `options.signal` is aborted (a DataPrismError reason is thrown as it is). */
function checkAborted(options: LoadFileOptions, label: string): void {
  const signal = options.signal;
  if (!signal?.aborted) return;
  if (signal.reason instanceof DataPrismError) throw signal.reason;
  throw new ValidationError(`loading ${label} was aborted by options.signal; nothing was loaded`, { issues: [{ path: 'options.signal', message: 'aborted' }], cause: signal.reason });
}

async function tableExists(ctx: ReaderContext, tableName: string): Promise<boolean> {
  const result = await ctx.backend.runQuery(
    ctx.conn,
    `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = ${quoteLiteral(tableName)} AND schema_name = current_schema() AND database_name = current_database()`,
  );
  return (resultAsTable(result).getChildAt(0)?.get(0) as number) > 0;
}

/** Rows of the new table; a ValidationError when the reader created none (an Arrow stream without batches, say). */
async function countRows(ctx: ReaderContext, temp: string, label: string, format: FileFormat): Promise<number> {
  let result: BackendResult;
  try {
    result = await ctx.backend.runQuery(ctx.conn, `SELECT count(*)::DOUBLE AS n FROM ${quoteIdentifier(temp)}`);
  } catch (cause) {
    throw new ValidationError(`${label} could not be loaded as ${formatName(format)}: the reader produced no table (is it empty, or not ${formatName(format)}?)`, {
      issues: [{ path: label, message: 'no table' }],
      cause,
    });
  }
  return resultAsTable(result).getChildAt(0)?.get(0) as number;
}

/** The table's columns, asked on the load's own connection (no second queue, no prepared statement). */
async function columnsOf(ctx: ReaderContext, tableName: string): Promise<ColumnInfo[]> {
  const result = await ctx.backend.runQuery(
    ctx.conn,
    `SELECT column_name AS name, data_type AS type FROM duckdb_columns() WHERE table_name = ${quoteLiteral(tableName)} AND schema_name = current_schema() AND database_name = current_database() ORDER BY column_index`,
  );
  return resultAsTable(result)
    .toArray()
    .map((row: { name: unknown; type: unknown }) => ({ name: String(row.name), type: String(row.type) }));
}
