/**
 * Finds parquet-wasm for the wasm backends, once: in Node the optional peer is
 * imported (its Node build reads its wasm file from disk, no network); in a
 * browser it must be given as `engineOptions.parquet`, because only the page
 * knows where it serves `parquet_wasm_bg.wasm`.
 */
import { EngineError } from '../../errors/EngineError.js';
import type { ParquetWasmModule } from './types.js';

let cached: Promise<ParquetWasmModule> | undefined;

export function loadParquetWasm(platformKind: 'node' | 'browser'): Promise<ParquetWasmModule> {
  if (platformKind === 'browser') {
    return Promise.reject(
      new EngineError(
        "loading Parquet on DuckDB-WASM in a browser needs parquet-wasm: import * as parquet from 'parquet-wasm/esm', await parquet.default(<URL of parquet_wasm_bg.wasm>), and pass { parquet } in engineOptions",
      ),
    );
  }
  cached ??= importParquetWasm();
  return cached;
}

async function importParquetWasm(): Promise<ParquetWasmModule> {
  // A variable specifier: bundlers must not pull an optional peer (and its 5 MB of wasm) into the core;
  // the ignore comments keep Vite and webpack from warning that they cannot resolve it.
  const specifier = 'parquet-wasm';
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as ParquetWasmModule;
  } catch (cause) {
    cached = undefined;
    throw new EngineError(
      "loading Parquet on the wasm backend needs the optional peer dependency parquet-wasm: run `npm install parquet-wasm` (or use engineOptions.backend 'native', which reads Parquet itself)",
      { cause },
    );
  }
}
