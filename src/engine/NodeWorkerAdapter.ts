/**
 * Presents a `node:worker_threads` Worker with the Web Worker interface that
 * duckdb-wasm's AsyncDuckDB expects (postMessage, add/removeEventListener,
 * terminate), running the package's own `duckdb-node-*.worker.cjs`.
 *
 * That worker script talks through `globalThis.postMessage` / `globalThis.onmessage`
 * like a Web Worker; a few lines of bootstrap wire them to `parentPort`. The
 * bootstrap also routes the worker's console output (duckdb-wasm logs every
 * failed statement there) to the engine's logger instead of stdout.
 *
 * After duckdb-wasm's script, the bootstrap installs pendingBatch.ts's handler,
 * so a cancellable statement that finishes in its first slice costs one round
 * trip (`startPendingBatch`).
 *
 * The worker is referenced only while the engine has work in flight (`ref` /
 * `unref`), so an engine that is never closed does not keep the process alive,
 * while a pending query does.
 */
import { Worker } from 'node:worker_threads';
import { PENDING_BATCH_REQUEST, PENDING_BATCH_WORKER_SCRIPT, isPendingBatchMessage, readPendingBatch, type PendingBatchResult } from './pendingBatch.js';

const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const { format } = require('node:util');
globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => parentPort.postMessage({ __dataprismLog: level, text: format(...args).slice(0, 4000) });
}
parentPort.on('message', (data) => {
  const handler = globalThis.onmessage;
  if (handler) handler({ data });
});
require(workerData.script);
${PENDING_BATCH_WORKER_SCRIPT}
`;

type Listener = (event: unknown) => void;

/** A log line printed inside the worker. */
export interface WorkerLogLine {
  level: string;
  text: string;
}

export class NodeWorkerAdapter {
  private readonly worker: Worker;
  private readonly listeners = new Map<string, Set<Listener>>();
  private exited = false;
  private terminating = false;
  /** Pending-batch requests in flight, by their (negative) id. */
  private readonly batches = new Map<number, { resolve: (result: PendingBatchResult) => void; reject: (error: Error) => void }>();
  private nextBatchId = -1;

  /**
   * Starts `script` (an absolute path of a duckdb-node worker bundle) in a worker thread.
   * `onLog` receives the worker's console output; `onExit` is told when the worker
   * ends without `terminate()` (a crash).
   */
  constructor(
    script: string,
    private readonly hooks: { onLog?: (line: WorkerLogLine) => void; onExit?: (error: Error) => void } = {},
  ) {
    // The bootstrap is CommonJS; a worker inherits the parent's execArgv, and `--input-type=module`
    // (node -e with ES modules) would evaluate it as an ES module, where `require` does not exist.
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));
    this.worker = new Worker(BOOTSTRAP, { eval: true, workerData: { script }, execArgv });
    this.worker.unref();
    this.worker.on('message', (data: unknown) => {
      if (data !== null && typeof data === 'object' && '__dataprismLog' in data) {
        const line = data as { __dataprismLog: string; text: string };
        this.hooks.onLog?.({ level: line.__dataprismLog, text: line.text });
        return;
      }
      if (isPendingBatchMessage(data)) {
        this.settleBatch(data.__dataprismPendingBatch, data.replies);
        return;
      }
      this.dispatch('message', { data });
    });
    this.worker.on('error', (error: Error) => {
      this.hooks.onLog?.({ level: 'error', text: `DuckDB worker error: ${error.message}` });
      this.dispatch('error', { message: error.message, error });
    });
    this.worker.on('exit', (code: number) => {
      this.exited = true;
      const gone = new Error(`the DuckDB worker exited (exit code ${code})`);
      for (const batch of this.batches.values()) batch.reject(gone);
      this.batches.clear();
      this.dispatch('close', {});
      if (!this.terminating) this.hooks.onExit?.(new Error(`the DuckDB worker exited unexpectedly (exit code ${code})`));
    });
  }

  /** True once the worker thread has ended. */
  get hasExited(): boolean {
    return this.exited;
  }

  /** Web Worker API: posts a message, transferring `transfer`. */
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(message, transfer as never);
  }

  /**
   * Starts `sql` as a pending query on `conn` and, if it finished within its first
   * slice, fetches its result in the same round trip (see pendingBatch.ts). Queued
   * behind every message posted before it, like any AsyncDuckDB request.
   */
  startPendingBatch(conn: number, sql: string): Promise<PendingBatchResult> {
    if (this.exited) return Promise.reject(new Error('the DuckDB worker has exited'));
    const id = this.nextBatchId--;
    return new Promise<PendingBatchResult>((resolve, reject) => {
      this.batches.set(id, { resolve, reject });
      this.worker.postMessage({ type: PENDING_BATCH_REQUEST, id, conn, sql });
    });
  }

  /** Web Worker API: `message`, `error` and `close` are supported. */
  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  /** Web Worker API. */
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** Keeps the process alive while work is in flight. */
  ref(): void {
    if (!this.exited) this.worker.ref();
  }

  /** Lets the process exit when no work is in flight. */
  unref(): void {
    if (!this.exited) this.worker.unref();
  }

  /** Web Worker API: ends the thread (fire and forget, as AsyncDuckDB calls it). */
  terminate(): void {
    void this.terminateAndWait();
  }

  /** Ends the thread and resolves once it has exited. */
  async terminateAndWait(): Promise<void> {
    if (this.exited) return;
    this.terminating = true;
    await this.worker.terminate();
  }

  private settleBatch(id: number, replies: Parameters<typeof readPendingBatch>[0]): void {
    const batch = this.batches.get(id);
    if (!batch) return;
    this.batches.delete(id);
    try {
      batch.resolve(readPendingBatch(replies));
    } catch (error) {
      batch.reject(error as Error);
    }
  }

  private dispatch(type: string, event: unknown): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of set) listener(event);
  }
}
