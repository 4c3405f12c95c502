// timeoutMs cancels a running statement with a TimeoutError and the engine answers
// the next query; maxConcurrency bounds in-flight work and keeps FIFO order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type DataPrismEngine, type QueryRecord } from '../../src/engine/index.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';

// Far too much work to ever finish: a 9·10^12-row cross product. (A nested-loop
// join with a filter would not do: DuckDB-WASM can only cancel between execution
// tasks, and one task of such a join can run for minutes.)
const ENDLESS = 'SELECT count(*) AS c FROM range(3000000) a, range(3000000) b';

describe.each(ENGINE_BACKENDS)('timeouts ($label)', ({ options: backend }) => {
  let engine: DataPrismEngine;
  beforeAll(async () => {
    engine = await createEngine({ ...backend, timeoutMs: 400 });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('cancels a statement that runs past timeoutMs, then answers the next query', async () => {
    const error = await engine.query(ENDLESS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(400);
    expect((error as TimeoutError).operation).toBe('query');
    expect((await engine.query('SELECT 42 AS answer')).data).toEqual([{ answer: 42 }]);
    expect(engine.getMetrics().queriesFailed).toBe(1);
    // And again: a cancelled connection is reusable.
    await expect(engine.query(ENDLESS)).rejects.toBeInstanceOf(TimeoutError);
    expect((await engine.query('SELECT 43 AS answer')).data).toEqual([{ answer: 43 }]);
  });
});

describe('concurrency (worker mode)', () => {
  let engine: DataPrismEngine;
  const finished: string[] = [];
  beforeAll(async () => {
    engine = await createEngine({ mode: 'worker', maxConcurrency: 2, timeoutMs: 3000 }, { onQuery: (r: QueryRecord) => finished.push(r.sql) });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('holds at most maxConcurrency queries in flight and queues the rest', async () => {
    const queries = Array.from({ length: 6 }, (_, i) => engine.query(`SELECT ${i} AS i, count(*) AS c FROM range(200000)`));
    expect(engine.getMetrics()).toMatchObject({ inFlight: 2, queued: 4 });
    const results = await Promise.all(queries);
    expect(results.map((r) => r.data[0])).toEqual(Array.from({ length: 6 }, (_, i) => ({ i, c: 200000 })));
    expect(engine.getMetrics()).toMatchObject({ inFlight: 0, queued: 0 });
    expect(engine.getStatus().connections).toBeLessThanOrEqual(2);
  });

  it('starts queued work in FIFO order', async () => {
    finished.length = 0;
    const one = await createEngine({ mode: 'worker', maxConcurrency: 1 }, { onQuery: (r) => finished.push(r.sql) });
    try {
      const sqls = Array.from({ length: 8 }, (_, i) => `SELECT ${i} AS i, sum(range) AS s FROM range(${(8 - i) * 20000})`);
      await Promise.all(sqls.map((sql) => one.query(sql)));
      expect(finished).toEqual(sqls);
    } finally {
      await one.close();
    }
  });

  it('answers a short query while a long one runs on another connection', async () => {
    finished.length = 0;
    const long = engine.query(ENDLESS).catch((e: unknown) => e);
    const short = await engine.query('SELECT 1 AS one');
    expect(short.data).toEqual([{ one: 1 }]);
    expect(finished).toEqual(['SELECT 1 AS one']);
    expect(await long).toBeInstanceOf(TimeoutError);
  });
});
