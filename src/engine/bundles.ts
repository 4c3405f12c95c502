/**
 * Where the DuckDB-WASM files are in Node: resolved from the installed package,
 * never fetched. Node only (reached from src/platform/host.ts); in a browser the
 * caller serves them and passes `bundles` (see browserBundles.ts).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Absolute paths of the eh and mvp builds (module and Node worker script). */
export interface NodeBundlePaths {
  eh: { mainModule: string; mainWorker: string };
  mvp: { mainModule: string; mainWorker: string };
}

let cached: NodeBundlePaths | undefined;

/** Resolves the bundle files of the installed `@duckdb/duckdb-wasm`. */
export function nodeBundlePaths(): NodeBundlePaths {
  cached ??= {
    eh: {
      mainModule: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'),
      mainWorker: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-eh.worker.cjs'),
    },
    mvp: {
      mainModule: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm'),
      mainWorker: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-mvp.worker.cjs'),
    },
  };
  return cached;
}

export { supportsWasmExceptions } from './browserBundles.js';
