/**
 * The engine's public types: its options, what it asks of its host, and the
 * shapes of query results, loads, table info, metrics and status.
 */
import type { Table } from 'apache-arrow';
import type { Logger } from '../events/types.js';
import type { EngineState } from '../../machines/engine.machine.js';
import type { StatementAccess } from './access.js';
import type { LoadFileOptions, LoadFileResult, LoadFileSource, ParquetWasmModule } from './files/types.js';
export type { FileFormat, LoadFileOptions, LoadFileResult, LoadFileSource, ParquetFooter, ParquetWasmModule } from './files/types.js';

export type { EngineState } from '../../machines/engine.machine.js';

/** Where DuckDB runs. */
export type EngineMode = 'worker' | 'blocking';

/** URLs of a locally served DuckDB-WASM bundle (browser worker mode). Never a CDN. */
export interface EngineBundle {
  /** URL of `duckdb-eh.wasm` (or `duckdb-mvp.wasm`). */
  mainModule: string;
  /** URL of `duckdb-browser-eh.worker.js` (or the mvp worker). */
  mainWorker: string;
}

/**
 * Both builds of DuckDB-WASM: the engine starts `eh` where the browser supports
 * WebAssembly exception handling (every current browser) and `mvp` elsewhere.
 * See `duckdbBundles()` and `selectBundle()`.
 */
export interface EngineBundles {
  /** The exception-handling build (`duckdb-eh.wasm`, `duckdb-browser-eh.worker.js`). */
  eh?: EngineBundle;
  /** The baseline build (`duckdb-mvp.wasm`, `duckdb-browser-mvp.worker.js`). */
  mvp: EngineBundle;
  /**
   * The multi-threaded build, started only when `threads` > 1 is asked and the page
   * is cross-origin isolated (see the README's Browser section); eh or mvp otherwise.
   */
  coi?: EngineCoiBundle;
}

/** DuckDB-WASM's multi-threaded build: `duckdb-coi.wasm` and its two workers. */
export interface EngineCoiBundle extends EngineBundle {
  /** URL of `duckdb-browser-coi.pthread.worker.js`, which each DuckDB thread runs. */
  pthreadWorker: string;
}

/** What `engineOptions.bundles` accepts: one bundle, or both builds to choose from. */
export type EngineBundleInput = EngineBundle | EngineBundles;

/**
 * How 64-bit and wider integer columns (BIGINT, UBIGINT, HUGEINT, DECIMAL(p, 0))
 * arrive in `query()` rows:
 * - `auto` (default): a column is `number` when every value in that result is a
 *   safe integer (|v| ≤ 2^53 − 1), otherwise the whole column is `bigint`, so one
 *   column never mixes the two;
 * - `bigint`: always `bigint`.
 */
export type Int64Mode = 'auto' | 'bigint';

/** Which DuckDB the engine runs on: DuckDB-WASM (default) or native DuckDB (Node). */
export type EngineBackendKind = 'wasm' | 'native';

