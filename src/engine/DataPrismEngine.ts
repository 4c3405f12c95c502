/**
 * The DuckDB-WASM engine behind `orchestrator.getEngine()`: SQL queries with
 * typed rows, Arrow results, columnar loads, table introspection and metrics.
 *
 * Its lifecycle is not on this class: an engine actor (machines/engine.machine.ts)
 * calls `open()` and `terminate()`, and every public method asks the actor's
 * snapshot (through `host.state()`) whether the engine is `ready`.
 *
 * Concurrency: at most `maxConcurrency` operations run at once (FIFO beyond
 * that), each on its own DuckDB connection from a small pool. DuckDB-WASM runs
 * one statement step at a time on its single thread, so connections add no
 * parallelism — but a long statement runs in slices, and a short one on another
 * connection is answered between two slices instead of after the long one.
 */
import { tableToIPC, Table, Type } from 'apache-arrow';
import { DataPrismError } from '../errors/DataPrismError.js';
import { EngineError } from '../errors/EngineError.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { QueryError } from '../errors/QueryError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { platform } from '../platform/host.js';
import { ConcurrencyLimiter } from '../util/ConcurrencyLimiter.js';
import { isTimeLimit, timeoutError, withTimeout } from '../util/withTimeout.js';
import {
  accessViolation,
  isRestricted,
  BEGIN_READ_ONLY,
  END_READ_ONLY,
  HOST_FILES_DIRECTORY,
  readOnlyStatement,
  type AccessPolicy,
  type StatementAccess,
} from './access.js';
import { resultAsTable, type BackendResult, type DuckDBBackend, type RowResult } from './backend.js';
import { columnsOf, tableToRows } from './convert.js';
import { tableFromParts } from './ipc.js';
import { shortSql, toQueryError } from './duckdbErrors.js';
import { columnsToTable, rowsToColumns, rowsToTable, type RowColumns } from './ingest.js';
import { quoteIdentifier, quoteLiteral } from './sql.js';
import { summarySql, readSummary } from './summary.js';
import { checkArrowSchema, float16AsFloat32 } from './arrowSchema.js';
import { checkFileOptions, formatOf, loadFileAtomically, TableQueue } from './files/loadFile.js';
import { loadParquetWasm } from './files/parquetModule.js';
import { resolveSource, type FileAccess } from './files/source.js';
import type { LoadFileOptions, LoadFileResult, LoadFileSource, ParquetWasmModule } from './files/types.js';
import type {
  DataSummary,
  EngineHost,
  EngineMetrics,
  EngineMode,
  EngineOptions,
  EngineStatus,
  LoadDataInput,
  LoadDataOptions,
  LoadDataResult,
  QueryParam,
  QueryResult,
  TableInfo,
  UnreportedEngine,
} from './types.js';

/** engineOptions.startTimeoutMs when not given: a cold download of the wasm file on a slow link fits. */
const DEFAULT_START_TIMEOUT_MS = 120_000;

/** Set when a running statement's time budget ran out. */
interface Cancellation {
  cancelled: boolean;
  /**
   * On a backend with synchronous slices: when (performance.now()) the statement
   * runs out of time, checked between slices in place of a timer (see
   * `synchronousSlices`); with `timeoutMs`, the budget it came from.
   */
  deadline?: { at: number; timeoutMs: number };
}

/** How a query's TimeoutError reads. */
const QUERY_TIMEOUT = { operation: 'query', hint: 'raise timeoutMs, add filters or LIMIT, or pre-aggregate' } as const;

let tempCounter = 0;

export class DataPrismEngine {
  private readonly options: EngineOptions;
  private readonly host: EngineHost;
  private readonly limiter: ConcurrencyLimiter;
  /** loadFile calls into one table, one after the other (see TableQueue). */
  private readonly fileLoads = new TableQueue();
  /** Aborted by terminate(): stops the downloads of loadFile calls in flight. */
  private closing = new AbortController();
  private backend: DuckDBBackend | undefined;
  private opening: Promise<{ version: string }> | undefined;
  private version: string | undefined;
  /**
   * What access.ts checks a restricted statement against, read from DuckDB on first
   * use: listing DuckDB's functions costs more than the rest of the start together
   * (about 140 ms in a browser), and only plugins' statements and loadFile need it.
   */
  private policy: { backend: DuckDBBackend; read: Promise<AccessPolicy> } | undefined;
  private readonly freeConnections: number[] = [];
  private connectionCount = 0;
  private readonly metrics = { queriesRun: 0, queriesFailed: 0, totalExecutionTime: 0, rowsLoaded: 0 };

  /**
   * `options`: the spec's engineOptions (see EngineOptions for each default).
   * `host`: who owns the lifecycle actor; the engine reads its state from it.
   */
  constructor(options: EngineOptions = {}, host: EngineHost) {
    validateOptions(options);
    this.options = { ...options };
    this.host = host;
    this.limiter = new ConcurrencyLimiter(options.maxConcurrency ?? 4);
  }

  // ── lifecycle: called by the engine actor, not by users ──────────────────────

  /**
   * Instantiates DuckDB-WASM (worker or blocking), switches extension autoloading
   * off (offline it would hang), applies memory_limit, threads and settings, and
   * resolves with DuckDB's version (`v1.4.3`). Called by the engine actor.
   */
  open(): Promise<{ version: string }> {
    this.opening ??= this.doOpen();
    return this.opening;
  }

  /**
   * Closes every connection and terminates DuckDB (its worker too, so the process
   * can exit). Waits for an open still in flight first. Idempotent. Called by the
   * engine actor; operations still running reject with an EngineError.
   */
  async terminate(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (opening) await opening.catch(() => undefined);
    const backend = this.backend;
    this.backend = undefined;
    this.policy = undefined;
    this.closing.abort(closedWhileLoading());
    this.closing = new AbortController();
    if (!backend) return;
    const connections = this.freeConnections.splice(0);
    this.connectionCount = 0;
    backend.hold();
    // A database file must hold every committed write before its worker goes:
    // terminating skips DuckDB's own shutdown, so the write-ahead log may not be on disk.
    if (this.options.path !== undefined && connections[0] !== undefined) {
      await backend.runQuery(connections[0], 'CHECKPOINT').catch((error: unknown) => {
        this.options.logger?.warn(`CHECKPOINT of ${this.options.path} before close failed: ${messageOf(error)}`);
      });
    }
    await Promise.allSettled(connections.map((conn) => backend.disconnect(conn)));
    await backend.terminate();
    this.options.logger?.debug('DuckDB engine terminated');
  }

