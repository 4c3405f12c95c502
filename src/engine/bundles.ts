/**
 * Where the DuckDB-WASM files are in Node: resolved from the installed package,
 * never fetched. (In a browser the caller serves them and passes `bundles`.)
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

/** True when WebAssembly exception handling is available (Node ≥ 17 has it); selects the faster eh build. */
export function supportsWasmExceptions(): boolean {
  try {
    // The smallest module using the exception-handling proposal: one tag, type [] -> [].
    return WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 6, 64, 25, 11, 11]));
  } catch {
    return false;
  }
}
