/**
 * The atomic part of `engine.loadFile`, inside one transaction. Where the
 * reader creates its table in one step (DuckDB's CREATE [OR REPLACE] TABLE AS,
 * or one Arrow insert after the old table is dropped) and the target is created
 * or replaced, the reader makes the target in place; otherwise (an append,
 * DuckDB-WASM's JSON import) a new, uniquely named table is filled and only once
 * it is complete takes the target's name or moves its rows into the target. A file
 * that fails midway leaves nothing behind (rolled back, and a temporary table
 * dropped), an existing table of that name is untouched, and other connections
 * never see a half-loaded table.
 */
import type { DataPrismError } from '../../errors/DataPrismError.js';
import { ValidationError } from '../../errors/ValidationError.js';
import { firstValue, resultAsTable, type BackendResult } from '../backend.js';
import { duckDBMessageOf, isCatalogError, toQueryError } from '../duckdbErrors.js';
import { quoteIdentifier, quoteLiteral } from '../sql.js';
import { detectFormat } from './detect.js';
import { checkAborted, formatName } from './fileErrors.js';
import { createsInOneStep, createTableFromFile, readsWithSql, runner, type ReaderContext } from './readers.js';
import type { ResolvedFile } from './source.js';
import type { ColumnInfo } from '../types.js';
import type { FileFormat, LoadFileOptions } from './types.js';

const FORMATS: readonly FileFormat[] = ['csv', 'parquet', 'json', 'ndjson', 'arrow'];

/**
 * A ValidationError for an option of the wrong type. The options reach SQL
 * (`header`, `delimiter`) and come from plugins as well as the host, so a
 * value that is not what its type says is refused, never written into a statement.
 */
export function checkFileOptions(options: LoadFileOptions): void {
  const wrong = (path: string, what: string, value: unknown) =>
    new ValidationError(`loadFile options.${path} must be ${what}; got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`, {
      issues: [{ path: `options.${path}`, message: `not ${what}` }],
    });
  if (options === null || typeof options !== 'object') throw wrong('', 'an object', options);
  if (options.header !== undefined && typeof options.header !== 'boolean') throw wrong('header', 'true or false', options.header);
  if (options.delimiter !== undefined && (typeof options.delimiter !== 'string' || options.delimiter.length === 0)) throw wrong('delimiter', 'a non-empty string', options.delimiter);
  if (options.maxBytes !== undefined && !(typeof options.maxBytes === 'number' && options.maxBytes > 0)) throw wrong('maxBytes', 'a positive number', options.maxBytes);
  if (options.downloadTimeoutMs !== undefined && !(typeof options.downloadTimeoutMs === 'number' && options.downloadTimeoutMs > 0)) {
    throw wrong('downloadTimeoutMs', 'a positive number of milliseconds (Infinity for no limit)', options.downloadTimeoutMs);
  }
  if (options.name !== undefined && typeof options.name !== 'string') throw wrong('name', 'a string', options.name);
  if (options.signal !== undefined && !(typeof AbortSignal !== 'undefined' && options.signal instanceof AbortSignal)) throw wrong('signal', 'an AbortSignal', options.signal);
}

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

/**
 * Loads `file` into `tableName` atomically; resolves with the rows loaded and the table's columns after the load.
 *
 * Round trips are counted (each is a worker message on DuckDB-WASM, a thread
 * pool hop on native, and the raw reader path makes one): in place, BEGIN rides
 * on the reader's statement, whose CREATE TABLE AS answers the row count (an
 * Arrow insert sends it, with a replace's DROP, while it decodes the file), then
 * DESCRIBE, then COMMIT — measured on native, the temporary table's rename and
 * the existence check cost 5% of a 1M-row Parquet load. Through a temporary
 * table, the existence check rides on BEGIN, the reader reports its rows where
 * it can (an Arrow insert knows them), one query describes the table (and counts
 * it when the reader could not), and the swap carries the COMMIT.
 */
