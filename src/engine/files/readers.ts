/**
 * One reader per format and backend, each filling a new table from a resolved
 * file. DuckDB's own readers wherever the engine has them (they stream, sniff
 * types and report positions): `read_csv` everywhere, `read_parquet` and
 * `read_json` on native DuckDB. Where DuckDB-WASM lacks them offline: Parquet
 * through parquet-wasm (→ Arrow IPC → DuckDB's Arrow insert), JSON through
 * DuckDB-WASM's own JSON import. Arrow IPC is checked by this package's
 * apache-arrow and inserted as an IPC stream. Where the two JSON readers would
 * answer differently (fields of mixed types, null-only fields, files of scalars,
 * duplicate keys), the engine settles on one answer for both.
 */
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { ValidationError } from '../../errors/ValidationError.js';
import { firstValue, resultAsTable, type BackendResult, type DuckDBBackend } from '../backend.js';
import { HOST_FILES_DIRECTORY } from '../access.js';
import { checkArrowSchema, float16AsFloat32 } from '../arrowSchema.js';
import { isCatalogError } from '../duckdbErrors.js';
import { quoteIdentifier, quoteLiteral } from '../sql.js';
import { checkAborted, fileError, formatName, type FilePosition } from './fileErrors.js';
import { jsonDepthOverflow, MAX_JSON_DEPTH } from './jsonDepth.js';
import { findDuplicateKey } from './jsonDuplicateKey.js';
import { jsonErrorOffset } from './jsonPosition.js';
import type { ResolvedFile } from './source.js';
import type { FileFormat, LoadFileOptions, ParquetWasmModule } from './types.js';

/** What a reader works with: one leased connection and what this DuckDB has. */
export interface ReaderContext {
  readonly backend: DuckDBBackend;
  readonly conn: number;
  /** DuckDB's table functions, lower-case (read when the engine opened). */
  readonly tableFunctions: ReadonlySet<string>;
  /** parquet-wasm, imported or given (engineOptions.parquet), for a DuckDB without `read_parquet`. */
  readonly parquet: () => Promise<ParquetWasmModule>;
}

/**
 * Runs SQL on the load's connection; a backend that throws synchronously (the
 * blocking one) rejects instead, so a `.catch` on a cleanup statement holds. The
 * statement is sent when called (an async function runs up to its first await).
 */
export function runner(ctx: ReaderContext): (sql: string) => Promise<BackendResult> {
  return async (sql) => ctx.backend.runQuery(ctx.conn, sql);
}

/** parquet-wasm's batch size: its default (1024 rows) makes decoding 4× slower, measured on 1M rows. */
const PARQUET_BATCH_ROWS = 122_880;

/**
 * The fewest rows decoded and inserted as one piece of a Parquet file of many
 * row groups: two of DuckDB's row groups (122 880 rows each). Each piece costs a
 * decode set-up and an insert; measured on 1M rows in a worker, pieces of one
 * such group took 10-15% more CPU time than one piece, of two 5-10%, for about
 * the same gain in wall time.
 */
const PARQUET_PIECE_ROWS = 245_760;

let fileCounter = 0;

/**
 * The table a reader fills. `replace` and `opening` are for readers that create
 * their table in one step (`createsInOneStep`), which can then be the load's
 * target itself, inside the load's transaction: DuckDB's CREATE [OR REPLACE]
 * TABLE AS carries `opening` in its round trip; an Arrow insert sends `opening`
 * (and, for `replace`, drops the old table, which other connections still see
 * until COMMIT) before it reads and decodes the file, so that round trip
 * overlaps the decoding, and inserts once it is done.
 */
export interface CreateTarget {
  readonly name: string;
  /** Replace a table of that name, inside the load's transaction. */
  readonly replace?: boolean;
  /** Statements run on the load's connection before the reader's (the load's BEGIN). */
  readonly opening?: string;
}

/** True when `format` is read here by one of DuckDB's table functions (one CREATE TABLE AS), not inserted. */
export function readsWithSql(ctx: ReaderContext, format: FileFormat): boolean {
  if (format === 'arrow') return false;
  if (format === 'parquet') return ctx.tableFunctions.has('read_parquet');
  if (format === 'json' || format === 'ndjson') return ctx.tableFunctions.has('read_json');
  return true;
}

/**
 * True when the reader creates its table in one step: one of DuckDB's readers
 * (CREATE TABLE AS) or one Arrow insert (an Arrow IPC file; Parquet through
 * parquet-wasm). DuckDB-WASM's JSON import fills a staging table first.
 */