  private async doOpen(): Promise<{ version: string }> {
    const mode = this.mode();
    const started = performance.now();
    let backend: DuckDBBackend;
    try {
      backend = await this.startBackend(mode);
    } catch (error) {
      this.opening = undefined;
      throw error instanceof DataPrismError
        ? error
        : new EngineError(`DuckDB could not start (${mode}): ${messageOf(error)}`, { cause: error });
    }
    try {
      backend.hold();
      const conn = await backend.connect();
      this.connectionCount = 1;
      // Sent back to back: the worker answers the version right after the settings, one wait instead of two.
      const [, version] = await Promise.all([backend.runQuery(conn, this.settingsSql(backend)), backend.getVersion()]);
      this.version = version;
      this.freeConnections.push(conn);
      this.backend = backend;
      backend.release();
    } catch (error) {
      this.opening = undefined;
      this.connectionCount = 0;
      this.freeConnections.length = 0;
      await backend.terminate().catch(() => undefined);
      throw error instanceof DataPrismError
        ? error
        : new EngineError(`DuckDB-WASM started but could not be configured: ${messageOf(error)}; check engineOptions.settings`, {
            cause: error,
          });
    }
    this.options.logger?.debug(`DuckDB ${this.version} ready in ${mode} mode after ${Math.round(performance.now() - started)} ms`);
    return { version: this.version };
  }

  /**
   * What the statement check of access.ts asks of this database: its table functions
   * and allowed files. Read once per backend, on the caller's leased connection; a
   * failed read is not kept, so the next caller asks again.
   */
  private accessPolicy(backend: DuckDBBackend, conn: number): Promise<AccessPolicy> {
    if (this.policy?.backend === backend) return this.policy.read;
    const read = this.readPolicy(backend, conn);
    const entry = { backend, read };
    this.policy = entry;
    read.catch(() => {
      if (this.policy === entry) this.policy = undefined;
    });
    return read;
  }

  private async readPolicy(backend: DuckDBBackend, conn: number): Promise<AccessPolicy> {
    const bytes = await backend.runQuery(conn, "SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions() WHERE internal AND function_type IN ('table', 'table_macro')");
    const names = resultTable([bytes]).getChild('name')?.toArray() as string[] | undefined;
    const { allowedPaths = [], allowedDirectories = [] } = this.options;
    return Object.freeze({
      tableFunctions: new Set(names ?? []),
      allowedPrefixes: Object.freeze([backend.filesDirectory ?? HOST_FILES_DIRECTORY, ...allowedDirectories, ...allowedPaths]),
    });
  }

  private mode(): EngineMode | 'native' {
    return this.options.backend === 'native' ? 'native' : (this.options.mode ?? 'worker');
  }

  /** The platform starts the backend: Node-only ones (native, blocking, worker_threads) never reach a browser build. */
  private startBackend(mode: EngineMode | 'native'): Promise<DuckDBBackend> {
    return platform.startBackend({
      mode,
      bundles: this.options.bundles,
      ...(this.options.threads === undefined ? {} : { threads: this.options.threads }),
      ...(this.options.path === undefined ? {} : { path: this.options.path }),
      startTimeoutMs: this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      logger: this.options.logger,
      onCrash: (error) => this.host.onFailure?.(error),
    });
  }

  private settingsSql(backend: DuckDBBackend): string {
    // SET GLOBAL so that every pooled connection sees the same settings.
    const statements = ['SET GLOBAL autoload_known_extensions = false', 'SET GLOBAL autoinstall_known_extensions = false'];
    const { memoryLimit, threads, settings, allowedPaths, allowedDirectories } = this.options;
    // Files are a capability: DuckDB opens only what the host registers or lists (see access.ts).
    statements.push(`SET GLOBAL allowed_directories = ${listLiteral([backend.filesDirectory ?? HOST_FILES_DIRECTORY, ...(allowedDirectories ?? [])])}`);
    if (allowedPaths && allowedPaths.length > 0) statements.push(`SET GLOBAL allowed_paths = ${listLiteral(allowedPaths)}`);
    statements.push('SET GLOBAL enable_external_access = false');
    if (memoryLimit !== undefined) statements.push(`SET GLOBAL memory_limit = ${quoteLiteral(`${Math.floor(memoryLimit)}B`)}`);
    if (threads !== undefined && backend.fixedThreads === undefined) statements.push(`SET GLOBAL threads = ${Math.floor(threads)}`);
    else if (threads !== undefined && Math.floor(threads) !== backend.fixedThreads) {
      // A SET would fail the start: DuckDB refuses it ("compiled without threads").
      this.options.logger?.warn(
        `[engine] threads: ${threads} asked, but this DuckDB-WASM build runs on one thread; threads need bundles.coi on a ` +
          "cross-origin-isolated page in a browser (see the README's Browser section), or engineOptions.backend 'native' in Node",
      );
    }
    for (const [name, value] of Object.entries(settings ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new ValidationError(`engineOptions.settings has an invalid setting name '${name}'; use DuckDB's setting names`, {
          issues: [{ path: `engineOptions.settings.${name}`, message: 'not a setting name' }],
        });
      }
      const literal = typeof value === 'string' ? quoteLiteral(value) : String(value);
      statements.push(`SET GLOBAL ${name} = ${literal}`);
    }
    // Last: from here on no SET, RESET or PRAGMA can undo the above — not even the host's.
    statements.push('SET GLOBAL lock_configuration = true');
    return statements.join(';\n');
  }

  // ── queries ──────────────────────────────────────────────────────────────────

