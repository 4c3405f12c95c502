/**
 * DuckDB-WASM's async API in a worker: in Node a `node:worker_threads` worker
 * (through NodeWorkerAdapter), in a browser a Web Worker started from the
 * caller's locally served bundle — the platform (src/platform/) starts the
 * worker, this class drives it. The caller's thread never runs DuckDB, and a
 * running statement can be cancelled between the worker's execution slices.
 *
 * If the worker dies, every call in flight and every later call rejects with an
 * EngineError (AsyncDuckDB alone would leave them pending forever).
 */
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { EngineError } from '../errors/EngineError.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import { withTimeout } from '../util/withTimeout.js';
import type { CsvInsertOptions, DuckDBBackend, InsertOptions } from './backend.js';
import type { PendingBatchResult } from './pendingBatch.js';

/** A started worker running duckdb-wasm's worker script, as the platform made it. */
export interface DuckDBWorker {
  /** What AsyncDuckDB talks to: a Web Worker, or an adapter presenting one. */
  readonly port: Worker;
  /** Keeps the process alive while work is in flight (Node); nothing in a browser. */
  ref(): void;
  /** Lets the process exit while idle (Node); nothing in a browser. */
  unref(): void;
  /** Ends the worker; resolves once it is gone. */
  terminate(): Promise<void>;
  /**
   * Starts a pending query and collects its result in the same round trip when it
   * finishes within the first slice (pendingBatch.ts). Absent where the worker runs
   * duckdb-wasm's script alone (a browser): then the requests are pipelined.
   */
  startPendingBatch?(conn: number, sql: string): Promise<PendingBatchResult>;
}

export interface WorkerBackendOptions {
  /** Starts the worker; `onCrash` must be called if it dies or fails to load. */
  spawn: (onCrash: (error: Error) => void) => DuckDBWorker;
  /** What `instantiate` loads: the wasm file (a path in Node, a URL in a browser). */
  mainModule: string;
  /** The coi build's thread worker script; absent for the single-threaded builds. */
  pthreadWorker?: string;
  /** With `pthreadWorker`: DuckDB's thread count, given at open (a later SET can deadlock). */
  threads?: number;
  /** Settles (rejects) when the bundle cannot work, while instantiate may still be waiting. */
  preflight?: Promise<void>;
  /** The database to open; in memory when absent. */
  path?: string;
  /** Budget for instantiate + open, ms; past it the start rejects with an EngineError. Default: no limit. */
  startTimeoutMs?: number;
  /** Names the bundle in errors (`worker <url>, wasm <url>`). */
  describe?: string;
  /** Told when the worker dies without terminate(). */
  onCrash?: (error: Error) => void;
}

const silentDuckDBLogger = { log: () => undefined };

export class WorkerBackend implements DuckDBBackend {
  readonly mode = 'worker' as const;
  private crashError: EngineError | undefined;
  /**
   * The rejecters of the calls waiting on the worker, told when it dies. A set, not
   * a race against one "crashed" promise: every race leaves a reaction on that
   * promise until it settles, so a long-lived engine would keep ~300 bytes per call
   * it ever made (300 MB per million queries, measured).
   */
  private readonly waiting = new Set<(error: EngineError) => void>();
  private holds = 0;

  private constructor(
    private readonly db: AsyncDuckDB,
    private readonly worker: DuckDBWorker,
    readonly fixedThreads: number,
  ) {}

