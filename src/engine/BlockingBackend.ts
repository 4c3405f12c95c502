/**
 * DuckDB-WASM's blocking API in the caller's thread (Node only): the lowest
 * latency per statement, at the price that the thread runs DuckDB while a
 * statement executes. Long statements run through the pending-query API in
 * slices of about 100 ms, so the engine can still time them out between slices.
 */
import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { EngineError } from '../errors/EngineError.js';
import type { Logger } from '../events/types.js';
import type { CsvInsertOptions, DuckDBBackend, InsertOptions } from './backend.js';

const silentDuckDBLogger = { log: () => undefined };

export class BlockingBackend implements DuckDBBackend {
  readonly mode = 'blocking' as const;
  readonly fixedThreads = 1;
  readonly synchronousSlices = true;
  private db: DuckDBBindings | undefined;

  private constructor(db: DuckDBBindings) {
    this.db = db;
  }

  /** Instantiates DuckDB in this thread and opens an in-memory database. */
  static async start(options: { logger?: Logger } = {}): Promise<BlockingBackend> {
    if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
      throw new EngineError("engineOptions.mode 'blocking' works in Node only; use mode 'worker' in a browser");
    }
    const [duckdb, { nodeBundlePaths }] = await Promise.all([import('@duckdb/duckdb-wasm/blocking'), import('./bundles.js')]);
    const paths = nodeBundlePaths();
    const db = await duckdb.createDuckDB(
      { mvp: { mainModule: paths.mvp.mainModule, mainWorker: '' }, eh: { mainModule: paths.eh.mainModule, mainWorker: '' } },
      silentDuckDBLogger,
      duckdb.NODE_RUNTIME,
    );
    await db.instantiate(() => undefined);
    db.open({ query: { castBigIntToDouble: false, castDecimalToDouble: false, castTimestampToDate: false } });
    options.logger?.debug('DuckDB-WASM instantiated in blocking mode');
    return new BlockingBackend(db);
  }

  get raw(): DuckDBBindings | undefined {
    return this.db;
  }

  getVersion(): Promise<string> {
    return Promise.resolve(this.bindings().getVersion());
  }
  connect(): Promise<number> {
    return Promise.resolve(this.bindings().connect().useUnsafe((_, conn) => conn));
  }
  disconnect(conn: number): Promise<void> {
    this.bindings().disconnect(conn);
    return Promise.resolve();
  }
  runQuery(conn: number, sql: string): Promise<Uint8Array> {
    return Promise.resolve(this.bindings().runQuery(conn, sql));
  }
  startPending(conn: number, sql: string): Promise<Uint8Array[] | null> {
    const db = this.bindings();
    const header = db.startPendingQuery(conn, sql, false);
    if (header === null) return Promise.resolve(null);
    // Done within the first slice: the batches are already computed, fetch them in this turn.
    const parts = [header];
    for (;;) {
      const chunk = db.fetchQueryResults(conn);
      if (chunk === null) continue;
      if (chunk.length === 0) return Promise.resolve(parts);
      parts.push(chunk);
    }
  }
  pollPending(conn: number): Promise<Uint8Array | null> {
    return Promise.resolve(this.bindings().pollPendingQuery(conn));
  }
  cancelPending(conn: number): Promise<boolean> {
    return Promise.resolve(this.bindings().cancelPendingQuery(conn));
  }
  fetchResults(conn: number): Promise<Uint8Array | null> {
    return Promise.resolve(this.bindings().fetchQueryResults(conn));
  }
  prepare(conn: number, sql: string): Promise<number> {
    return Promise.resolve(this.bindings().createPrepared(conn, sql));
  }
  runPrepared(conn: number, statement: number, params: readonly unknown[]): Promise<Uint8Array> {
    return Promise.resolve(this.bindings().runPrepared(conn, statement, params as unknown[]));
  }
  closePrepared(conn: number, statement: number): Promise<void> {
    this.bindings().closePrepared(conn, statement);
    return Promise.resolve();
  }
  insertArrowIPC(conn: number, ipc: Uint8Array, options: InsertOptions): Promise<void> {
    this.bindings().insertArrowFromIPCStream(conn, ipc, options);
    return Promise.resolve();
  }
  insertCSV(conn: number, fileName: string, options: CsvInsertOptions): Promise<void> {
    this.bindings().insertCSVFromPath(conn, fileName, { ...options, detect: true });
    return Promise.resolve();
  }
  registerFileText(name: string, text: string): Promise<void> {
    this.bindings().registerFileText(name, text);
    return Promise.resolve();
  }
  registerFileBuffer(name: string, bytes: Uint8Array): Promise<void> {
    this.bindings().registerFileBuffer(name, bytes);
    return Promise.resolve();
  }
  insertJSON(conn: number, fileName: string, options: InsertOptions): Promise<void> {
    // No `shape`: given one, duckdb-wasm 1.32 finds no columns; detected, an array of objects reads as rows.
    this.bindings().insertJSONFromPath(conn, fileName, options);
    return Promise.resolve();
  }
  dropFile(name: string): Promise<void> {
    this.bindings().dropFile(name);
    return Promise.resolve();
  }

  hold(): void {
    // Nothing keeps the process alive in blocking mode: DuckDB runs in this thread.
  }
  release(): void {}

  terminate(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    // Dropping the database frees its tables; the WASM memory goes with the last reference.
    db?.reset();
    return Promise.resolve();
  }

  private bindings(): DuckDBBindings {
    if (!this.db) throw new EngineError('the engine was closed; create or initialize a new one');
    return this.db;
  }
}