export function createsInOneStep(ctx: ReaderContext, format: FileFormat): boolean {
  return readsWithSql(ctx, format) || format === 'arrow' || format === 'parquet';
}

/**
 * Creates the table `target.name` (which must not exist, unless `target.replace`)
 * from `file` read as `format`. Resolves with the rows it created where the
 * reader says (CREATE TABLE AS answers a count; an Arrow insert knows its
 * batches), else undefined: the caller counts them, which also tells whether a
 * table was created at all.
 */
export async function createTableFromFile(ctx: ReaderContext, file: ResolvedFile, format: FileFormat, target: CreateTarget, options: LoadFileOptions): Promise<number | undefined> {
  const sql = readsWithSql(ctx, format);
  if (!createsInOneStep(ctx, format) && (target.replace === true || target.opening !== undefined)) {
    throw new Error(`the ${format} reader here fills a staging table first; it cannot replace a table or open a transaction`);
  }
  const table = target.name;
  if (format === 'json' || format === 'ndjson') checkJsonDepth(await file.bytes(), file.label, format);
  if (format === 'arrow') return insertArrow(ctx, file, target, options);
  if (format === 'parquet' && !sql) return insertParquetWasm(ctx, file, target, options);
  if ((format === 'json' || format === 'ndjson') && !sql) return insertJsonWasm(ctx, file, format, table);
  let rows: number | undefined;
  await withRegisteredFile(ctx, file, format, async (path, internal) => {
    const create = `CREATE ${target.replace === true ? 'OR REPLACE ' : ''}TABLE ${quoteIdentifier(table)} AS FROM ${readerCall(format, path, options)}`;
    try {
      const created = await ctx.backend.runQuery(ctx.conn, target.opening === undefined ? create : `${target.opening};\n${create}`);
      const count = firstValue(created);
      rows = typeof count === 'bigint' || typeof count === 'number' ? Number(count) : undefined;
    } catch (error) {
      // The target's name taken by something else (a view, say): not the file's fault; the caller says so.
      if (isCatalogError(error)) throw error;
      if ((format === 'json' || format === 'ndjson') && holdsNoRecords(error, await file.bytes(), format)) throw noRecords(file.label, format, error);
      throw fileError(error, file.label, format, internal);
    }
  });
  if (format === 'json' || format === 'ndjson') await settleJsonColumns(ctx, table, file.label, format);
  return rows;
}

/**
 * `read_json` types a field whose values mix types (a number here, a string
 * there) as JSON, and a field that is null everywhere as JSON too; DuckDB-WASM's
 * JSON import refuses the first and makes the second BIGINT. So both backends
 * answer the same: the null-only field becomes BIGINT, the mixed one a
 * ValidationError naming it (mixedTypes).
 */
async function settleJsonColumns(ctx: ReaderContext, table: string, label: string, format: 'json' | 'ndjson'): Promise<void> {
  const columns = await describeColumns(ctx, table);
  for (const { name, type } of columns) {
    if (type !== 'JSON') continue;
    const column = quoteIdentifier(name);
    const counted = await ctx.backend.runQuery(ctx.conn, `SELECT count(${column})::DOUBLE AS n FROM ${quoteIdentifier(table)}`);
    if ((resultAsTable(counted).getChildAt(0)?.get(0) as number) > 0) throw mixedTypes(label, format, name, undefined);
    await ctx.backend.runQuery(ctx.conn, `ALTER TABLE ${quoteIdentifier(table)} ALTER ${column} TYPE BIGINT`);
  }
}

/** The columns of `table` (which this connection created), in order. */
async function describeColumns(ctx: ReaderContext, table: string): Promise<{ name: string; type: string }[]> {
  const described = await ctx.backend.runQuery(
    ctx.conn,
    `SELECT column_name AS name, data_type AS type FROM duckdb_columns() WHERE table_name = ${quoteLiteral(table)} AND schema_name = current_schema() AND database_name = current_database() ORDER BY column_index`,
  );
  return resultAsTable(described)
    .toArray()
    .map((row: { name: unknown; type: unknown }) => ({ name: String(row.name), type: String(row.type) }));
}

