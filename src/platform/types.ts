/**
 * What the library needs from the platform it runs on, implemented once for
 * Node (`host.ts`) and once for browsers (`host.browser.ts`). Everything else is
 * the same code on both: this seam is what keeps Node built-ins out of a
 * browser bundle.
 */
import type { AtomicWriteHooks } from '../config/atomicWrite.js';
import type { DuckDBBackend } from '../engine/backend.js';
import type { EngineBundleInput, EngineMode } from '../engine/types.js';
import type { Logger } from '../events/types.js';

/** How the engine asks for a DuckDB backend. */
export interface BackendStartOptions {
  /** `native` is `engineOptions.backend: 'native'` (Node only). */
  mode: EngineMode | 'native';
  /** Browser: the served bundle(s). Node: ignored (resolved from the installed package). */
  bundles?: EngineBundleInput;
  /** DuckDB threads asked for; above 1 a browser starts the coi build where it can. */
  threads?: number;
  /** The database to open (`opfs://…` in a browser, a file path in Node); in memory when absent. */
  path?: string;
  /** Budget for loading and opening DuckDB, ms. */
  startTimeoutMs?: number;
  logger?: Logger;
  /** Told when the backend dies without terminate() (its worker crashed). */
  onCrash?: (error: Error) => void;
}

export interface Platform {
  /** Which implementation this is. */
  readonly kind: 'node' | 'browser';
  /** Starts DuckDB-WASM and opens the database. Rejects with an EngineError. */
  startBackend(options: BackendStartOptions): Promise<DuckDBBackend>;
  /** Reads a local text file (config `file` sources). Rejects with a ConfigError where there are no files. */
  readTextFile(path: string): Promise<string>;
  /** Replaces a local file atomically (config saves). Rejects with a ConfigError where there are no files. */
  writeFileAtomic(path: string, data: string | Uint8Array, hooks?: AtomicWriteHooks): Promise<void>;
  /** The process environment (`env` config sources); empty in a browser. */
  environment(): Record<string, string | undefined>;
  /** Opens a local file for `engine.loadFile`. Rejects with a ValidationError where it cannot be read (and always in a browser). */
  openLocalFile(path: string): Promise<LocalFile>;
  /** The real path of `path` (symlinks and `..` resolved), or undefined when it does not exist or there are no files. */
  realPath(path: string): Promise<string | undefined>;
  /**
   * Starts a `worker_threads` worker evaluating `source` (unref'd: it must not keep
   * the process alive on its own), for runtimes without Web Workers. Rejects where
   * there are none (a browser has Web Workers, and callers use those first).
   */
  startScriptWorker(source: string, hooks: ScriptWorkerHooks): Promise<ScriptWorker>;
}

/** A local file as `engine.loadFile` reads it (Node). */
export interface LocalFile {
  /** The path with every symlink and `..` resolved by the file system. */
  readonly realPath: string;
  /** Its size in bytes when opened. */
  readonly size: number;
  /** Its first `bytes` bytes (fewer when it is shorter). */
  readHead(bytes: number): Promise<Uint8Array>;
  /** All of it; a ValidationError when it has grown past `maxBytes`. */
  read(maxBytes: number): Promise<Uint8Array>;
}

/** What a script worker reports: each message, and its death (an error or its exit). */
export interface ScriptWorkerHooks {
  message(message: unknown): void;
  died(error: Error): void;
}

/** A started script worker, reduced to what its callers use. */
export interface ScriptWorker {
  post(message: unknown): void;
  terminate(): void;
}