  /**
   * Runs `sql` and returns its rows as objects (see convert.ts for the JS type of
   * each DuckDB type), its columns and timing. `params` bind `?` / `$1`
   * placeholders through a prepared statement (strings, numbers, booleans, null,
   * bigint — sent as a number when safe, else as its decimal string — and Date,
   * sent as an ISO string).
   *
   * With `timeoutMs` set, a statement still running after that many ms (counted
   * from when it starts, not while it queues) rejects with a TimeoutError and is
   * cancelled; the engine answers the next query. Cancellation happens between
   * DuckDB's execution slices (about 100 ms) in both modes. Statements with
   * `params` cannot be cancelled (DuckDB-WASM runs prepared statements in one
   * step): they still reject at the deadline, but their connection stays busy
   * until they finish.
   *
   * Without `timeoutMs` a statement runs in one call (fastest; in blocking mode the
   * thread is busy until it ends). Send one statement per call: for a script of
   * several, DuckDB-WASM returns the first statement's result without `timeoutMs`
   * and the last one's with it.
   *
   * Errors: QueryError with DuckDB's message and the SQL; MemoryError when DuckDB
   * runs out of memory; LifecycleError before the engine is ready.
   */
  async query<T = Record<string, unknown>>(sql: string, params?: readonly QueryParam[]): Promise<QueryResult<T>> {
    return this.queryAs<T>(undefined, sql, params);
  }

  /**
   * Like `query`, but with the rights of `access` (a plugin's), enforced by DuckDB:
   * the statement is prepared on its own (DuckDB refuses several at once), and a
   * read-only one is prepared as a subquery (DuckDB's grammar accepts only a query
   * there) and runs in a READ ONLY transaction (DuckDB refuses every write, a
   * sequence's `nextval()` included). `undefined`: the host's own rights.
   * A refused statement rejects with DuckDB's error as a QueryError.
   */
  async queryAs<T = Record<string, unknown>>(
    access: StatementAccess | undefined,
    sql: string,
    params?: readonly QueryParam[],
  ): Promise<QueryResult<T>> {
    try {
      return await this.rowsAs<T>(access, sql, params);
    } catch (error) {
      throw this.reportFailure(error, 'query', { sql });
    }
  }

  /** Like `query`, but returns the result as an apache-arrow Table (columnar, no conversion). */
  async queryArrow(sql: string, params?: readonly QueryParam[]): Promise<Table> {
    return this.queryArrowAs(undefined, sql, params);
  }

  /** Like `queryArrow`, with the rights of `access` (see `queryAs`). */
  async queryArrowAs(access: StatementAccess | undefined, sql: string, params?: readonly QueryParam[]): Promise<Table> {
    try {
      return await this.tableAs(access, sql, params);
    } catch (error) {
      throw this.reportFailure(error, 'queryArrow', { sql });
    }
  }

  /**
   * The engine for callers that report failures themselves: a plugin's context (its
   * failure is reported once, at the plugin boundary, as the plugin's) and the
   * orchestrator's own housekeeping (a failing cleanup query must not set off
   * another cleanup). Same operations, same errors; `host.onError` is not told.
   */
  readonly unreported: UnreportedEngine = {
    query: (sql, params) => this.rowsAs(undefined, sql, params),
    queryAs: (access, sql, params) => this.rowsAs(access, sql, params),
    queryArrow: (sql, params) => this.tableAs(undefined, sql, params),
    queryArrowAs: (access, sql, params) => this.tableAs(access, sql, params),
    loadData: (data, tableName, options) => this.load(data, tableName, options),
    loadFile: (source, tableName, options) => this.readFile(undefined, source, tableName, options),
    loadFileAs: (access, source, tableName, options) => this.readFile(access, source, tableName, options),
  };

  private async rowsAs<T>(access: StatementAccess | undefined, sql: string, params?: readonly QueryParam[]): Promise<QueryResult<T>> {
    this.assertReady('query');
    checkSql(sql);
    const started = performance.now();
    try {
      const result = await this.runResult(sql, params, access);
      const int64 = this.options.int64 ?? 'auto';
      const data = result instanceof Table ? tableToRows<T>(result, int64) : result.rows<T>(int64);
      const executionTime = performance.now() - started;
      this.record(sql, executionTime, data.length);
      return { data, columns: columnsOf(result.schema), metadata: { rowCount: data.length, executionTime } };
    } catch (error) {
      throw this.recordFailure(sql, started, error);
    }
  }

  private async tableAs(access: StatementAccess | undefined, sql: string, params?: readonly QueryParam[]): Promise<Table> {
    this.assertReady('queryArrow');
    checkSql(sql);
    const started = performance.now();
    try {
      const result = await this.runResult(sql, params, access);
      const table = result instanceof Table ? result : result.table();
      this.record(sql, performance.now() - started, table.numRows);
      return table;
    } catch (error) {
      throw this.recordFailure(sql, started, error);
    }
  }

  /** Runs one statement; a Table, or a RowResult from a backend that answers rows without one. */
  private runResult(sql: string, params: readonly QueryParam[] | undefined, access: StatementAccess | undefined): Promise<Table | RowResult> {
    const encoded = params && params.length > 0 ? encodeParams(params) : undefined;
    return this.limiter.run(async () => {
      const lease = await this.lease();
      if (access && isRestricted(access)) {
        // Before the time budget starts: the first restricted statement reads the policy.
        try {
          await this.accessPolicy(lease.backend, lease.conn);
        } catch (error) {
          lease.release();
          throw toQueryError(error, sql);
        }
      }
      const cancellation: Cancellation = { cancelled: false };
      const timeoutMs = this.options.timeoutMs;
      // No timer could fire during a synchronous slice: the deadline is checked between slices.
      const betweenSlices = isTimeLimit(timeoutMs) && lease.backend.synchronousSlices === true;
      if (betweenSlices) cancellation.deadline = { at: performance.now() + timeoutMs, timeoutMs };
      const execution = this.execute(lease.backend, lease.conn, sql, encoded, cancellation, access).finally(lease.release);
      const parts = betweenSlices
        ? await execution
        : await withTimeout(execution, timeoutMs, {
            ...QUERY_TIMEOUT,
            onTimeout: () => {
              cancellation.cancelled = true;
              if (!encoded) return lease.backend.cancelPending(lease.conn);
              return undefined;
            },
          });
      const first = parts[0];
      if (parts.length === 1 && isRowResult(first)) return first;
      const table = resultTable(parts);
      if (parts.length === 1 || !lostDictionaries(table)) return table;
      // DuckDB-WASM's streamed results omit dictionary batches (ENUM columns arrive
      // with empty dictionaries); the one-shot path includes them, so run it that way.
      const again = await this.lease();
      try {
        return resultTable(await this.execute(again.backend, again.conn, sql, encoded, { cancelled: false }, access, true));
      } finally {
        again.release();
      }
    });
  }

