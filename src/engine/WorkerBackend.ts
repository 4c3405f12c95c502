/**
 * DuckDB-WASM's async API in a worker: in Node a `node:worker_threads` worker
 * (through NodeWorkerAdapter), in a browser a Web Worker started from the
 * caller's locally served bundle. The caller's thread never runs DuckDB, and a
 * running statement can be cancelled between the worker's execution slices.
 *
 * If the worker dies, every call in flight and every later call rejects with an
 * EngineError (AsyncDuckDB alone would leave them pending forever).
 */
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { EngineError } from '../errors/EngineError.js';
import type { Logger } from '../events/types.js';
import type { CsvInsertOptions, DuckDBBackend, InsertOptions } from './backend.js';
import type { NodeWorkerAdapter } from './NodeWorkerAdapter.js';
import type { EngineBundle } from './types.js';

export interface WorkerBackendOptions {
  /** Browser: the locally served bundle. Node: ignored (resolved from the package). */
  bundles?: EngineBundle;
  logger?: Logger;
  /** Told when the worker dies without terminate(). */
  onCrash?: (error: Error) => void;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

const silentDuckDBLogger = { log: () => undefined };

export class WorkerBackend implements DuckDBBackend {
  readonly mode = 'worker' as const;
  private crashError: EngineError | undefined;
  private readonly crashed: Promise<never>;
  private rejectCrashed!: (error: EngineError) => void;
  private holds = 0;

  private constructor(
    private readonly db: AsyncDuckDB,
    private readonly nodeWorker: NodeWorkerAdapter | undefined,
    private readonly webWorker: Worker | undefined,
  ) {
    this.crashed = new Promise<never>((_, reject) => {
      this.rejectCrashed = reject;
    });
    // Nobody may be waiting when the worker dies: that must not be an unhandled rejection.
    this.crashed.catch(() => undefined);
  }

  /** Starts the worker, instantiates DuckDB in it and opens an in-memory database. */
  static async start(options: WorkerBackendOptions = {}): Promise<WorkerBackend> {
    const duckdb = await import('@duckdb/duckdb-wasm');
    let backend: WorkerBackend | undefined;
    let asyncDb: AsyncDuckDB;
    const onCrash = (error: Error) => backend?.markCrashed(error, options.onCrash);
    if (isNode) {
      const [{ NodeWorkerAdapter }, { nodeBundlePaths, supportsWasmExceptions }] = await Promise.all([
        import('./NodeWorkerAdapter.js'),
        import('./bundles.js'),
      ]);
      const paths = nodeBundlePaths();
      const bundle = supportsWasmExceptions() ? paths.eh : paths.mvp;
      const adapter = new NodeWorkerAdapter(bundle.mainWorker, {
        onLog: (line) => options.logger?.debug(`[duckdb worker ${line.level}] ${line.text}`),
        onExit: onCrash,
      });
      asyncDb = new duckdb.AsyncDuckDB(silentDuckDBLogger, adapter as unknown as Worker);
      backend = new WorkerBackend(asyncDb, adapter, undefined);
      adapter.ref();
      try {
        await backend.guard(asyncDb.instantiate(bundle.mainModule, null));
      } catch (error) {
        await backend.terminate();
        throw error;
      } finally {
        adapter.unref();
      }
    } else {
      const bundle = options.bundles;
      if (!bundle) {
        throw new EngineError(
          'engineOptions.bundles is required in a browser: serve duckdb-eh.wasm and duckdb-browser-eh.worker.js yourself and pass their URLs',
        );
      }
      const worker = new Worker(bundle.mainWorker);
      worker.addEventListener('error', (event) => onCrash(new Error(`the DuckDB worker failed: ${event.message}`)));
      asyncDb = new duckdb.AsyncDuckDB(silentDuckDBLogger, worker);
      backend = new WorkerBackend(asyncDb, undefined, worker);
      try {
        await backend.guard(asyncDb.instantiate(bundle.mainModule, null));
      } catch (error) {
        await backend.terminate();
        throw error;
      }
    }
    backend.hold();
    try {
      await backend.guard(
        asyncDb.open({
          query: { castBigIntToDouble: false, castDecimalToDouble: false, castTimestampToDate: false },
        }),
      );
    } catch (error) {
      await backend.terminate();
      throw error;
    } finally {
      backend.release();
    }
    return backend;
  }

