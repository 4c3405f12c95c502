/**
 * The Node platform. A browser build never sees this file: package.json's
 * `browser` field swaps it for host.browser.ts, which bundlers (Vite, esbuild,
 * webpack) follow with no configuration — so `node:*` modules, the worker_threads
 * adapter and `@duckdb/duckdb-wasm/blocking` are reachable from here only.
 */
import { readFile } from 'node:fs/promises';
import { Worker as NodeWorker } from 'node:worker_threads';
import { writeFileAtomic } from '../config/atomicWrite.js';
import { EngineError } from '../errors/EngineError.js';
import { openLocalFile, realPathOf } from './localFile.js';
import type { Platform } from './types.js';

export const platform: Platform = {
  kind: 'node',
  async startBackend(options) {
    if (options.mode === 'native') {
      const { NativeBackend } = await import('../engine/native/NativeBackend.js');
      return NativeBackend.start({ logger: options.logger, ...(options.path === undefined ? {} : { path: options.path }) });
    }
    if (options.path !== undefined) {
      // Measured with duckdb-wasm 1.32: its Node runtime writes the file, but a new
      // instance opening it sees an empty database — a silent data loss, so refuse.
      throw new EngineError(
        `engineOptions.path ${JSON.stringify(options.path)}: DuckDB-WASM in Node cannot reopen a database file it wrote (it reads back empty), ` +
          "so the wasm backend keeps its database in memory here; use engineOptions.backend 'native' for a database file, or path 'opfs://…' in a browser",
      );
    }
    if (options.mode === 'blocking') {
      const { BlockingBackend } = await import('../engine/BlockingBackend.js');
      return BlockingBackend.start({ logger: options.logger });
    }
    const [{ WorkerBackend }, { NodeWorkerAdapter }, { nodeBundlePaths, supportsWasmExceptions }] = await Promise.all([
      import('../engine/WorkerBackend.js'),
      import('../engine/NodeWorkerAdapter.js'),
      import('../engine/bundles.js'),
    ]);
    const paths = nodeBundlePaths();
    const bundle = supportsWasmExceptions() ? paths.eh : paths.mvp;
    return WorkerBackend.start({
      mainModule: bundle.mainModule,
      startTimeoutMs: options.startTimeoutMs,
      describe: `worker ${bundle.mainWorker}, wasm ${bundle.mainModule}`,
      onCrash: options.onCrash,
      spawn: (onCrash) => {
        const adapter = new NodeWorkerAdapter(bundle.mainWorker, {
          onLog: (line) => options.logger?.debug(`[duckdb worker ${line.level}] ${line.text}`),
          onExit: onCrash,
        });
        return {
          port: adapter as unknown as Worker,
          ref: () => adapter.ref(),
          unref: () => adapter.unref(),
          terminate: () => adapter.terminateAndWait(),
          startPendingBatch: (conn, sql) => adapter.startPendingBatch(conn, sql),
        };
      },
    });
  },
  readTextFile: (path) => readFile(path, 'utf8'),
  writeFileAtomic,
  environment: () => process.env,
  openLocalFile,
  realPath: realPathOf,
  async startScriptWorker(source, hooks) {
    const worker = new NodeWorker(source, { eval: true });
    // The plugin's worker must not keep the process alive on its own; pending calls hold it.
    worker.unref();
    worker.on('message', (message: unknown) => hooks.message(message));
    worker.on('error', (error: Error) => hooks.died(error));
    worker.on('exit', (code: number) => hooks.died(new Error(`the worker exited with code ${code}`)));
    return {
      post: (message) => worker.postMessage(message),
      terminate: () => void worker.terminate(),
    };
  },
};