  /** Runs one statement on `conn`; resolves with the result's IPC bytes once DuckDB is done with it. */
  private async execute(
    backend: DuckDBBackend,
    conn: number,
    sql: string,
    params: unknown[] | undefined,
    cancellation: Cancellation,
    access: StatementAccess | undefined,
    oneShot = false,
  ): Promise<BackendResult[]> {
    try {
      if (access) return await this.executeRestricted(backend, conn, sql, params, cancellation, access, oneShot);
      return await this.executeText(backend, conn, sql, params, cancellation, oneShot);
    } catch (error) {
      throw toQueryError(error, sql);
    }
  }

  /** The restricted path of `queryAs`: see access.ts for what each step makes DuckDB refuse. */
  private async executeRestricted(
    backend: DuckDBBackend,
    conn: number,
    sql: string,
    params: unknown[] | undefined,
    cancellation: Cancellation,
    access: StatementAccess,
    oneShot: boolean,
  ): Promise<BackendResult[]> {
    const violation = isRestricted(access) ? accessViolation(sql, access, await this.accessPolicy(backend, conn)) : null;
    if (violation !== null) throw new QueryError(violation, { sql: shortSql(sql) });
    const text = access.write ? sql : readOnlyStatement(sql);
    if (!access.write) await backend.runQuery(conn, BEGIN_READ_ONLY);
    try {
      const statement = await backend.prepare(conn, text);
      let result: BackendResult[] | undefined;
      try {
        // A prepared statement runs in one step; with a time budget it only proved the
        // text is one statement, and the same text then runs on the cancellable path.
        if (params || oneShot || this.options.timeoutMs === undefined) result = [await backend.runPrepared(conn, statement, params ?? [])];
      } finally {
        await backend.closePrepared(conn, statement).catch(() => undefined);
      }
      return result ?? (await this.executeText(backend, conn, text, undefined, cancellation, false));
    } finally {
      // Also after a failure: the transaction is aborted then, and the connection goes back to the pool.
      if (!access.write) await backend.runQuery(conn, END_READ_ONLY).catch(() => undefined);
    }
  }

  /** Runs `sql` as given (the host's rights). */
  private async executeText(
    backend: DuckDBBackend,
    conn: number,
    sql: string,
    params: unknown[] | undefined,
    cancellation: Cancellation,
    oneShot: boolean,
  ): Promise<BackendResult[]> {
    if (params) {
      const statement = await backend.prepare(conn, sql);
      try {
        return [await backend.runPrepared(conn, statement, params)];
      } finally {
        await backend.closePrepared(conn, statement).catch(() => undefined);
      }
    }
    // Without a time budget there is nothing to cancel: one call is cheapest. The
    // pending path can be cancelled between slices; a statement done within its
    // first slice comes back whole from startPending (one worker round trip too).
    if (oneShot || this.options.timeoutMs === undefined) return [await backend.runQuery(conn, sql)];
    const finished = await backend.startPending(conn, sql);
    if (finished) return finished;
    let header: BackendResult | null = null;
    while (header === null) {
      // In blocking mode this is the only moment timers can fire.
      if (backend.mode === 'blocking') await new Promise<void>((resolve) => setImmediate(resolve));
      if (cancellation.cancelled) {
        // The statement may still run (the cancel was sent before it began): the connection is handed back once it stopped.
        await backend.cancelPending(conn);
        throw new EngineError('cancelled');
      }
      const deadline = cancellation.deadline;
      if (deadline !== undefined && performance.now() >= deadline.at) {
        await backend.cancelPending(conn);
        throw timeoutError(deadline.timeoutMs, QUERY_TIMEOUT, true);
      }
      header = await backend.pollPending(conn);
    }
    const parts = [header];
    for (;;) {
      const chunk = await backend.fetchResults(conn);
      if (chunk === null) continue;
      if (isEnd(chunk)) break;
      parts.push(chunk);
    }
    return parts;
  }

  // ── loading ──────────────────────────────────────────────────────────────────

  /**
   * Loads `data` into the table `tableName` (always quoted: any string is a name).
   * `data` may be:
   * - an array of row objects (columns: the union of their keys),
   * - column arrays `{ col: [...] | TypedArray }` of equal length,
   * - an apache-arrow Table (from this package's `apache-arrow` import),
   * - CSV text, as `{ csv: '...' }` or a plain string (header and types detected).
   *
   * Row objects and columns are built into Arrow vectors from typed arrays (see
   * ingest.ts for the inferred types) and inserted as Arrow IPC bytes — no JSON.
   * `options.mode`: `create` (default; an existing table is a ValidationError),
   * `replace`, or `append`. Resolves with the table, rows inserted and columns.
   * Loads are not subject to `timeoutMs` (an insert cannot be cancelled midway).
   */
  async loadData(data: LoadDataInput, tableName: string, options: LoadDataOptions = {}): Promise<LoadDataResult> {
    try {
      return await this.load(data, tableName, options);
    } catch (error) {
      throw this.reportFailure(error, 'loadData', { table: tableName });
    }
  }

