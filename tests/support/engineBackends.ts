/**
 * The engines every engine test runs on: DuckDB-WASM in a worker, DuckDB-WASM in
 * this thread, and native DuckDB. One list, so a suite parametrized with it proves
 * that each backend answers the same values, errors and limits.
 */
import type { EngineOptions } from '../../src/engine/types.js';

export interface EngineBackendCase {
  /** What the test names say: `wasm worker`, `wasm blocking`, `native`. */
  readonly label: string;
  /** The options that select it; a test adds its own on top. */
  readonly options: Readonly<EngineOptions>;
  /** What `getStatus().mode` reports for it. */
  readonly mode: 'worker' | 'blocking' | 'native';
}

export const ENGINE_BACKENDS: readonly EngineBackendCase[] = [
  { label: 'wasm worker', options: { mode: 'worker' }, mode: 'worker' },
  { label: 'wasm blocking', options: { mode: 'blocking' }, mode: 'blocking' },
  { label: 'native', options: { backend: 'native' }, mode: 'native' },
];