/** True when a JSON reader failed because a value of the file is not an object with a field (a scalar, `[]`, `[{}]`, `[{"a": 1}, 2]`). */
function holdsNoRecords(error: unknown, bytes: Uint8Array, format: 'json' | 'ndjson'): boolean {
  const message = error instanceof Error ? error.message : String(error);
  if (/expected records, but got non-record JSON|Table type not specified|must have at least one column|Expected array or object or null, got/i.test(message)) return true;
  // Only a file that parses: a syntax error in the first object is a syntax error.
  if (jsonErrorPosition(bytes, format) !== undefined) return false;
  const first = firstRecord(bytes);
  return first === undefined || Object.keys(first).length === 0;
}

function noRecords(label: string, format: 'json' | 'ndjson', cause: unknown): ValidationError {
  return new ValidationError(
    `${label} could not be loaded as ${formatName(format)}: not every value in it is a record (an object with at least one field); loadFile reads ${format === 'json' ? 'an array of objects, or one object' : 'one object per line'} — a scalar, or an array holding scalars, is not a table`,
    { issues: [{ path: label, message: 'not records' }], cause },
  );
}

/** The error for a field whose values are of more than one JSON type, on every backend. */
function mixedTypes(label: string, format: 'json' | 'ndjson', field: string, detail: string | undefined, cause?: unknown): ValidationError {
  return new ValidationError(
    `${label} could not be loaded as ${formatName(format)}: field "${field}" holds values of more than one type${detail ? ` (${detail})` : ''}; give each field one type (numbers, strings, booleans, objects or arrays, and nulls), or load the values as strings`,
    { issues: [{ path: `${label} (field ${field})`, message: 'mixed types' }], cause },
  );
}

/** DuckDB's table function for `format` on `path`. */
function readerCall(format: FileFormat, path: string, options: LoadFileOptions): string {
  const file = quoteLiteral(path);
  switch (format) {
    case 'csv': {
      const header = options.header === undefined ? '' : `, header = ${options.header === true}`;
      const delimiter = options.delimiter === undefined ? '' : `, delim = ${quoteLiteral(options.delimiter)}`;
      return `read_csv(${file}${header}${delimiter})`;
    }
    case 'parquet':
      return `read_parquet(${file})`;
    // records: a file of scalars is refused, as DuckDB-WASM's JSON import refuses it.
    case 'json':
      return `read_json(${file}, format = 'auto', records = 'true')`;
    case 'ndjson':
      return `read_json(${file}, format = 'newline_delimited', records = 'true')`;
    case 'arrow':
      throw new Error('Arrow IPC is inserted, not read by SQL');
  }
}

/**
 * Runs `use` with `file` registered where DuckDB may read it (the engine's
 * host-files directory): linked in place when the backend reads the host's disk,
 * else as bytes. The registration is dropped afterwards, whatever happens.
 */
async function withRegisteredFile(
  ctx: ReaderContext,
  file: ResolvedFile,
  format: FileFormat,
  use: (duckdbPath: string, internalNames: string[]) => Promise<void>,
  bytes?: Uint8Array,
): Promise<void> {
  const { backend } = ctx;
  const base = `load_${Date.now().toString(36)}_${++fileCounter}_${safeBaseName(file.nameHint, format)}`;
  const name = `${HOST_FILES_DIRECTORY}${base}`;
  const duckdbPath = backend.filesDirectory === undefined ? name : `${backend.filesDirectory}/${base}`;
  if (bytes === undefined && file.localPath !== undefined && backend.registerFilePath) await backend.registerFilePath(name, file.localPath);
  else await backend.registerFileBuffer(name, bytes ?? (await file.bytes()));
  try {
    await use(duckdbPath, [duckdbPath, name]);
  } finally {
    await backend.dropFile(name).catch(() => undefined);
  }
}

/**
 * A file name DuckDB can use: the caller's base name reduced to safe characters,
 * keeping its extension (DuckDB undoes `.gz` / `.zst` by the name), or one for the format.
 */
