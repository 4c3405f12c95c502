/**
 * The project's DataPrismEngine (blocking mode) shaped as the plugins' EngineLike,
 * for testing the plugin runtime without the orchestrator, plus `raw`: a second
 * connection to the same database for test setup and assertions, which bypasses
 * every permission (but not the engine's DuckDB settings: files stay off).
 */
import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { createEngine } from '../../src/engine/createEngine.js';
import type { DataPrismEngine } from '../../src/engine/DataPrismEngine.js';

export interface TestEngine extends DataPrismEngine {
  /** Runs SQL with no permission checks (test setup and assertions). */
  raw(sql: string): Record<string, unknown>[];
}

function plain(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

export async function createTestEngine(): Promise<TestEngine> {
  const engine = await createEngine({ mode: 'blocking', memoryLimit: 256 * 1024 * 1024 });
  const conn = (engine.unsafeDuckDB() as DuckDBBindings).connect();
  const raw = (sql: string): Record<string, unknown>[] =>
    conn.query(sql).toArray().map((row) => {
      const json = (row as { toJSON(): Record<string, unknown> }).toJSON();
      for (const key of Object.keys(json)) json[key] = plain(json[key]);
      return json;
    });
  return Object.assign(engine, { raw });
}