  get raw(): AsyncDuckDB {
    return this.db;
  }

  getVersion(): Promise<string> {
    return this.guard(this.db.getVersion());
  }
  connect(): Promise<number> {
    return this.guard(this.db.connectInternal());
  }
  disconnect(conn: number): Promise<void> {
    return this.guard(this.db.disconnect(conn));
  }
  runQuery(conn: number, sql: string): Promise<Uint8Array> {
    return this.guard(this.db.runQuery(conn, sql));
  }
  startPending(conn: number, sql: string): Promise<Uint8Array | null> {
    return this.guard(this.db.startPendingQuery(conn, sql, false));
  }
  pollPending(conn: number): Promise<Uint8Array | null> {
    return this.guard(this.db.pollPendingQuery(conn));
  }
  cancelPending(conn: number): Promise<boolean> {
    return this.guard(this.db.cancelPendingQuery(conn));
  }
  fetchResults(conn: number): Promise<Uint8Array | null> {
    return this.guard(this.db.fetchQueryResults(conn));
  }
  prepare(conn: number, sql: string): Promise<number> {
    return this.guard(this.db.createPrepared(conn, sql));
  }
  runPrepared(conn: number, statement: number, params: readonly unknown[]): Promise<Uint8Array> {
    return this.guard(this.db.runPrepared(conn, statement, params as unknown[]));
  }
  closePrepared(conn: number, statement: number): Promise<void> {
    return this.guard(this.db.closePrepared(conn, statement));
  }
  insertArrowIPC(conn: number, ipc: Uint8Array, options: InsertOptions): Promise<void> {
    return this.guard(this.db.insertArrowFromIPCStream(conn, ipc, options));
  }
  insertCSV(conn: number, fileName: string, options: CsvInsertOptions): Promise<void> {
    return this.guard(this.db.insertCSVFromPath(conn, fileName, { ...options, detect: true }));
  }
  registerFileText(name: string, text: string): Promise<void> {
    return this.guard(this.db.registerFileText(name, text));
  }
  dropFile(name: string): Promise<void> {
    return this.guard(this.db.dropFile(name).then(() => undefined));
  }

  hold(): void {
    if (this.holds++ === 0) this.nodeWorker?.ref();
  }
  release(): void {
    if (--this.holds === 0) this.nodeWorker?.unref();
  }

  async terminate(): Promise<void> {
    if (!this.crashError) this.crashError = new EngineError('the engine was closed; create or initialize a new one');
    // Calls still waiting on the worker would otherwise never settle.
    this.rejectCrashed(this.crashError);
    // Keep the process alive until the thread is really gone.
    this.nodeWorker?.ref();
    // Detached first, AsyncDuckDB does not warn on stderr about the requests that
    // were in flight (they were rejected above).
    this.db.detach();
    if (this.nodeWorker) await this.nodeWorker.terminateAndWait();
    this.webWorker?.terminate();
  }

  private markCrashed(error: Error, notify?: (error: Error) => void): void {
    if (this.crashError) return;
    this.crashError = new EngineError(`${error.message}; restart the engine (its in-memory data is lost)`, { cause: error });
    this.rejectCrashed(this.crashError);
    notify?.(this.crashError);
  }

  private guard<T>(call: Promise<T>): Promise<T> {
    if (this.crashError) {
      call.catch(() => undefined);
      return Promise.reject(this.crashError);
    }
    return Promise.race([call, this.crashed]);
  }
}
