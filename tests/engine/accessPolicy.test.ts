// The access policy (DuckDB's table functions, which the check of restricted
// statements needs) is read on first use, not when the engine opens: these pin
// that reading it late changes no answer, under concurrency and under close().
import { afterEach, describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/createEngine.js';
import type { DataPrismEngine } from '../../src/engine/DataPrismEngine.js';
import { FULL_ACCESS, READ_ONLY_ACCESS } from '../../src/engine/access.js';
import { DataPrismError } from '../../src/errors/DataPrismError.js';
import { QueryError } from '../../src/errors/QueryError.js';

const open: DataPrismEngine[] = [];
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((engine) => engine.close()));
});
async function engineFor(mode: 'blocking' | 'worker', timeoutMs?: number): Promise<DataPrismEngine> {
  const engine = await createEngine({ mode, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  open.push(engine);
  return engine;
}
const NO_FILES = { write: true, files: false };

describe.each([
  ['blocking', undefined],
  ['worker', undefined],
  ['worker', 10_000],
] as const)('access policy read on first use (%s, timeoutMs %s)', (mode, timeoutMs) => {
  test('the first restricted statements, started together, are each checked', async () => {
    const engine = await engineFor(mode, timeoutMs);
    const refused = Array.from({ length: 6 }, (_, i) => engine.queryAs(NO_FILES, `SELECT * FROM read_csv('/dataprism-host-files/x${i}.csv')`));
    const allowed = Array.from({ length: 6 }, (_, i) => engine.queryAs(READ_ONLY_ACCESS, `SELECT ${i} AS n FROM range(3)`));
    const results = await Promise.allSettled([...refused, ...allowed]);
    for (const result of results.slice(0, 6)) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as Error;
      expect(error).toBeInstanceOf(QueryError);
      expect(error.message).toMatch(/read_csv\(\) opens files, which needs file access/);
    }
    expect(results.slice(6).map((r) => (r.status === 'fulfilled' ? r.value.data.length : r.reason))).toEqual([3, 3, 3, 3, 3, 3]);
  });

  test('a table macro the host creates before the first check is not a table function to it, as at open', async () => {
    const engine = await engineFor(mode, timeoutMs);
    await engine.query('CREATE MACRO host_rows() AS TABLE SELECT 7 AS v');
    const result = await engine.queryAs(READ_ONLY_ACCESS, 'SELECT * FROM host_rows()');
    expect(result.data).toEqual([{ v: 7 }]);
    // DuckDB's own table functions still are: a read-only caller cannot run checkpoint-like ones.
    const error = await engine.queryAs(READ_ONLY_ACCESS, "SELECT * FROM query('SELECT 1')").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(/query\(\) runs SQL or memory no check sees into/);
  });

  test('full rights and the host need no policy; a restricted statement after them is still checked', async () => {
    const engine = await engineFor(mode, timeoutMs);
    expect((await engine.queryAs(FULL_ACCESS, 'SELECT 1 AS a')).data).toEqual([{ a: 1 }]);
    expect((await engine.query('SELECT 2 AS b')).data).toEqual([{ b: 2 }]);
    const error = await engine.queryAs(READ_ONLY_ACCESS, "SELECT * FROM glob('/dataprism-host-files/*')").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(/glob\(\) opens files/);
  });

  test('close() while the first restricted statement reads the policy: the statement settles typed, close completes', async () => {
    const engine = await engineFor(mode, timeoutMs);
    const first = engine.queryAs(READ_ONLY_ACCESS, 'SELECT 1 AS a').then(
      (result) => result.data,
      (error: unknown) => error,
    );
    await engine.close();
    open.splice(open.indexOf(engine), 1);
    const outcome = await first;
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(DataPrismError);
    else expect(outcome).toEqual([{ a: 1 }]);
    // A new engine checks again from its own database.
    const next = await engineFor(mode, timeoutMs);
    const error = await next.queryAs(NO_FILES, "SELECT * FROM read_text('/dataprism-host-files/a')").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(/read_text\(\) opens files/);
  });
});
