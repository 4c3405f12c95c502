// The browser benchmark page: ours and raw duckdb-wasm in the same page, same
// bundle files, interleaved runs. bench/browser.bench.ts bundles it with esbuild
// (the package through its own exports and browser field) and reads the results.
import * as duckdb from '@duckdb/duckdb-wasm';
import { tableFromArrays } from 'apache-arrow';
import { DataPrismOrchestrator, duckdbBundles, selectBundle } from '@dataprism/orchestration';
import { compareAbbaMs, compareMs as compare } from '../timing.ts';
import { installWorkerTrace, summarize, traced } from './workerTrace.js';

installWorkerTrace();

const bundles = duckdbBundles(new URL('./duckdb/', import.meta.url));
const bundle = selectBundle(bundles);
const QUERY_OPTIONS = { castBigIntToDouble: false, castDecimalToDouble: false, castTimestampToDate: false };

async function rawOpen() {
  const worker = new Worker(bundle.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, null);
  await db.open({ query: QUERY_OPTIONS });
  const conn = await db.connect();
  return { db, conn };
}
async function rawClose({ db, conn }) {
  await conn.close();
  await db.terminate();
}
async function oursOpen() {
  const orchestrator = new DataPrismOrchestrator({ engineOptions: { bundles } });
  await orchestrator.initialize();
  return orchestrator;
}

async function run() {
  const results = {};
  // A start is ~1 s of mostly wasm compilation, which a loaded machine slows by
  // seconds: ABBA order and 12 samples a side (about 30 s on a quiet machine) keep
  // that drift out of the medians, and each start's worker requests are traced,
  // so the phases can be compared where the totals are too noisy.
  const starts = { ours: [], baseline: [] };
  results.initialize = await compareAbbaMs(
    async () => {
      starts.ours.push(
        await traced(async () => {
          const o = await oursOpen();
          await o.getEngine().query('SELECT 1');
          await o.shutdown();
        }),
      );
    },
    async () => {
      starts.baseline.push(
        await traced(async () => {
          const raw = await rawOpen();
          await raw.conn.query('SELECT 1');
          await rawClose(raw);
        }),
      );
    },
    { samples: 12, warmup: 1 },
  );
  // The warm-up start of each side is not a sample.
  results.initializePhases = { ours: summarize(starts.ours.slice(1)), baseline: summarize(starts.baseline.slice(1)) };

  const raw = await rawOpen();
  const orchestrator = await oursOpen();
  const engine = orchestrator.getEngine();
  results.select1 = await compare(
    async () => {
      for (let i = 0; i < 1000; i++) await engine.query('SELECT 1');
    },
    async () => {
      for (let i = 0; i < 1000; i++) await raw.conn.query('SELECT 1');
    },
    5,
  );

  const create = 'CREATE TABLE t AS SELECT (range % 1000)::INTEGER AS k, ((range * 7) % 10007)::DOUBLE AS v FROM range(1000000)';
  await raw.conn.query(create);
  await engine.query(create);
  const groupBy = 'SELECT k, sum(v) AS s FROM t GROUP BY k';
  // ~7 ms a query: ABBA order, 4 queries a sample and 30 samples keep a loaded
  // machine's jitter (and the 100 µs timer of a page that is not isolated) out of the ratio.
  results.groupBy = await compareAbbaMs(() => engine.query(groupBy), () => raw.conn.query(groupBy), { samples: 30, batch: 4, warmup: 3 });

  const N = 1_000_000;
  const regions = ['north', 'south', 'east', 'west'];
  const rows = Array.from({ length: N }, (_, i) => ({ id: i, region: regions[i & 3], amount: (i % 1000) / 10 }));
  let load = 0;
  const loads = await compare(
    () => engine.loadData(rows, `ours_${load++}`),
    async () => {
      const table = tableFromArrays({
        id: Int32Array.from(rows, (r) => r.id),
        region: rows.map((r) => r.region),
        amount: Float64Array.from(rows, (r) => r.amount),
      });
      await raw.conn.insertArrowTable(table, { name: `raw_${load}`, create: true });
    },
    3,
  );
  results.loadData = { ours: N / (loads.ours / 1000), baseline: N / (loads.baseline / 1000) };
  const check = await engine.query(`SELECT count(*) AS n FROM ours_0`);
  results.loadedRows = Number(check.data[0].n);

  await orchestrator.shutdown();
  await rawClose(raw);
  results.version = engine.getStatus().version ?? '';
  results.crossOriginIsolated = globalThis.crossOriginIsolated;
  results.userAgent = navigator.userAgent;
  return results;
}

window.__bench = run().then(
  (value) => ({ ok: true, value }),
  (error) => ({ ok: false, error: String(error?.stack ?? error) }),
);
