/**
 * Native DuckDB (@duckdb/node-api, an optional peer dependency) behind the same
 * backend interface as DuckDB-WASM: for Node users whose data outgrows a tab.
 *
 * Differences from the wasm backends, and why:
 * - results are Arrow Tables built from native values in this process (see
 *   nativeToArrow.ts), not IPC bytes: the native module shares our apache-arrow,
 *   and an IPC round trip would cost more than the query;
 * - statements run on libuv's thread pool, so JavaScript keeps running while one
 *   executes and a timeout interrupts it (`connection.interrupt()`) instead of
 *   polling it slice by slice: the cancellable path costs what the plain one does;
 * - there is no virtual file system: text the host registers (CSV for loadData)
 *   is written to a private temporary directory, the only one DuckDB may read.
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance, DuckDBMaterializedResult, DuckDBPreparedStatement, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { EngineError } from '../../errors/EngineError.js';
import type { Logger } from '../../events/types.js';
import type { BackendResult, CsvInsertOptions, DuckDBBackend, InsertOptions } from '../backend.js';
import { quoteIdentifier, quoteLiteral as quote } from '../sql.js';
import { NativeRowResult } from './nativeRows.js';
import type { RowColumns } from '../ingest.js';
import { appendArrowTable, createTableSql } from './nativeAppend.js';
import { appendColumns, createTableSqlForColumns } from './nativeColumns.js';

type NodeApi = typeof import('@duckdb/node-api');

/** How long one `startPending` / `pollPending` call waits for a running statement before answering "still running". */
const SLICE_MS = 100;

/** How often an interrupt is sent again while the interrupted work has not settled. */
const INTERRUPT_REPEAT_MS = 20;

/**
 * Interrupts `connections` until `work` settles. DuckDB clears a connection's
 * interrupt flag when a statement begins, so an interrupt sent while the
 * statement still waits for a thread of libuv's pool is lost: the statement then
 * runs to its end (for a cross product, for ever) holding its connection, and
 * every later statement on it, and close(), waits behind it.
 */
function interruptUntilSettled(connections: () => Iterable<DuckDBConnection>, work: Promise<unknown>): Promise<void> {
  const interrupt = () => {
    for (const connection of connections()) connection.interrupt();
  };
  interrupt();
  const repeat = setInterval(interrupt, INTERRUPT_REPEAT_MS);
  return work.then(
    () => clearInterval(repeat),
    () => clearInterval(repeat),
  );
}

interface Running {
  readonly done: Promise<NativeRowResult>;
  settled: NativeRowResult | Error | undefined;
}

export interface NativeBackendOptions {
  /** Database file; `:memory:` (default) keeps it in memory. */
  path?: string;
  logger?: Logger;
}

export class NativeBackend implements DuckDBBackend {
  readonly mode = 'native' as const;
  private instance: DuckDBInstance | undefined;
  private readonly connections = new Map<number, DuckDBConnection>();
  private readonly statements = new Map<number, DuckDBPreparedStatement>();
  private readonly running = new Map<number, Running>();
  /** Connections whose statement was interrupted and has not stopped yet. */
  private readonly stopping = new Map<number, Promise<boolean>>();
  /** DuckDB calls not yet settled (see terminate). */
  private readonly inflight = new Set<Promise<unknown>>();
  private nextHandle = 1;

  private constructor(
    private readonly api: NodeApi,
    instance: DuckDBInstance,
    /** The real directory behind the engine's host-files directory (see the header). */
    readonly filesDirectory: string,
  ) {
    this.instance = instance;
  }