/** The spec's `engineOptions`. Every field is optional. */
export interface EngineOptions {
  /**
   * Which DuckDB. Default `'wasm'`.
   * - `wasm`: DuckDB-WASM, in a browser and in Node (see `mode`).
   * - `native`: native DuckDB through `@duckdb/node-api` (an optional peer
   *   dependency: `npm install @duckdb/node-api`), Node only — for data larger
   *   than a WASM heap and every core of a server. Same API, same JavaScript
   *   values, same errors; statements run off the JavaScript thread and a
   *   timeout interrupts them. `mode` and `bundles` do not apply.
   */
  backend?: EngineBackendKind;
  /**
   * Where DuckDB-WASM runs (backend `'wasm'`). Default `'worker'`.
   * - `worker`: the async API; in Node a `node:worker_threads` worker running
   *   `duckdb-node-eh.worker.cjs`, in a browser a Web Worker from `bundles`.
   *   Queries can be cancelled (`timeoutMs`), the caller's thread never blocks.
   * - `blocking`: `@duckdb/duckdb-wasm/blocking` in the caller's thread (Node only):
   *   lowest latency per query, but the thread is busy while DuckDB works.
   */
  mode?: EngineMode;
  /**
   * Browser only: URLs of the locally served bundle, or of both builds (then the
   * engine picks one by feature detection). Required in a browser; ignored in Node.
   * See the README's Browser section for Vite and esbuild.
   */
  bundles?: EngineBundleInput;
  /**
   * Where the database lives. Default: in memory (gone on close).
   * - browser: `opfs://name.db` — the Origin Private File System, so tables
   *   survive a reload (one tab at a time may open a given file); the engine
   *   runs CHECKPOINT on close so the file holds every committed write;
   * - Node, `backend: 'native'`: a database file;
   * - Node, wasm backend: refused with an EngineError — DuckDB-WASM 1.32's Node
   *   runtime writes a database file that a new instance reads back empty.
   */
  path?: string;
  /**
   * How long loading and opening DuckDB-WASM may take, ms; past it `initialize()`
   * rejects with an EngineError naming the bundle. Default 120 000 (a cold
   * download of the ~35 MB wasm file on a slow link fits).
   */
  startTimeoutMs?: number;
  /** DuckDB's `memory_limit` in bytes. Default: DuckDB's own (about 3 GiB in WASM). */
  memoryLimit?: number;
  /**
   * Time budget of one query in ms; a query still running then is cancelled and
   * rejects with a TimeoutError. Default: no limit. See `DataPrismEngine.query`
   * for what can be cancelled in each mode.
   */
  timeoutMs?: number;
  /** At most this many queries/loads run at once; the rest wait in FIFO order. Default 4. */
  maxConcurrency?: number;
  /**
   * DuckDB's `threads` setting. Default: DuckDB's own (1 in the eh and mvp builds).
   * Above 1 in a browser, the engine starts `bundles.coi` when given and the page is
   * cross-origin isolated; the eh and mvp builds have one thread whatever this says.
   */
  threads?: number;
  /** Extra DuckDB settings, each run as `SET name = value` after open. Default none. */
  settings?: Record<string, string | number | boolean>;
  /**
   * Files DuckDB may open besides the ones the engine registers itself (DuckDB's
   * `allowed_paths`): local paths in Node, URLs in a browser. Everything else is
   * refused (`enable_external_access = false`), and the list cannot change once
   * the engine is open (`lock_configuration = true`). Plugins reach these only
   * with the `engine:files` permission. Default none.
   */
  allowedPaths?: readonly string[];
  /** Directories (or URL prefixes) DuckDB may open, like `allowedPaths` (DuckDB's `allowed_directories`). Default none. */
  allowedDirectories?: readonly string[];
  /**
   * The `parquet-wasm` module, for `loadFile` of Parquet on the wasm backends
   * (DuckDB-WASM has no parquet extension offline). Node: imported when first
   * needed (an optional peer: `npm install parquet-wasm`). Browser: required for
   * Parquet — `import * as parquet from 'parquet-wasm/esm'`, `await
   * parquet.default(wasmUrl)` with your served `parquet_wasm_bg.wasm`, then pass
   * `parquet`. Native DuckDB reads Parquet itself and ignores this.
   */
  parquet?: ParquetWasmModule;
  /** How wide integers are returned; see `Int64Mode`. Default `'auto'`. */
  int64?: Int64Mode;
  /** Where the engine logs (open, close, worker messages). Default: silent. */
  logger?: Logger;
}

/** One finished query, as reported to `EngineHost.onQuery`. */
export interface QueryRecord {
  /** The statement. */
  sql: string;
  /** Wall time from start (after queueing) to result, ms. */
  durationMs: number;
  /** Rows returned (0 on failure). */
  rowCount: number;
  /** Set when the query failed. */
  error?: Error;
}

/** Where an engine operation failed, as told to `EngineHost.onError`. */
export interface EngineErrorContext {
  /** `query`, `queryArrow` or `loadData`. */
  operation: string;
  /** The statement (`{ sql }`) or the table loaded into (`{ table }`). */
  metadata: Record<string, unknown>;
}

/** The engine's data operations without failure reporting (see `DataPrismEngine.unreported`). */
export interface UnreportedEngine {
  query<T = Record<string, unknown>>(sql: string, params?: readonly QueryParam[]): Promise<QueryResult<T>>;
  queryAs<T = Record<string, unknown>>(access: StatementAccess | undefined, sql: string, params?: readonly QueryParam[]): Promise<QueryResult<T>>;
  queryArrow(sql: string, params?: readonly QueryParam[]): Promise<Table>;
  queryArrowAs(access: StatementAccess | undefined, sql: string, params?: readonly QueryParam[]): Promise<Table>;
  loadData(data: LoadDataInput, tableName: string, options?: LoadDataOptions): Promise<LoadDataResult>;
  loadFile(source: LoadFileSource, tableName: string, options?: LoadFileOptions): Promise<LoadFileResult>;
  /** `loadFile` with `access`'s rights (a plugin's): paths and URLs need `files`, and only the host's allowed ones are read. */
  loadFileAs(access: StatementAccess | undefined, source: LoadFileSource, tableName: string, options?: LoadFileOptions): Promise<LoadFileResult>;
}

