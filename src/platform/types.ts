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
}