export async function loadFileAtomically(
  ctx: ReaderContext,
  file: ResolvedFile,
  format: FileFormat,
  tableName: string,
  mode: 'create' | 'replace' | 'append',
  options: LoadFileOptions,
): Promise<{ rows: number; columns: ColumnInfo[] }> {
  if (file.size === 0) {
    throw new ValidationError(`${file.label} is empty (0 bytes): there is nothing to load as ${formatName(format)}`, { issues: [{ path: file.label, message: 'empty' }] });
  }
  checkAborted(options, file.label);
  const load = { ctx, file, format, tableName, options };
  return mode !== 'append' && createsInOneStep(ctx, format) ? loadInPlace(load, mode) : loadThroughTemp(load, mode);
}

/** One load's inputs. */
interface Load {
  readonly ctx: ReaderContext;
  readonly file: ResolvedFile;
  readonly format: FileFormat;
  readonly tableName: string;
  readonly options: LoadFileOptions;
}

/** Create or replace with a reader that creates its table in one step: the target is the reader's own table, inside the transaction. */
async function loadInPlace({ ctx, file, format, tableName, options }: Load, mode: 'create' | 'replace'): Promise<{ rows: number; columns: ColumnInfo[] }> {
  const run = runner(ctx);
  // BEGIN is sent with (or, for an insert, just before) the reader's statement; it is open until COMMIT or ROLLBACK.
  let open = true;
  try {
    let opening: string | undefined = 'BEGIN TRANSACTION';
    // An Arrow insert decodes the whole file before DuckDB could refuse the name: a create asks first.
    if (mode === 'create' && !readsWithSql(ctx, format)) {
      if ((firstValue(await run(`${opening};\n${tableExistsSql(tableName)}`)) as number) > 0) throw existsError(tableName);
      opening = undefined;
    }
    let counted: number | undefined;
    try {
      counted = await createTableFromFile(ctx, file, format, { name: tableName, replace: mode === 'replace', ...(opening === undefined ? {} : { opening }) }, options);
    } catch (error) {
      // As when it is asked first: an existing table is what a create hears, whatever else is wrong.
      if (mode === 'create') {
        open = false;
        await run('ROLLBACK').catch(() => undefined);
        if (await run(tableExistsSql(tableName)).then((result) => (firstValue(result) as number) > 0, () => false)) throw existsError(tableName);
      }
      throw isCatalogError(error) ? nameTakenError(error, file.label, tableName) : error;
    }
    const described = await describeTable(ctx, tableName, counted === undefined, file.label, format);
    checkAborted(options, file.label);
    await run('COMMIT');
    open = false;
    return { rows: counted ?? described.rows!, columns: described.columns };
  } finally {
    // A failed COMMIT has ended the transaction already; the ROLLBACK then fails, harmlessly.
    if (open) await run('ROLLBACK').catch(() => undefined);
  }
}

/** Into a temporary table first (an append, or a reader that inserts), which then takes the target's place or gives it its rows. */
async function loadThroughTemp({ ctx, file, format, tableName, options }: Load, mode: 'create' | 'replace' | 'append'): Promise<{ rows: number; columns: ColumnInfo[] }> {
  const run = runner(ctx);
  const target = quoteIdentifier(tableName);
  const temp = `__dataprism_load_${Date.now().toString(36)}_${++tempCounter}`;
  let committed = false;
  try {
    // Asked inside the transaction: the answer holds in the snapshot the swap runs in.
    const exists = (firstValue(await run(`BEGIN TRANSACTION;\n${tableExistsSql(tableName)}`)) as number) > 0;
    if (exists && mode === 'create') throw existsError(tableName);
    const counted = await createTableFromFile(ctx, file, format, { name: temp }, options);
    const described = await describeTable(ctx, temp, counted === undefined, file.label, format);
    const rows = counted ?? described.rows!;
    checkAborted(options, file.label);
    const append = exists && mode === 'append';
    const swap = append
      ? [`INSERT INTO ${target} BY NAME SELECT * FROM ${quoteIdentifier(temp)}`, `DROP TABLE ${quoteIdentifier(temp)}`]
      : [...(exists ? [`DROP TABLE ${target}`] : []), `ALTER TABLE ${quoteIdentifier(temp)} RENAME TO ${target}`];
    try {
      await run([...swap, 'COMMIT'].join(';\n'));
    } catch (error) {
      throw swapError(error, file.label, tableName, append, temp);
    }
    committed = true;
    // Renamed, the new table is the target and has the columns described; appended to, the target keeps its own.
    return { rows, columns: append ? (await describeTable(ctx, tableName, false, file.label, format)).columns : described.columns };
  } finally {
    if (!committed) {
      await run('ROLLBACK').catch(() => undefined);
      // An insert path that committed on its own must not leave its table either.
      await run(`DROP TABLE IF EXISTS ${quoteIdentifier(temp)}`).catch(() => undefined);
    }
  }
}