  private async load(data: LoadDataInput, tableName: string, options: LoadDataOptions = {}): Promise<LoadDataResult> {
    this.assertReady('loadData');
    const mode = loadMode('loadData', tableName, options);
    const source = toSource(data, this.backend?.insertColumns !== undefined);
    const rowCount = await this.limiter.run(() => this.onLoadConnection((lease) => this.insert(lease.backend, lease.conn, source, tableName, mode)));
    this.metrics.rowsLoaded += rowCount;
    const info = await this.getTableInfo(tableName);
    return { tableName, rowCount, columns: info.columns.map(({ name, type }) => ({ name, type })) };
  }

  /**
   * Loads a data file into the table `tableName`: CSV, Parquet, JSON (an array of
   * objects, or one object), NDJSON (one object per line) or Arrow IPC (file or
   * stream), from a local path (Node), an http(s) URL, a File/Blob or the file's
   * bytes (Uint8Array / ArrayBuffer). The format is `options.format`, else
   * detected from the name's extension, else from the first bytes (see
   * LoadFileOptions.format).
   *
   * Read by DuckDB's own readers where the backend has them (`read_csv`
   * everywhere; `read_parquet`, `read_json` on native DuckDB); on DuckDB-WASM,
   * Parquet through `parquet-wasm` (an optional peer: `npm install parquet-wasm`;
   * in a browser pass it as `engineOptions.parquet`) and JSON through
   * DuckDB-WASM's own JSON import. A native backend reads a local path in place.
   *
   * Atomic: one transaction creates or replaces the table (an append fills a
   * temporary table and moves its rows at the end); other connections see the
   * old table or the new one whole, a bad file leaves nothing behind and an
   * existing table is untouched. `options.mode` as in `loadData` (`append` inserts by column
   * name). Errors: ValidationError naming the file and the position (line, row,
   * byte) the reader reported, a missing or unreadable file, an HTTP failure, a
   * file over `options.maxBytes` (default 1 GiB), an undetectable format;
   * MemoryError when DuckDB runs out of memory. Not subject to `timeoutMs`.
   */
  loadFile(source: LoadFileSource, tableName: string, options: LoadFileOptions = {}): Promise<LoadFileResult> {
    return this.loadFileAs(undefined, source, tableName, options);
  }

  /**
   * `loadFile` with `access`'s rights (a plugin's; see `queryAs`): a path or URL
   * needs `files`, and is read only when it is one the host allowed
   * (`allowedPaths` / `allowedDirectories`: paths compared after the file system
   * resolved symlinks and `..`, URLs after the URL parser normalised them, and
   * no redirects followed). `undefined`: the host's own rights.
   */
  async loadFileAs(access: StatementAccess | undefined, source: LoadFileSource, tableName: string, options: LoadFileOptions = {}): Promise<LoadFileResult> {
    try {
      return await this.readFile(access, source, tableName, options);
    } catch (error) {
      // DuckDB's own message when close() ended the database under the load (native: bad_weak_ptr).
      const typed = this.backend === undefined && !(error instanceof DataPrismError) ? closedWhileLoading(error) : error;
      throw this.reportFailure(typed, 'loadFile', { table: tableName });
    }
  }

  private async readFile(access: StatementAccess | undefined, source: LoadFileSource, tableName: string, options: LoadFileOptions = {}): Promise<LoadFileResult> {
    this.assertReady('loadFile');
    const mode = loadMode('loadFile', tableName, options);
    const fileAccess: FileAccess =
      // Any rights given are a plugin's: even with every right it reads only what the host allowed DuckDB to open.
      access === undefined
        ? { kind: 'host' }
        : { kind: 'restricted', files: access.files, allowed: [...(this.options.allowedDirectories ?? []), ...(this.options.allowedPaths ?? [])] };
    checkFileOptions(options);
    // close() aborts a download in flight too: a server that never finishes must not hold the caller past it.
    const closing = this.closing.signal;
    const signal = options.signal ? AbortSignal.any([options.signal, closing]) : closing;
    options = { ...options, signal };
    const file = await resolveSource(source, options, fileAccess, platform);
    const format = formatOf(file, options);
    const { rows, columns } = await this.fileLoads.run(tableName, () =>
      this.limiter.run(() =>
        this.onLoadConnection(async (lease) => {
          try {
            const { tableFunctions } = await this.accessPolicy(lease.backend, lease.conn);
            const ctx = { backend: lease.backend, conn: lease.conn, tableFunctions, parquet: () => this.parquetModule() };
            return await loadFileAtomically(ctx, file, format, tableName, mode, options);
          } catch (error) {
            throw toQueryError(error, `loadFile into ${quoteIdentifier(tableName)}`, 'loadFile');
          }
        }),
      ),
    );
    this.metrics.rowsLoaded += rows;
    return { tableName, rowCount: rows, columns, format, source: file.label, bytes: file.size };
  }

  private parquetModule(): Promise<ParquetWasmModule> {
    return this.options.parquet ? Promise.resolve(this.options.parquet) : loadParquetWasm(platform.kind);
  }

  private async insert(
    backend: DuckDBBackend,
    conn: number,
    source: LoadSource,
    tableName: string,
    mode: 'create' | 'replace' | 'append',
  ): Promise<number> {
    const exists = await this.tableExists(backend, conn, tableName);
    if (exists && mode === 'create') {
      throw new ValidationError(
        `table '${tableName}' already exists; pass { mode: 'replace' } to overwrite it or { mode: 'append' } to add rows`,
        { issues: [{ path: 'tableName', message: 'exists' }] },
      );
    }
    // One transaction: an insert that fails midway (a value DuckDB refuses) leaves no half-made
    // table behind, and a replace that fails keeps the table it was to replace.
    await backend.runQuery(conn, 'BEGIN TRANSACTION');
    let committed = false;
    try {
      const rows = await this.insertInTransaction(backend, conn, source, tableName, mode, exists);
      await backend.runQuery(conn, 'COMMIT').catch((error: unknown) => {
        throw toQueryError(error, `loadData into ${quoteIdentifier(tableName)}`, 'loadData');
      });
      committed = true;
      return rows;
    } finally {
      if (!committed) await backend.runQuery(conn, 'ROLLBACK').catch(() => undefined);
    }
  }