  /** Loads @duckdb/node-api and opens the database; a clear EngineError where it cannot be had. */
  static async start(options: NativeBackendOptions = {}): Promise<NativeBackend> {
    if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
      throw new EngineError("engineOptions.backend 'native' runs in Node only; in a browser use backend 'wasm' (the default)");
    }
    let api: NodeApi;
    try {
      // A variable specifier: bundlers must not try to resolve an optional, Node-only peer.
      const specifier = '@duckdb/node-api';
      api = (await import(/* @vite-ignore */ specifier)) as NodeApi;
    } catch (cause) {
      throw new EngineError(
        "engineOptions.backend 'native' needs the optional peer dependency @duckdb/node-api: run `npm install @duckdb/node-api`",
        { cause },
      );
    }
    const [fs, os, path] = await Promise.all([import('node:fs/promises'), import('node:os'), import('node:path')]);
    const filesDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'dataprism-native-'));
    let instance: DuckDBInstance;
    try {
      instance = await api.DuckDBInstance.create(options.path ?? ':memory:', {
        autoload_known_extensions: 'false',
        autoinstall_known_extensions: 'false',
      });
    } catch (cause) {
      throw new EngineError(`native DuckDB could not open ${options.path ?? 'an in-memory database'}: ${messageOf(cause)}`, { cause });
    }
    options.logger?.debug(`native DuckDB opened (${options.path ?? ':memory:'})`);
    return new NativeBackend(api, instance, filesDirectory);
  }

  get raw(): DuckDBInstance | undefined {
    return this.instance;
  }

  async getVersion(): Promise<string> {
    const conn = await this.db().connect();
    try {
      const reader = await conn.runAndReadAll('SELECT version()');
      return String(reader.getRows()[0]?.[0]);
    } finally {
      conn.closeSync();
    }
  }

  async connect(): Promise<number> {
    const instance = this.db();
    // Tracked, so that terminate() waits for it: a connection DuckDB hands out after
    // the instance closed never answers, and a caller waiting on it would hang.
    const connection = await this.track(instance.connect());
    if (this.instance !== instance) {
      connection.closeSync();
      throw new EngineError('the engine was closed while a connection opened; create or initialize a new one');
    }
    const handle = this.nextHandle++;
    this.connections.set(handle, connection);
    return handle;
  }

  disconnect(conn: number): Promise<void> {
    this.connections.get(conn)?.closeSync();
    this.connections.delete(conn);
    return Promise.resolve();
  }

  async runQuery(conn: number, sql: string): Promise<BackendResult> {
    return this.read(this.connection(conn), sql);
  }

  async startPending(conn: number, sql: string): Promise<BackendResult[] | null> {
    const connection = this.connection(conn);
    const running: Running = { done: this.read(connection, sql), settled: undefined };
    running.done.then(
      (table) => (running.settled = table),
      (error: unknown) => (running.settled = error instanceof Error ? error : new Error(String(error))),
    );
    this.running.set(conn, running);
    const table = await this.pollPending(conn);
    return table === null ? null : [table];
  }

  async pollPending(conn: number): Promise<BackendResult | null> {
    const running = this.running.get(conn);
    if (!running) throw new EngineError('no statement is running on this connection');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slice = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SLICE_MS)));
    try {
      const table = await Promise.race([running.done, slice]);
      if (table === null) return null;
      return table;
    } finally {
      clearTimeout(timer);
      if (running.settled !== undefined) this.running.delete(conn);
    }
  }

  cancelPending(conn: number): Promise<boolean> {
    const running = this.running.get(conn);
    // Asked again while the first cancellation still waits for its statement: the same answer, when it is true.
    if (!running) return this.stopping.get(conn) ?? Promise.resolve(false);
    this.running.delete(conn);
    const connection = this.connection(conn);
    // Answered once the statement has stopped, so its connection is free when the caller goes on.
    const stopped = interruptUntilSettled(() => [connection], running.done).then(() => true);
    this.stopping.set(conn, stopped);
    void stopped.then(() => this.stopping.delete(conn));
    return stopped;
  }

  fetchResults(): Promise<BackendResult | null> {
    // startPending / pollPending answered the whole result at once.
    return Promise.resolve(new Uint8Array(0));
  }

  async prepare(conn: number, sql: string): Promise<number> {
    const statement = await this.track(this.connection(conn).prepare(sql));
    const handle = this.nextHandle++;
    this.statements.set(handle, statement);
    return handle;
  }

  async runPrepared(_conn: number, statement: number, params: readonly unknown[]): Promise<BackendResult> {
    const prepared = this.statements.get(statement);
    if (!prepared) throw new EngineError('the prepared statement was closed');
    const { DOUBLE, VARCHAR, BOOLEAN, SQLNULL } = this.api;
    // DuckDB-WASM binds every JavaScript number as DOUBLE; so does this backend, so results match.
    const types: DuckDBType[] = params.map((p) =>
      p === null ? SQLNULL : typeof p === 'number' ? DOUBLE : typeof p === 'boolean' ? BOOLEAN : VARCHAR,
    );
    prepared.bind(params as DuckDBValue[], types);
    return toTable(await this.track(prepared.run()));
  }

  closePrepared(_conn: number, statement: number): Promise<void> {
    this.statements.get(statement)?.destroySync();
    this.statements.delete(statement);
    return Promise.resolve();
  }

  async insertArrowIPC(conn: number, ipc: Uint8Array, options: InsertOptions): Promise<void> {
    const table = tableFromIPC(ipc);
    await this.append(conn, options, () => createTableSql(options.name, table.schema), (appender) => appendArrowTable(this.api, appender, table));
  }

  async insertColumns(conn: number, columns: RowColumns, options: InsertOptions): Promise<void> {
    await this.append(conn, options, () => createTableSqlForColumns(options.name, columns), (appender) => appendColumns(this.api, appender, columns));
  }

  /** Creates the table if asked, then fills it through one appender. */
  private async append(conn: number, options: InsertOptions, createSql: () => string, fill: (appender: DuckDBAppender) => void): Promise<void> {
    const connection = this.connection(conn);
    if (options.create) await this.track(connection.run(createSql()));
    const appender = await this.track(connection.createAppender(options.name));
    try {
      fill(appender);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  async insertCSV(conn: number, fileName: string, options: CsvInsertOptions): Promise<void> {
    const path = this.realPath(fileName);
    const reader = `read_csv(${quote(path)}${options.header === undefined ? '' : `, header = ${options.header}`}${
      options.delimiter === undefined ? '' : `, delim = ${quote(options.delimiter)}`
    })`;
    const target = quoteIdentifier(options.name);
    await this.track(this.connection(conn).run(options.create ? `CREATE TABLE ${target} AS FROM ${reader}` : `INSERT INTO ${target} FROM ${reader}`));
  }

  async registerFileText(name: string, text: string): Promise<void> {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(this.realPath(name), text);
  }

  async registerFileBuffer(name: string, bytes: Uint8Array): Promise<void> {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(this.realPath(name), bytes);
  }

  async registerFilePath(name: string, hostPath: string): Promise<void> {
    // DuckDB reads only the engine's own directory (allowed_directories) and
    // resolves symlinks before it checks, so the file enters that directory as a
    // hard link (no copy) where it shares the file system, else as a copy.
    const { link, copyFile, constants } = await import('node:fs/promises');
    const target = this.realPath(name);
    try {
      await link(hostPath, target);
    } catch {
      await copyFile(hostPath, target, constants.COPYFILE_FICLONE);
    }
  }

  async insertJSON(conn: number, fileName: string, options: InsertOptions): Promise<void> {
    const target = quoteIdentifier(options.name);
    const reader = `read_json(${quote(this.realPath(fileName))}, format = 'array')`;
    await this.track(this.connection(conn).run(options.create ? `CREATE TABLE ${target} AS FROM ${reader}` : `INSERT INTO ${target} FROM ${reader}`));
  }

  async dropFile(name: string): Promise<void> {
    // One unlink (a registered name is a file or a hard link, never a directory); gone already is fine.
    const { unlink } = await import('node:fs/promises');
    await unlink(this.realPath(name)).catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    });
  }

  hold(): void {
    // Native statements keep the event loop alive on their own while they run.
  }
  release(): void {}

  async terminate(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    // Closing a connection while DuckDB still runs a statement on it crashes the
    // process (a segfault, e.g. close() during a loadFile): stop them and wait first.
    await interruptUntilSettled(() => this.connections.values(), Promise.allSettled([...this.inflight]));
    for (const statement of this.statements.values()) statement.destroySync();
    this.statements.clear();
    for (const connection of this.connections.values()) connection.closeSync();
    this.connections.clear();
    instance?.closeSync();
    const { rm } = await import('node:fs/promises');
    await rm(this.filesDirectory, { recursive: true, force: true });
  }

  /** `work` counted as in flight until it settles, so terminate() can wait for it. */
  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    void work.then(
      () => this.inflight.delete(work),
      () => this.inflight.delete(work),
    );
    return work;
  }

  private async read(connection: DuckDBConnection, sql: string): Promise<NativeRowResult> {
    return toTable(await this.track(connection.run(sql)));
  }

  /** Host-registered names are paths under the engine's host-files directory; they live in `filesDirectory`. */
  private realPath(name: string): string {
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (base.length === 0 || base === '.' || base === '..') throw new EngineError(`not a file name: ${JSON.stringify(name)}`);
    return `${this.filesDirectory}/${base}`;
  }

  private connection(conn: number): DuckDBConnection {
    const connection = this.connections.get(conn);
    if (!connection) throw new EngineError('the engine was closed; create or initialize a new one');
    return connection;
  }

  private db(): DuckDBInstance {
    if (!this.instance) throw new EngineError('the engine was closed; create or initialize a new one');
    return this.instance;
  }
}

/** A materialized native result, chunk by chunk: rows or an Arrow Table when asked (nativeRows.ts). */
function toTable(result: DuckDBMaterializedResult): NativeRowResult {
  const chunks = [];
  for (let i = 0; i < result.chunkCount; i++) chunks.push(result.getChunk(i).getColumns());
  return new NativeRowResult({ names: result.columnNames(), types: result.columnTypes(), chunks });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
