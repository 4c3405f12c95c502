/**
 * A real DuckDB-WASM engine (blocking API) shaped as the plugins' EngineLike,
 * for testing the plugin runtime without the orchestrator: query with
 * parameters, queryArrow, and loadData of row objects through Arrow IPC bytes.
 */
import { createDuckDB, NODE_RUNTIME, VoidLogger, type DuckDBBindings, type DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import { tableFromJSON, tableToIPC } from 'apache-arrow';
import { createRequire } from 'node:module';
import type { EngineLike, QueryResultLike } from '../../src/plugins/types.js';

const require = createRequire(import.meta.url);

export interface TestEngine extends EngineLike {
  /** Runs SQL with no permission checks (test setup and assertions). */
  raw(sql: string): Record<string, unknown>[];
  close(): void;
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  return value;
}

function rowsOf(table: { toArray(): { toJSON(): Record<string, unknown> }[] }): Record<string, unknown>[] {
  return table.toArray().map((row) => {
    const json = row.toJSON();
    for (const key of Object.keys(json)) json[key] = plain(json[key]);
    return json;
  });
}

export async function createTestEngine(): Promise<TestEngine> {
  const bundles = {
    mvp: { mainModule: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm'), mainWorker: '' },
    eh: { mainModule: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'), mainWorker: '' },
  };
  const db: DuckDBBindings = await createDuckDB(bundles, new VoidLogger(), NODE_RUNTIME);
  await db.instantiate(() => undefined);
  const conn: DuckDBConnection = db.connect();
  conn.query("SET autoload_known_extensions=false; SET autoinstall_known_extensions=false; SET memory_limit='256MB'");
  return {
    async query(sql: string, params?: readonly unknown[]): Promise<QueryResultLike> {
      const table = params && params.length > 0 ? conn.prepare(sql).query(...(params as unknown[])) : conn.query(sql);
      return { data: rowsOf(table), columns: table.schema.fields.map((f) => f.name) };
    },
    async queryArrow(sql: string) {
      return conn.query(sql);
    },
    async loadData(data: unknown, tableName: string) {
      const rows = data as Record<string, unknown>[];
      // IPC bytes, not a Table: duckdb-wasm loads its own copy of apache-arrow.
      conn.insertArrowFromIPCStream(tableToIPC(tableFromJSON(rows), 'stream'), { name: tableName, create: true });
      return { rows: rows.length };
    },
    raw(sql: string) {
      return rowsOf(conn.query(sql));
    },
    close() {
      conn.close();
    },
  };
}
