/**
 * The narrow surface the engine needs from DuckDB-WASM, implemented twice: over
 * the async worker API (`WorkerBackend`) and over the in-process blocking API
 * (`BlockingBackend`). Everything crosses as bytes (Arrow IPC) and numeric
 * handles, so no Arrow object from duckdb-wasm's own copy of apache-arrow ever
 * reaches the engine (instances from two module copies do not mix).
 */
import { Table, type Schema } from 'apache-arrow';
import { tableFromParts } from './ipc.js';
import type { RowColumns } from './ingest.js';
import type { EngineMode, Int64Mode } from './types.js';

/**
 * A result that can answer row objects without an Arrow Table in between (the
 * native backend), and the Table when one is asked for (queryArrow).
 */
export interface RowResult {
  readonly kind: 'rows';
  /** The Table's schema (column names and types), without building the Table. */
  readonly schema: Schema;
  readonly numRows: number;
  /** Row objects, with the JavaScript values convert.ts's `tableToRows` gives. */
  rows<T>(int64: Int64Mode): T[];
  /** The result as a Table built with the engine's own apache-arrow. */
  table(): Table;
}

/**
 * A result as a backend hands it over: Arrow IPC bytes (the wasm backends: their
 * Arrow objects come from another module copy), a Table built with the engine's
 * own apache-arrow, or a RowResult (the native backend, where an IPC round trip
 * would cost more than the query).
 */
export type BackendResult = Uint8Array | Table | RowResult;

/** Any one-part result as a Table of the engine's apache-arrow. */
export function resultAsTable(result: BackendResult): Table {
  if (result instanceof Uint8Array) return tableFromParts([result]);
  return result instanceof Table ? result : result.table();
}

/** The first column of the first row (a count, say); undefined for an empty result. */
export function firstValue(result: BackendResult): unknown {
  return resultAsTable(result).getChildAt(0)?.get(0);
}

/** How an Arrow IPC stream is inserted. */
export interface InsertOptions {
  /** Table name (unquoted: DuckDB quotes it). */
  name: string;
  /** Create the table (true) or append to an existing one (false). */
  create: boolean;
}

/** How a registered CSV file is inserted. */
export interface CsvInsertOptions extends InsertOptions {
  /** First line holds column names. Default detected. */
  header?: boolean;
  /** Field separator. Default detected. */
  delimiter?: string;
}

export interface DuckDBBackend {
  readonly mode: EngineMode | 'native';
  /**
   * The real directory DuckDB reads host-registered files from, when the backend
   * has no virtual file system of its own (native); the engine allows it. Default
   * none: registered files live in DuckDB-WASM's virtual file system.
   */
  readonly filesDirectory?: string;
  /**
   * DuckDB's thread count when the backend fixed it and `SET threads` must not change
   * it: 1 for DuckDB-WASM builds compiled without threads (eh, mvp), which refuse the
   * SET; the count given at open for the coi build, where a SET soon after the start
   * deadlocks DuckDB-WASM 1.32 (its thread workers are still loading). Default none.
   */
  readonly fixedThreads?: number;
  /**
   * True when `startPending` and `pollPending` run their slice before they return
   * (DuckDB in the caller's thread): no timer can fire during a slice, so the
   * engine checks a query's deadline between slices instead of arming a timer for
   * every statement — most finish within the first. Default false.
   */
  readonly synchronousSlices?: boolean;
  /** DuckDB's version string (`v1.4.3`). */
  getVersion(): Promise<string>;
  /** Opens a connection; returns its handle. */
  connect(): Promise<number>;
  /** Closes a connection. */
  disconnect(conn: number): Promise<void>;
  /** Runs a statement to completion; returns the whole result as an Arrow IPC file. Not cancellable. */
  runQuery(conn: number, sql: string): Promise<BackendResult>;
  /**
   * Starts a cancellable statement and runs its first slice (about 100 ms). If it
   * finished, resolves with its whole result: the IPC stream header and every
   * batch (or one Table); null while it runs on (then pollPending, fetchResults).
   */
  startPending(conn: number, sql: string): Promise<BackendResult[] | null>;
  /** Runs the pending statement a while longer (about 100 ms); header or null as above. */
  pollPending(conn: number): Promise<BackendResult | null>;
  /** Cancels the pending statement of `conn`. */
  cancelPending(conn: number): Promise<boolean>;
  /** The next IPC record batch of a finished pending statement; empty at the end, null to retry. */
  fetchResults(conn: number): Promise<BackendResult | null>;
  /** Prepares a statement; returns its handle. */
  prepare(conn: number, sql: string): Promise<number>;
  /** Runs a prepared statement with parameters (JSON-serialisable values); whole result as IPC. */
  runPrepared(conn: number, statement: number, params: readonly unknown[]): Promise<BackendResult>;
  /** Releases a prepared statement. */
  closePrepared(conn: number, statement: number): Promise<void>;
  /** Inserts an Arrow IPC stream. The buffer may be transferred (unusable afterwards). */
  insertArrowIPC(conn: number, ipc: Uint8Array, options: InsertOptions): Promise<void>;
  /**
   * Inserts row objects already split into typed columns (ingest.ts), where the
   * backend loads those faster than Arrow IPC (native). Optional: without it the
   * engine builds Arrow IPC from the columns.
   */
  insertColumns?(conn: number, columns: RowColumns, options: InsertOptions): Promise<void>;
  /** Inserts a registered CSV file. */
  insertCSV(conn: number, fileName: string, options: CsvInsertOptions): Promise<void>;
  /** Registers `text` as a virtual file. */
  registerFileText(name: string, text: string): Promise<void>;
  /** Registers `bytes` as a file (engine.loadFile). The buffer may be transferred (unusable afterwards). */
  registerFileBuffer(name: string, bytes: Uint8Array): Promise<void>;
  /**
   * Makes the local file `hostPath` readable under `name` without copying it
   * (native: a link in `filesDirectory`). Absent where DuckDB cannot read the
   * host's disk (the wasm backends): the engine registers the file's bytes then.
   */
  registerFilePath?(name: string, hostPath: string): Promise<void>;
  /** Inserts a registered JSON file (an array of objects) with DuckDB-WASM's own JSON import, for a DuckDB without `read_json`. */
  insertJSON(conn: number, fileName: string, options: InsertOptions): Promise<void>;
  /** Removes a virtual file. */
  dropFile(name: string): Promise<void>;
  /** Marks the start of engine work (keeps a Node worker referenced while any is in flight). */
  hold(): void;
  /** Marks the end of engine work. */
  release(): void;
  /** The underlying duckdb-wasm object (AsyncDuckDB or blocking bindings), for diagnostics and baselines. */
  readonly raw: unknown;
  /** Ends DuckDB and frees its memory (and thread). Idempotent. */
  terminate(): Promise<void>;
}
