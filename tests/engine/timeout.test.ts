// timeoutMs cancels a running statement with a TimeoutError and the engine answers
// the next query; maxConcurrency bounds in-flight work and keeps FIFO order.
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type DataPrismEngine, type QueryRecord } from '../../src/engine/index.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';

// Far too much work to ever finish: a 9·10^12-row cross product. (A nested-loop
// join with a filter would not do: DuckDB-WASM can only cancel between execution
// tasks, and one task of such a join can run for minutes.)
const pbkdf2Async = promisify(pbkdf2);

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
    // One message on every backend, whether a timer or the check between slices (blocking) noticed.
    expect((error as Error).message).toMatch(/^query did not finish within 400 ms and was cancelled; raise timeoutMs/);
    expect((await engine.query('SELECT 42 AS answer')).data).toEqual([{ answer: 42 }]);
    expect(engine.getMetrics().queriesFailed).toBe(1);
    // And again: a cancelled connection is reusable.
    await expect(engine.query(ENDLESS)).rejects.toBeInstanceOf(TimeoutError);
    expect((await engine.query('SELECT 43 AS answer')).data).toEqual([{ answer: 43 }]);
  });
});

// With timeoutMs a statement takes the cancellable path (worker: one round trip when it
// finishes in its first slice); its answers must be the plain path's, value for value.
describe.each(ENGINE_BACKENDS)('the cancellable path answers what the plain one does ($label)', ({ options: backend }) => {
  let plain: DataPrismEngine;
  let timed: DataPrismEngine;
  beforeAll(async () => {
    [plain, timed] = await Promise.all([createEngine({ ...backend }), createEngine({ ...backend, timeoutMs: 30_000, maxConcurrency: 4 })]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), timed?.close()]);
  });

  it.each([
    // Many batches (DuckDB's chunks hold 2048 rows), mixed types and NULLs.
    [
      'a 10k-row result of many chunks',
      "SELECT range AS i, range * 0.5 AS d, 'v' || range AS s, CASE WHEN range % 3 = 0 THEN NULL ELSE range END AS n, TIMESTAMP '2024-01-01' + INTERVAL (range) SECOND AS t FROM range(10000)",
    ],
    ['an empty result', 'SELECT 1 AS a WHERE false'],
    ['an ENUM column (streamed results drop dictionaries)', "SELECT 'b'::ENUM('a', 'b') AS e FROM range(3)"],
    ['a GROUP BY over 300k rows', 'SELECT range % 7 AS k, count(*) AS c, sum(range) AS s FROM range(300000) GROUP BY k ORDER BY k'],
  ])('%s', async (_, sql) => {
    const expected = await plain.query(sql);
    const got = await timed.query(sql);
    expect(got.data).toEqual(expected.data);
    expect(got.columns).toEqual(expected.columns);
    expect((await timed.queryArrow(sql)).numRows).toBe(expected.data.length);
  });

  it('reports a failing statement with the same error', async () => {
    const expected = await plain.query('SELECT nope FROM range(3)').catch((e: unknown) => e);
    const got = await timed.query('SELECT nope FROM range(3)').catch((e: unknown) => e);
    expect(got).toBeInstanceOf((expected as Error).constructor);
    expect((got as Error).message).toBe((expected as Error).message);
    expect((await timed.query('SELECT 2 AS two')).data).toEqual([{ two: 2 }]);
  });

  it('runs every statement of a script and answers the last', async () => {
    const got = await timed.query('CREATE TEMP TABLE script_t AS SELECT 5 AS a; SELECT a + 1 AS b FROM script_t');
    expect(got.data).toEqual([{ b: 6 }]);
  });

  it('gives each of many concurrent statements its own result', async () => {
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => timed.query<{ i: number }>(`SELECT ${i} AS i FROM range(${1 + (i % 3) * 3000}) LIMIT 1`)));
    expect(results.map((r) => r.data[0]?.i)).toEqual(Array.from({ length: 24 }, (_, i) => i));
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

// Native DuckDB forgets an interrupt that arrives before a statement begins (it
// clears the flag at the start of each statement). A statement still waiting for
// one of libuv's threads when its time runs out must be stopped all the same, or
// it runs on, holding its connection, and close() waits for it.
describe('a native statement whose time runs out before it began', () => {
  it('is stopped once it begins: the next query is answered and close() completes', async () => {
    const engine = await createEngine({ backend: 'native', timeoutMs: 50 });
    try {
      // Every thread of libuv's pool busy for longer than the budget: the statement waits for one.
      const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
      const busy = Array.from({ length: threads }, () => pbkdf2Async('busy', 'salt', 400_000, 32, 'sha256'));
      const error = await engine.query(ENDLESS).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      await Promise.all(busy);
      expect((await engine.query('SELECT 1 AS one')).data).toEqual([{ one: 1 }]);
    } finally {
      await engine.close();
    }
  });
});