/**
 * DuckDB's catalog refused the target's name (a view of that name, say): the
 * caller's table name is the problem, not the file. The temporary table's name
 * is the caller's business no more than the registered copy of the file is.
 */
function nameTakenError(error: unknown, label: string, tableName: string, temp?: string): ValidationError {
  let message = duckDBMessageOf(error);
  if (temp !== undefined) message = message.split(`"${temp}"`).join('the loaded table');
  return new ValidationError(`${label} could not be loaded into '${tableName}': ${message}; something other than a table (a view, say) may hold that name — drop it, or load into another table name`, {
    issues: [{ path: 'tableName', message: 'name taken' }],
    cause: error,
  });
}

function existsError(tableName: string): ValidationError {
  return new ValidationError(`table '${tableName}' already exists; pass { mode: 'replace' } to overwrite it or { mode: 'append' } to add rows`, {
    issues: [{ path: 'tableName', message: 'exists' }],
  });
}

/** Why the finished table could not take its place: for an append, columns that do not match the table's; else DuckDB's error. */
function swapError(error: unknown, label: string, tableName: string, append: boolean, temp: string): DataPrismError {
  if (!append && isCatalogError(error)) return nameTakenError(error, label, tableName, temp);
  if (!append) return toQueryError(error, `loadFile into ${quoteIdentifier(tableName)}`, 'loadFile');
  const message = duckDBMessageOf(error);
  return new ValidationError(`${label} could not be appended to '${tableName}': ${message}; its columns must match the table's by name (or load it with mode 'replace')`, {
    issues: [{ path: 'options.mode', message: 'columns do not match' }],
    cause: error,
  });
}

/** One row, `n`: how many tables of this name (compared as DuckDB compares names) the current schema holds. */
function tableExistsSql(tableName: string): string {
  return `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE lower(table_name) = lower(${quoteLiteral(tableName)}) AND schema_name = current_schema() AND database_name = current_database()`;
}

/**
 * The table's columns and, with `count`, its rows, in one query on the load's own
 * connection (no second queue, no prepared statement). DESCRIBE looks up the one
 * table (duckdb_columns() lists every column of every table: 3x the CPU time on
 * native DuckDB) and names the types as duckdb_columns() does. Describing a table
 * the reader did not create fails: a ValidationError, as the reader produced none
 * (an Arrow stream without batches, say).
 */
async function describeTable(ctx: ReaderContext, table: string, count: boolean, label: string, format: FileFormat): Promise<{ rows?: number; columns: ColumnInfo[] }> {
  const name = quoteIdentifier(table);
  const rows = count ? `, (SELECT count(*) FROM ${name})::DOUBLE AS n` : '';
  let result: BackendResult;
  try {
    result = await ctx.backend.runQuery(ctx.conn, `SELECT column_name AS name, column_type AS type${rows} FROM (DESCRIBE ${name})`);
  } catch (cause) {
    if (!count) throw cause;
    throw new ValidationError(`${label} could not be loaded as ${formatName(format)}: the reader produced no table (is it empty, or not ${formatName(format)}?)`, {
      issues: [{ path: label, message: 'no table' }],
      cause,
    });
  }
  const described = resultAsTable(result).toArray() as { name: unknown; type: unknown; n?: number }[];
  const columns = described.map((row) => ({ name: String(row.name), type: String(row.type) }));
  return count ? { rows: described[0]?.n ?? 0, columns } : { columns };
}

/**
 * Loads into the same table one after the other. Two loads of one name would
 * otherwise both see "no such table", both fill a temporary table and collide
 * at the rename (DuckDB's write-write conflict): a `replace` would fail for no
 * reason of the caller's and a second `create` would not hear "already exists".
 * Keyed case-insensitively, as DuckDB compares names.
 */
export class TableQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(tableName: string, task: () => Promise<T>): Promise<T> {
    const key = tableName.toLowerCase();
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