function safeBaseName(nameHint: string | undefined, format: FileFormat): string {
  const base = (nameHint ?? '').replace(/[?#].*$/, '').replace(/^.*[/\\]/, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(-80);
  return /\.[A-Za-z0-9]+$/.test(base) ? base : `${base || 'file'}.${format}`;
}

async function insertArrow(ctx: ReaderContext, file: ResolvedFile, target: CreateTarget, options: LoadFileOptions): Promise<number | undefined> {
  let rows = 0;
  // The file as one IPC stream DuckDB reads, checked (and `rows` counted) on the way.
  async function* asStream(): AsyncGenerator<Uint8Array> {
    const bytes = await file.bytes();
    let decoded: Table;
    try {
      decoded = tableFromIPC(bytes);
    } catch (error) {
      throw fileError(error, file.label, 'arrow', []);
    }
    if (decoded.schema.fields.length === 0) throw noColumns(file.label, 'arrow');
    try {
      checkArrowSchema(decoded.schema);
    } catch (error) {
      const { message, issues } = error as ValidationError;
      throw new ValidationError(`${file.label} could not be loaded as Arrow IPC: ${message}`, { issues, cause: error });
    }
    rows = decoded.numRows;
    const settled = float16AsFloat32(decoded);
    // DuckDB-WASM reads IPC streams only; the file format (ARROW1) is re-framed as one, and Float16 columns made Float32 are written anew.
    yield settled !== decoded || (bytes[0] === 0x41 /* A */ && ctx.backend.mode !== 'native') ? tableToIPC(settled, 'stream') : bytes;
  }
  await insertIpc(ctx, file, 'arrow', target, options, asStream());
  // A stream without rows may create no table on DuckDB-WASM: the caller's count finds out.
  return rows > 0 ? rows : undefined;
}

async function insertParquetWasm(ctx: ReaderContext, file: ResolvedFile, target: CreateTarget, options: LoadFileOptions): Promise<undefined> {
  // Each piece decodes only when the insert loop asks for it, while the piece before it is inserted.
  async function* pieces(): AsyncGenerator<Uint8Array> {
    const module = await ctx.parquet();
    const bytes = await file.bytes();
    for (const rowGroups of (await rowGroupPieces(module, bytes)) ?? [undefined]) {
      let ipc: Uint8Array;
      try {
        ipc = module.readParquet(bytes, { batchSize: PARQUET_BATCH_ROWS, ...(rowGroups === undefined ? {} : { rowGroups }) }).intoIPCStream();
      } catch (error) {
        throw fileError(error, file.label, 'parquet', []);
      }
      yield ipc;
    }
  }
  await insertIpc(ctx, file, 'parquet', target, options, pieces());
  return undefined;
}

/**
 * The file's row groups in runs of at least PARQUET_PIECE_ROWS rows, read from
 * its footer; undefined (decode it in one piece) when it has one run, or no
 * footer parquet-wasm reads (the decoder then says what is wrong with the file).
 * Only the footer is handed to parquet-wasm: a Blob of the whole file would copy it.
 * A file of one row group (pyarrow writes up to 1Mi rows in one) is decoded whole:
 * parquet-wasm's offset and limit decode from the group's start, 8 slices of one
 * 1M-row group took 2× as long as the whole, measured.
 */
async function rowGroupPieces(module: ParquetWasmModule, bytes: Uint8Array): Promise<number[][] | undefined> {
  // The Parquet file ends with the footer's length (u32, little endian) and "PAR1".
  if (module.ParquetFile === undefined || bytes.length < 12) return undefined;
  const tail = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
  if (tail.getUint32(4, true) !== 0x31524150 /* PAR1 */) return undefined;
  const footerStart = bytes.length - 8 - tail.getUint32(0, true);
  if (footerStart < 4) return undefined;
  let sizes: number[];
  try {
    const footer = await module.ParquetFile.fromFile(new Blob([bytes.slice(footerStart)]));
    const metadata = footer.metadata();
    sizes = metadata.rowGroups().map((group) => {
      const rows = group.numRows();
      group.free();
      return rows;
    });
    metadata.free();
    footer.free();
  } catch {
    return undefined;
  }
  const pieces: number[][] = [];
  let piece: number[] = [];
  let rows = 0;
  sizes.forEach((size, index) => {
    piece.push(index);
    rows += size;
    if (rows >= PARQUET_PIECE_ROWS) {
      pieces.push(piece);
      piece = [];
      rows = 0;
    }
  });
  if (piece.length > 0) pieces.push(piece);
  return pieces.length > 1 ? pieces : undefined;
}

/**
 * Inserts the Arrow IPC streams of `pieces` (each read and decoded when asked for), one after the other,
 * as the new table `target.name`: the first creates it, the rest append. The
 * target's opening (see CreateTarget) is sent first, so its round trip overlaps
 * reading the file; each piece decodes while the one before it is inserted (on
 * DuckDB-WASM in a worker, on the other core). Measured in a worker on a 1M-row
 * Parquet file of 9 row groups: in one piece, decoding took 200-300 ms and the
 * insert 240-290 ms; in pieces of two groups the load had 1.14-1.32x the
 * throughput of the one-piece raw path (bench/loadFile.bench.ts). BEGIN with the existence
 * check took 5-8 ms, and the first statement after a transfer waits 8-14 ms
 * while the worker collects the transferred IPC: sent ahead, the opening and the
 * previous load's collection pass during decoding. An aborted `options.signal`
 * (the caller's, or the engine closing) stops the load before the next piece decodes.
 */
async function insertIpc(
  ctx: ReaderContext,
  file: ResolvedFile,
  format: 'arrow' | 'parquet',
  target: CreateTarget,
  options: LoadFileOptions,
  pieces: AsyncIterable<Uint8Array>,
): Promise<void> {
  const before = [...(target.opening === undefined ? [] : [target.opening]), ...(target.replace === true ? [`DROP TABLE IF EXISTS ${quoteIdentifier(target.name)}`] : [])];
  // A step's failure is read when it is awaited; it must not be an unhandled rejection while the next piece decodes.
  const quietly = (step: Promise<unknown>) => {
    step.catch(() => undefined);
    return step;
  };
  // What runs on the connection now: the opening (on its way before the decoding starts), then each insert.
  let running = quietly(before.length === 0 ? Promise.resolve() : runner(ctx)(before.join(';\n')));
  let created = false;
  try {
    for await (const ipc of pieces) {
      // The opening's failure is the caller's to read (a view holding the name is a catalog error, not the file's).
      await running;
      running = quietly(insertPiece(ctx, file, format, target.name, ipc, !created));
      created = true;
      // Asked before the next piece decodes (the loop's next step).
      checkAborted(options, file.label);
    }
    await running;
  } catch (error) {
    // Whatever is still on the connection ends before the caller's ROLLBACK follows.
    await running.catch(() => undefined);
    throw error;
  }
}

async function insertPiece(ctx: ReaderContext, file: ResolvedFile, format: 'arrow' | 'parquet', table: string, ipc: Uint8Array, create: boolean): Promise<void> {
  try {
    await ctx.backend.insertArrowIPC(ctx.conn, ipc, { name: table, create });
  } catch (error) {
    if (isCatalogError(error)) throw error;
    throw fileError(error, file.label, format, []);
  }
}

/**
 * DuckDB-WASM's JSON import reads one array of objects; one object, or one per
 * line (NDJSON), is framed as such an array first. It names no position when it
 * fails, so the file is parsed again (only then) to find one.
 */
async function insertJsonWasm(ctx: ReaderContext, file: ResolvedFile, format: 'json' | 'ndjson', table: string): Promise<undefined> {
  const original = await file.bytes();
  // read_json (native) refuses an object naming a key twice; the import would keep the first value.
  const duplicate = findDuplicateKey(original);
  if (duplicate !== undefined) {
    const where = `line ${duplicate.line}, byte ${duplicate.byte}`;
    throw new ValidationError(
      `${file.label} could not be loaded as ${formatName(format)} at ${where}: an object has duplicate key ${JSON.stringify(duplicate.key)}; give each field of an object one name`,
      { issues: [{ path: `${file.label} (${where})`, message: 'duplicate key' }] },
    );
  }
  const framed = format === 'ndjson' ? linesAsArray(original) : startsWithObject(original) ? wrapInArray(original) : original;
  const staging = `${table}_json`;
  await withRegisteredFile(
    ctx,
    file,
    'json',
    async (path, internal) => {
      try {
        await ctx.backend.insertJSON(ctx.conn, path, { name: staging, create: true });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const mixed = /Invalid field '((?:[^']|'')*)'\. Expected (.+?), got (\w+)/.exec(message);
        if (mixed) throw mixedTypes(file.label, format, mixed[1]!, `${mixed[2]!}, then ${mixed[3]!}`, error);
        if (holdsNoRecords(error, original, format)) throw noRecords(file.label, format, error);
        throw fileError(error, file.label, format, internal, jsonErrorPosition(original, format));
      }
    },
    // The framed copy is registered (and may be transferred); the original stays readable for diagnostics.
    framed === original ? original.slice() : framed,
  );
  try {
    const select = await asReadJsonTypes(ctx, staging, firstRecord(original));
    await ctx.backend.runQuery(ctx.conn, `CREATE TABLE ${quoteIdentifier(table)} AS ${select} FROM ${quoteIdentifier(staging)};\nDROP TABLE ${quoteIdentifier(staging)}`);
  } catch (error) {
    // A cast the import's types do not allow (an integer beyond BIGINT, say) is the file's problem too.
    throw fileError(error, file.label, format, []);
  }  return undefined;
}