  private async insertInTransaction(
    backend: DuckDBBackend,
    conn: number,
    source: LoadSource,
    tableName: string,
    mode: 'create' | 'replace' | 'append',
    exists: boolean,
  ): Promise<number> {
    try {
      if (exists && mode === 'replace') await backend.runQuery(conn, `DROP TABLE ${quoteIdentifier(tableName)}`);
      const create = !exists || mode === 'replace';
      if ('ipc' in source) {
        await backend.insertArrowIPC(conn, source.ipc, { name: tableName, create });
        return source.rows;
      }
      if ('columns' in source) {
        if (!backend.insertColumns) throw new EngineError('this backend cannot insert columns');
        await backend.insertColumns(conn, source.columns, { name: tableName, create });
        return source.columns.rowCount;
      }
      const before = create ? 0 : await this.countRows(backend, conn, tableName);
      const file = `${HOST_FILES_DIRECTORY}load_${Date.now().toString(36)}_${++tempCounter}.csv`;
      await backend.registerFileText(file, source.csv);
      try {
        await backend.insertCSV(conn, file, { name: tableName, create });
      } finally {
        await backend.dropFile(file).catch(() => undefined);
      }
      return (await this.countRows(backend, conn, tableName)) - before;
    } catch (error) {
      throw toQueryError(error, `loadData into ${quoteIdentifier(tableName)}`, 'loadData');
    }
  }

  private async tableExists(backend: DuckDBBackend, conn: number, tableName: string): Promise<boolean> {
    const bytes = await backend.runQuery(
      conn,
      `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE lower(table_name) = lower(${quoteLiteral(tableName)}) AND schema_name = current_schema() AND database_name = current_database()`,
    );
    return (resultTable([bytes]).getChildAt(0)?.get(0) as number) > 0;
  }

  private async countRows(backend: DuckDBBackend, conn: number, tableName: string): Promise<number> {
    const bytes = await backend.runQuery(conn, `SELECT count(*)::DOUBLE AS n FROM ${quoteIdentifier(tableName)}`);
    return resultTable([bytes]).getChildAt(0)?.get(0) as number;
  }

  /**
   * Summarises `data` (any `loadData` input): loads it into a uniquely named
   * table, computes per column its type, nulls, exact distinct count, min, max
   * and (numeric columns) mean, and drops the table again — also when something
   * fails. Returns `{ rowCount, columns }`.
   */
  async processData(data: LoadDataInput): Promise<DataSummary> {
    this.assertReady('processData');
    const tableName = `__dataprism_process_${Date.now().toString(36)}_${++tempCounter}`;
    try {
      const loaded = await this.loadData(data, tableName);
      const result = await this.query(summarySql(tableName, loaded.columns));
      return readSummary(result.data[0] ?? {}, loaded.columns);
    } finally {
      await this.dropQuietly(tableName);
    }
  }

  private async dropQuietly(tableName: string): Promise<void> {
    if (!this.backend) return;
    await this.limiter
      .run(async () => {
        const lease = await this.lease();
        try {
          await lease.backend.runQuery(lease.conn, `DROP TABLE IF EXISTS ${quoteIdentifier(tableName)}`);
        } finally {
          lease.release();
        }
      })
      .catch((error: unknown) => this.options.logger?.warn(`could not drop temporary table ${tableName}: ${messageOf(error)}`));
  }

  // ── introspection ────────────────────────────────────────────────────────────

  /** Names of the tables in the current schema, sorted. */
  async listTables(): Promise<string[]> {
    this.assertReady('listTables');
    const result = await this.query<{ table_name: string }>(
      'SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema() AND database_name = current_database() ORDER BY table_name',
    );
    return result.data.map((r) => r.table_name);
  }

