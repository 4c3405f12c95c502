/**
 * The raw DuckDB-WASM baseline of a start: instantiate the worker bundle, open,
 * connect, run `SELECT 1`, close and terminate — what our start is measured against.
 */
import { nodeBundlePaths } from '../src/engine/bundles.js';
import { NodeWorkerAdapter } from '../src/engine/NodeWorkerAdapter.js';

export async function rawWorkerStartAndStop(): Promise<void> {
  const duckdb = await import('@duckdb/duckdb-wasm');
  const paths = nodeBundlePaths();
  const adapter = new NodeWorkerAdapter(paths.eh.mainWorker);
  adapter.ref();
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), adapter as unknown as Worker);
  await db.instantiate(paths.eh.mainModule, null);
  await db.open({});
  const conn = await db.connect();
  await conn.query('SELECT 1');
  await conn.close();
  await db.terminate();
  await adapter.terminateAndWait();
}
