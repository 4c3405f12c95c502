/**
 * engineOptions.path in Node with the wasm backend: DuckDB-WASM 1.32's Node
 * runtime writes a database file that a new instance reads back empty (measured
 * here), so the engine refuses the option instead of losing data silently.
 * In a browser the option takes `opfs://…` (tests/browser/bundlers.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createEngine, EngineError, type EngineMode } from '@dataprism/orchestration';

describe.each<EngineMode>(['worker', 'blocking'])('engineOptions.path in Node (%s)', (mode) => {
  it('is refused with an EngineError that names the path and the way out', async () => {
    const attempt = createEngine({ mode, path: 'data/sales.duckdb' });
    await expect(attempt).rejects.toThrow(EngineError);
    await expect(createEngine({ mode, path: 'data/sales.duckdb' })).rejects.toThrow(/"data\/sales\.duckdb".*opfs:\/\//);
  });
});