  /** Starts the worker, instantiates DuckDB in it and opens the database. */
  static async start(options: WorkerBackendOptions): Promise<WorkerBackend> {
    const duckdb = await import('@duckdb/duckdb-wasm');
    // Assigned once below; the worker's listeners, attached first, read it.
    // eslint-disable-next-line prefer-const
    let backend: WorkerBackend | undefined;
    const early: Error[] = [];
    const onCrash = (error: Error) => (backend ? backend.markCrashed(error, options.onCrash) : early.push(error));
    const worker = options.spawn(onCrash);
    const asyncDb = new duckdb.AsyncDuckDB(silentDuckDBLogger, worker.port);
    // Only the coi build (started with a thread worker script) has threads.
    const threads = options.pthreadWorker === undefined ? 1 : Math.max(1, Math.floor(options.threads ?? 1));
    backend = new WorkerBackend(asyncDb, worker, threads);
    if (early[0]) backend.markCrashed(early[0], options.onCrash);
    backend.hold();
    const started = backend;
    const startUp = async () => {
      const instantiated = started.guard(asyncDb.instantiate(options.mainModule, options.pthreadWorker ?? null));
      if (options.preflight) {
        instantiated.catch(() => undefined);
        await started.guard(options.preflight);
      }
      await instantiated;
      await started.guard(
        asyncDb.open({
          ...(options.path === undefined ? {} : { path: options.path, accessMode: duckdb.DuckDBAccessMode.READ_WRITE }),
          ...(options.pthreadWorker === undefined ? {} : { maximumThreads: threads }),
          query: { castBigIntToDouble: false, castDecimalToDouble: false, castTimestampToDate: false },
        }),
      );
    };
    try {
      await withTimeout(startUp(), options.startTimeoutMs, { operation: 'DuckDB-WASM start' });
    } catch (error) {
      backend.release();
      await backend.terminate();
      if (error instanceof TimeoutError) {
        throw new EngineError(
          `DuckDB-WASM did not start within ${options.startTimeoutMs} ms (${options.describe ?? options.mainModule}); ` +
            'check that these URLs serve the DuckDB-WASM files, or raise engineOptions.startTimeoutMs',
          { cause: error },
        );
      }
      throw error;
    }
    backend.release();
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
  async startPending(conn: number, sql: string): Promise<Uint8Array[] | null> {
    const batch = await (this.worker.startPendingBatch ? this.guard(this.worker.startPendingBatch(conn, sql)) : this.pipelinedStart(conn, sql));
    if (!batch) return null;
    if (batch.complete) return batch.parts;
    for (;;) {
      const chunk = await this.fetchResults(conn);
      if (chunk === null) continue;
      if (chunk.length === 0) return batch.parts;
      batch.parts.push(chunk);
    }
  }
  /** Without the worker's batch handler: the start and a first fetch sent back to back (saves one wait, not the messages). */
  private async pipelinedStart(conn: number, sql: string): Promise<PendingBatchResult> {
    const started = this.guard(this.db.startPendingQuery(conn, sql, false));
    // Answered empty when the statement is still running or failed: the worker runs it after the start.
    const first = this.guard(this.db.fetchQueryResults(conn));
    first.catch(() => undefined);
    const header = await started;
    const chunk = await first;
    if (header === null) return null;
    if (chunk === null) return { parts: [header], complete: false };
    return chunk.length === 0 ? { parts: [header], complete: true } : { parts: [header, chunk], complete: false };
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
  registerFileBuffer(name: string, bytes: Uint8Array): Promise<void> {
    return this.guard(this.db.registerFileBuffer(name, bytes));
  }
  insertJSON(conn: number, fileName: string, options: InsertOptions): Promise<void> {
    return this.guard(this.db.insertJSONFromPath(conn, fileName, options));
  }
  dropFile(name: string): Promise<void> {
    return this.guard(this.db.dropFile(name).then(() => undefined));
  }

  hold(): void {
    if (this.holds++ === 0) this.worker.ref();
  }
  release(): void {
    if (--this.holds === 0) this.worker.unref();
  }

  async terminate(): Promise<void> {
    if (!this.crashError) this.crashError = new EngineError('the engine was closed; create or initialize a new one');
    // Calls still waiting on the worker would otherwise never settle.
    this.rejectWaiting(this.crashError);
    // Keep the process alive until the thread is really gone.
    this.worker.ref();
    // Detached first, AsyncDuckDB does not warn on stderr about the requests that
    // were in flight (they were rejected above).
    this.db.detach();
    await this.worker.terminate();
  }

  private markCrashed(error: Error, notify?: (error: Error) => void): void {
    if (this.crashError) return;
    this.crashError = new EngineError(`${error.message}; restart the engine (its in-memory data is lost)`, { cause: error });
    this.rejectWaiting(this.crashError);
    notify?.(this.crashError);
  }

  private rejectWaiting(error: EngineError): void {
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const reject of waiting) reject(error);
  }

  /** `call`, or the crash's EngineError as soon as the worker dies (AsyncDuckDB would leave `call` pending forever). */
  private guard<T>(call: Promise<T>): Promise<T> {
    const crashError = this.crashError;
    if (crashError) {
      call.catch(() => undefined);
      return Promise.reject(crashError);
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      call.then(
        (value) => {
          this.waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.waiting.delete(reject);
          reject(error);
        },
      );
    });
  }
}