/**
 * The select list that gives DuckDB-WASM's JSON import the columns `read_json`
 * (native) gives: in the file's key order (the import sorts them), integers as
 * BIGINT (it picks INTEGER or UBIGINT), and its second-precision timestamps as
 * TIMESTAMP — or DATE where the first record holds a date without a time, which
 * is what read_json's sniffer makes of it.
 */
async function asReadJsonTypes(ctx: ReaderContext, staging: string, first: Record<string, unknown> | undefined): Promise<string> {
  const columns = await describeColumns(ctx, staging);
  const order = Object.keys(first ?? {});
  columns.sort((a, b) => rank(order, a.name) - rank(order, b.name));
  const list = columns.map(({ name, type }) => {
    const column = quoteIdentifier(name);
    const sample = first?.[name];
    const cast =
      type === 'INTEGER' || type === 'UBIGINT' || type === 'SMALLINT' || type === 'TINYINT' || type === 'UINTEGER'
        ? 'BIGINT'
        : type.startsWith('TIMESTAMP_')
          ? typeof sample === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(sample)
            ? 'DATE'
            : 'TIMESTAMP'
          : undefined;
    return cast ? `${column}::${cast} AS ${column}` : column;
  });
  return `SELECT ${list.join(', ')}`;
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

/** The first object of a JSON array, a single JSON object or an NDJSON file, parsed; undefined when there is none. */
export function firstRecord(bytes: Uint8Array): Record<string, unknown> | undefined {
  const start = bytes.indexOf(0x7b);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x7b) depth++;
    else if (b === 0x7d && --depth === 0) {
      try {
        const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(start, i + 1)));
        return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Where `bytes` stop being JSON (the line of an NDJSON file), or undefined when they parse. */
export function jsonErrorPosition(bytes: Uint8Array, format: 'json' | 'ndjson'): FilePosition | undefined {
  const text = new TextDecoder().decode(bytes);
  if (format === 'ndjson') {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim().length > 0 && jsonErrorOffset(lines[i]!) >= 0) return { line: i + 1 };
    }
    return undefined;
  }
  const offset = jsonErrorOffset(text);
  if (offset < 0) return undefined;
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, byte: new TextEncoder().encode(before).length };
}