/** What the engine needs from whoever owns its lifecycle actor. */
export interface EngineHost {
  /** The engine actor's state, read from its snapshot (no lifecycle booleans on the class). */
  state(): EngineState;
  /** Called after every query (success or failure) — the orchestrator records `query_time` from it. Must be cheap. */
  onQuery?(record: QueryRecord): void;
  /** Routes engine.executePlugin to the plugin registry (set by the orchestrator). */
  executePlugin?(name: string, action: string, params: unknown): Promise<unknown>;
  /** Asks the lifecycle owner to close the engine (standalone: sends CLOSE and waits for `closed`). */
  requestClose?(): Promise<void>;
  /**
   * Told when a query, queryArrow or loadData call fails, before the caller sees the
   * error (the orchestrator hands it to its ErrorHandler). Must not throw.
   */
  onError?(error: Error, context: EngineErrorContext): void;
  /** Told when the engine died under its owner (e.g. the worker exited); the owner sends FAIL. */
  onFailure?(error: Error): void;
}

/** A result column: its name and DuckDB's type name (`INTEGER`, `DECIMAL(10,3)`, `VARCHAR[]`, ...). */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** What `query()` returns. */
export interface QueryResult<T = Record<string, unknown>> {
  /** One object per row, keyed by column name. */
  data: T[];
  /** The result's columns, in order. */
  columns: ColumnInfo[];
  metadata: {
    /** Rows in `data`. */
    rowCount: number;
    /** Time from start (after queueing) to converted rows, ms. */
    executionTime: number;
  };
}

/** A value a query parameter may take. */
export type QueryParam = string | number | boolean | bigint | Date | null;

/** Row objects, column arrays, CSV text, or an apache-arrow Table (see `loadData`). */
export type LoadDataInput =
  | readonly object[]
  | Record<string, ArrayLike<unknown>>
  | { csv: string }
  | string
  | Table;

/** Options of `loadData`. */
export interface LoadDataOptions {
  /**
   * - `create` (default): the table must not exist yet (a clash is a ValidationError);
   * - `replace`: drop the table if it exists, then create it;
   * - `append`: insert into an existing table (created if missing).
   */
  mode?: 'create' | 'replace' | 'append';
}

/** What `loadData` returns. */
export interface LoadDataResult {
  tableName: string;
  /** Rows inserted by this call. */
  rowCount: number;
  /** The table's columns after the load. */
  columns: ColumnInfo[];
}

/** Statistics of one column in `processData`'s summary. */
export interface ColumnSummary {
  name: string;
  /** DuckDB's type of the column. */
  type: string;
  /** Number of nulls. */
  nulls: number;
  /** Number of distinct non-null values (exact). */
  distinct: number;
  /** Smallest value (numbers, strings, dates), null when all values are null. */
  min: unknown;
  /** Largest value, null when all values are null. */
  max: unknown;
  /** Mean, for numeric columns only; otherwise null. */
  mean: number | null;
}

/** What `processData` returns. */
export interface DataSummary {
  rowCount: number;
  columns: ColumnSummary[];
}

/** One column of `getTableInfo`. */
export interface TableColumnInfo extends ColumnInfo {
  nullable: boolean;
}

/** What `getTableInfo` returns. */
export interface TableInfo {
  name: string;
  columns: TableColumnInfo[];
  rowCount: number;
}

/** Counters kept by the engine since it was constructed. */
export interface EngineMetrics {
  /** Queries that finished (succeeded or failed). */
  queriesRun: number;
  /** Queries that failed (including timeouts). */
  queriesFailed: number;
  /** Sum of query times, ms. */
  totalExecutionTime: number;
  /** totalExecutionTime / queriesRun, 0 before the first query. */
  averageExecutionTime: number;
  /** Rows inserted by loadData / processData. */
  rowsLoaded: number;
  /** Operations running now. */
  inFlight: number;
  /** Operations waiting for a slot. */
  queued: number;
}

/** What `getStatus` returns. */
export interface EngineStatus {
  /** The engine actor's state. */
  state: EngineState;
  /** DuckDB's version, once it has been opened. */
  version: string | undefined;
  /** Which DuckDB: `'wasm'` or `'native'`. */
  backend: EngineBackendKind;
  /** Where DuckDB-WASM runs; `'native'` for the native backend. */
  mode: EngineMode | 'native';
  /** The memory_limit set, bytes; undefined when DuckDB's default is used. */
  memoryLimit: number | undefined;
  timeoutMs: number | undefined;
  maxConcurrency: number;
  /** Open DuckDB connections (one per concurrent slot, created on demand). */
  connections: number;
  inFlight: number;
  queued: number;
}