  /** Columns (name, DuckDB type, nullability) and row count of `tableName`; ValidationError if it does not exist. */
  async getTableInfo(tableName: string): Promise<TableInfo> {
    this.assertReady('getTableInfo');
    const columns = await this.query<{ name: string; type: string; nullable: boolean }>(
      `SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM duckdb_columns()
       WHERE table_name = ? AND schema_name = current_schema() AND database_name = current_database() ORDER BY column_index`,
      [tableName],
    );
    if (columns.data.length === 0) {
      throw new ValidationError(`table '${tableName}' does not exist; listTables() shows the tables there are`, {
        issues: [{ path: 'tableName', message: 'no such table' }],
      });
    }
    const count = await this.query<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdentifier(tableName)}`);
    return { name: tableName, columns: columns.data, rowCount: Number(count.data[0]!.n) };
  }

  /** Counters since construction; available in every state. */
  getMetrics(): EngineMetrics {
    const { queriesRun, queriesFailed, totalExecutionTime, rowsLoaded } = this.metrics;
    return {
      queriesRun,
      queriesFailed,
      totalExecutionTime,
      averageExecutionTime: queriesRun === 0 ? 0 : totalExecutionTime / queriesRun,
      rowsLoaded,
      inFlight: this.limiter.active,
      queued: this.limiter.pending,
    };
  }

  /** The engine's state (from its actor), version, mode and limits; available in every state. */
  getStatus(): EngineStatus {
    return {
      state: this.host.state(),
      version: this.version,
      backend: this.options.backend ?? 'wasm',
      mode: this.mode(),
      memoryLimit: this.options.memoryLimit,
      timeoutMs: this.options.timeoutMs,
      maxConcurrency: this.limiter.maxConcurrency,
      connections: this.connectionCount,
      inFlight: this.limiter.active,
      queued: this.limiter.pending,
    };
  }

  /**
   * Asks the engine's owner to close it. For an engine from `createEngine()` this
   * sends CLOSE to its actor and resolves once it is `closed`. Inside an
   * orchestrator the orchestrator owns the engine: call `orchestrator.shutdown()`
   * (this throws a LifecycleError saying so).
   */
  async close(): Promise<void> {
    if (!this.host.requestClose) {
      throw new LifecycleError('this engine belongs to an orchestrator; call orchestrator.shutdown() to close it', {
        state: this.host.state(),
        component: 'engine',
      });
    }
    await this.host.requestClose();
  }

  /**
   * Runs `action` of the plugin `name` through the orchestrator's plugin registry.
   * LifecycleError when no registry is attached (a standalone engine).
   */
  async executePlugin(name: string, action: string, params?: unknown): Promise<unknown> {
    this.assertReady('executePlugin');
    if (!this.host.executePlugin) {
      throw new LifecycleError(
        `cannot run plugin '${name}': this engine has no plugin registry; use orchestrator.getEngine() from an initialized orchestrator`,
        { state: this.host.state(), component: 'engine' },
      );
    }
    return this.host.executePlugin(name, action, params);
  }

  /**
   * The duckdb-wasm database underneath (`AsyncDuckDB` in worker mode, the
   * blocking bindings in blocking mode), or undefined when not open. For
   * diagnostics and benchmark baselines only: work done through it bypasses the
   * concurrency limit, timeouts, metrics and type conversion.
   */
  unsafeDuckDB(): unknown {
    return this.backend?.raw;
  }

  // ── internals ────────────────────────────────────────────────────────────────

  private assertReady(operation: string): void {
    const state = this.host.state();
    if (state === 'ready' && this.backend) return;
    const why =
      state === 'idle' || state === 'starting'
        ? 'it has not started; call orchestrator.initialize() first (or use createEngine())'
        : state === 'restarting'
          ? 'it is restarting; retry when it is ready again'
          : state === 'failed'
            ? 'it failed; restart it or initialize a new orchestrator'
            : 'it was shut down; call orchestrator.initialize() first (or create a new engine)';
    throw new LifecycleError(`engine.${operation}() needs a ready engine, but the engine is '${state}': ${why}`, {
      state,
      component: 'engine',
    });
  }

  /** Runs a load on a leased connection; one whose load failed is closed, not pooled (see `lease`). */
  private async onLoadConnection<T>(load: (lease: { backend: DuckDBBackend; conn: number }) => Promise<T>): Promise<T> {
    const lease = await this.lease();
    let failed = true;
    try {
      const result = await load(lease);
      failed = false;
      return result;
    } finally {
      lease.release(failed);
    }
  }

  /**
   * A pooled connection for one operation; `release` returns it, or with
   * `broken` closes it instead: after a failed Arrow insert DuckDB-WASM keeps the
   * failed stream on its connection and fails every later insert there with the
   * same error (measured with 1.32), so a load that failed never hands its
   * connection to the next one.
   */
  private async lease(): Promise<{ backend: DuckDBBackend; conn: number; release: (broken?: boolean) => void }> {
    const backend = this.backend;
    if (!backend) throw new EngineError('the engine was closed while the operation waited; initialize it again');
    backend.hold();
    let conn = this.freeConnections.pop();
    if (conn === undefined) {
      try {
        conn = await backend.connect();
      } catch (error) {
        backend.release();
        throw error;
      }
      this.connectionCount++;
    }
    const leased = conn;
    return {
      backend,
      conn: leased,
      release: (broken = false) => {
        backend.release();
        // A connection of a terminated backend is gone with it.
        if (this.backend !== backend) return;
        if (!broken) {
          this.freeConnections.push(leased);
          return;
        }
        this.connectionCount--;
        backend.disconnect(leased).catch((error: unknown) => this.options.logger?.warn(`closing a connection after a failed load failed: ${messageOf(error)}`));
      },
    };
  }

  private record(sql: string, durationMs: number, rowCount: number): void {
    this.metrics.queriesRun++;
    this.metrics.totalExecutionTime += durationMs;
    this.host.onQuery?.({ sql, durationMs, rowCount });
  }

  /** Tells the host about a failed operation (its ErrorHandler); returns the error to throw. */
  private reportFailure(error: unknown, operation: string, metadata: Record<string, unknown>): unknown {
    const report = this.host.onError?.bind(this.host);
    if (report !== undefined && error instanceof Error) {
      // The host's reporting is not the caller's problem: it must never replace the error.
      try {
        report(error, { operation, metadata });
      } catch (reportError) {
        this.options.logger?.error(`[engine] reporting a failed ${operation} threw: ${messageOf(reportError)}`);
      }
    }
    return error;
  }

  private recordFailure(sql: string, started: number, error: unknown): DataPrismError {
    const typed = toQueryError(error, sql);
    const durationMs = performance.now() - started;
    this.metrics.queriesRun++;
    this.metrics.queriesFailed++;
    this.metrics.totalExecutionTime += durationMs;
    this.host.onQuery?.({ sql: shortSql(sql), durationMs, rowCount: 0, error: typed });
    return typed;
  }
}

/** True when a dictionary-encoded column has keys but no dictionary values. */
function lostDictionaries(table: Table): boolean {
  for (const field of table.schema.fields) {
    if (field.type.typeId !== Type.Dictionary) continue;
    const vector = table.getChild(field.name);
    for (const data of vector?.data ?? []) {
      const dictionary = (data as unknown as { dictionary?: { length: number } }).dictionary;
      if (data.length > data.nullCount && (!dictionary || dictionary.length === 0)) return true;
    }
  }
  return false;
}

/** One Table from a backend's result parts: IPC bytes (header and batches) or a Table already built. */
function resultTable(parts: readonly BackendResult[]): Table {
  return parts.length === 1 ? resultAsTable(parts[0]!) : tableFromParts(parts as Uint8Array[]);
}

function isRowResult(part: BackendResult | undefined): part is RowResult {
  return part !== undefined && !(part instanceof Uint8Array) && !(part instanceof Table);
}

/** True for the empty IPC chunk that ends a streamed result. */
function isEnd(chunk: BackendResult): boolean {
  return chunk instanceof Uint8Array && chunk.length === 0;
}

/** A DuckDB list of string literals. */
function listLiteral(values: readonly string[]): string {
  return `[${values.map((v) => quoteLiteral(String(v))).join(', ')}]`;
}

/** The load mode of `options` after checking the table name; a ValidationError naming `operation` otherwise. */
function closedWhileLoading(cause?: unknown): EngineError {
  return new EngineError('the engine was closed while loadFile ran; nothing was loaded — initialize the engine again and retry', { component: 'engine', cause });
}

function loadMode(operation: string, tableName: string, options: LoadDataOptions): 'create' | 'replace' | 'append' {
  if (typeof tableName !== 'string' || tableName.length === 0) {
    throw new ValidationError(`${operation} needs a table name: a non-empty string`, {
      issues: [{ path: 'tableName', message: 'missing or empty' }],
    });
  }
  quoteIdentifier(tableName);
  const mode = options.mode ?? 'create';
  if (mode !== 'create' && mode !== 'replace' && mode !== 'append') {
    throw new ValidationError(`${operation} mode must be 'create', 'replace' or 'append', got '${String(mode)}'`, {
      issues: [{ path: 'options.mode', message: 'invalid' }],
    });
  }
  return mode;
}

function checkSql(sql: unknown): void {
  if (typeof sql !== 'string' || sql.trim().length === 0) {
    throw new ValidationError('query needs SQL text: a non-empty string', { issues: [{ path: 'sql', message: 'missing or empty' }] });
  }
}

function validateOptions(options: EngineOptions): void {
  const issues: { path: string; message: string }[] = [];
  const positive = (key: keyof EngineOptions, integer: boolean) => {
    const v = options[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      issues.push({ path: `engineOptions.${key}`, message: `must be a positive ${integer ? 'integer' : 'number'}, got ${String(v)}` });
    }
  };
  positive('memoryLimit', false);
  positive('timeoutMs', false);
  positive('maxConcurrency', true);
  positive('threads', true);
  if (options.mode !== undefined && options.mode !== 'worker' && options.mode !== 'blocking') {
    issues.push({ path: 'engineOptions.mode', message: `must be 'worker' or 'blocking', got '${String(options.mode)}'` });
  }
  if (options.backend !== undefined && options.backend !== 'wasm' && options.backend !== 'native') {
    issues.push({ path: 'engineOptions.backend', message: `must be 'wasm' or 'native', got '${String(options.backend)}'` });
  }
  if (options.backend === 'native' && options.mode !== undefined) {
    issues.push({ path: 'engineOptions.mode', message: "applies to backend 'wasm' only; remove it, or use backend 'wasm'" });
  }
  if (options.int64 !== undefined && options.int64 !== 'auto' && options.int64 !== 'bigint') {
    issues.push({ path: 'engineOptions.int64', message: `must be 'auto' or 'bigint', got '${String(options.int64)}'` });
  }
  if (issues.length > 0) throw ValidationError.fromResult('engineOptions', { valid: false, errors: issues, warnings: [] }, { component: 'engine' });
}

/** Parameters as duckdb-wasm sends them (JSON): bigint and Date become numbers or strings DuckDB casts back. */
function encodeParams(params: readonly QueryParam[]): unknown[] {
  return params.map((p, i) => {
    if (p === null || typeof p === 'string' || typeof p === 'boolean') return p;
    if (typeof p === 'number') {
      if (!Number.isFinite(p)) {
        throw new ValidationError(`parameter ${i + 1} is ${p}, which cannot be bound; use NULL or write it in the SQL ('NaN'::DOUBLE)`, {
          issues: [{ path: `params[${i}]`, message: 'not finite' }],
        });
      }
      return p;
    }
    if (typeof p === 'bigint') return Number.isSafeInteger(Number(p)) ? Number(p) : p.toString();
    if (p instanceof Date) return p.toISOString();
    throw new ValidationError(`parameter ${i + 1} has type ${typeof p}; bind strings, numbers, booleans, bigints, Dates or null`, {
      issues: [{ path: `params[${i}]`, message: 'unsupported type' }],
    });
  });
}

/** What `loadData` hands a backend: Arrow IPC, row objects' typed columns (a backend that takes them), or CSV text. */
type LoadSource = { ipc: Uint8Array; rows: number } | { columns: RowColumns } | { csv: string };

function toSource(data: LoadDataInput, columnar: boolean): LoadSource {
  if (typeof data === 'string') return { csv: data };
  if (data instanceof Table) {
    checkArrowSchema(data.schema);
    return { ipc: tableToIPCStream(float16AsFloat32(data)), rows: data.numRows };
  }
  if (Array.isArray(data)) {
    if (columnar) return { columns: rowsToColumns(data as readonly Record<string, unknown>[]) };
    const table = rowsToTable(data as readonly Record<string, unknown>[]);
    return { ipc: tableToIPCStream(table), rows: table.numRows };
  }
  if (data !== null && typeof data === 'object') {
    if ('csv' in data && typeof (data as { csv: unknown }).csv === 'string' && Object.keys(data).length === 1) {
      return { csv: (data as { csv: string }).csv };
    }
    if ('schema' in data && 'batches' in data) {
      throw new ValidationError(
        'this Arrow Table comes from another copy of apache-arrow; build it with the apache-arrow this package depends on, or pass rows or columns',
        { issues: [{ path: 'data', message: 'foreign Arrow Table' }] },
      );
    }
    const columns = data as Record<string, unknown>;
    for (const [name, column] of Object.entries(columns)) {
      if (!Array.isArray(column) && !ArrayBuffer.isView(column)) {
        throw new ValidationError(`column '${name}' is not an array; column data looks like { ${name}: [...] }`, {
          issues: [{ path: name, message: 'not an array' }],
        });
      }
    }
    const table = columnsToTable(columns as Record<string, ArrayLike<unknown>>);
    return { ipc: tableToIPCStream(table), rows: table.numRows };
  }
  throw new ValidationError('loadData takes row objects, column arrays, an Arrow Table, or CSV text', {
    issues: [{ path: 'data', message: `unsupported ${data === null ? 'null' : typeof data}` }],
  });
}

function tableToIPCStream(table: Table): Uint8Array {
  return tableToIPC(table, 'stream');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