function startsWithObject(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b;
  }
  return false;
}

function wrapInArray(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.byteLength + 2);
  out[0] = 0x5b;
  out.set(bytes, 1);
  out[out.length - 1] = 0x5d;
  return out;
}

/**
 * NDJSON → one JSON array: non-blank lines joined by commas. Safe on bytes: a
 * JSON string cannot hold a raw line break, so every `\n` ends a record.
 */
export function linesAsArray(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.byteLength + 2);
  let at = 0;
  out[at++] = 0x5b;
  let first = true;
  let start = 0;
  const n = bytes.byteLength;
  for (let i = 0; i <= n; i++) {
    if (i < n && bytes[i] !== 0x0a) continue;
    let end = i;
    if (end > start && bytes[end - 1] === 0x0d) end--;
    let s = start;
    while (s < end && (bytes[s] === 0x20 || bytes[s] === 0x09)) s++;
    if (s < end) {
      if (!first) out[at++] = 0x2c;
      out.set(bytes.subarray(s, end), at);
      at += end - s;
      first = false;
    }
    start = i + 1;
  }
  out[at++] = 0x5d;
  return out.subarray(0, at);
}

function checkJsonDepth(bytes: Uint8Array, label: string, format: 'json' | 'ndjson'): void {
  const at = jsonDepthOverflow(bytes);
  if (at < 0) return;
  throw new ValidationError(`${label} could not be loaded as ${formatName(format)} at byte ${at}: it nests deeper than ${MAX_JSON_DEPTH} levels, more than loadFile reads`, {
    issues: [{ path: `${label} (byte ${at})`, message: 'nested too deeply' }],
  });
}

function noColumns(label: string, format: FileFormat): ValidationError {
  return new ValidationError(`${label} could not be loaded as ${formatName(format)}: it has no columns`, { issues: [{ path: label, message: 'no columns' }] });
}
