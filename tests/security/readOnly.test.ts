// Read-only plugins against the real engine in every mode: the carriage-return
// escape and its relatives end in a typed error, and the host's data is untouched.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PluginError } from '../../src/errors/PluginError.js';
import { createTarget, ENGINE_MODES, PRISTINE, type Target } from './support.js';

/** `SELECT 1 --\r) ...`: DuckDB ends a `--` comment at \r too, so a wrapper's `)` is commented out and the rest runs. */
const escape = (hidden: string) => `SELECT 1 --\r) AS x; ${hidden}; SELECT * FROM (SELECT 1\n`;

const HIDDEN = [
  'DROP TABLE t',
  'UPDATE t SET a = 0',
  'INSERT INTO t VALUES (9, \'z\')',
  'CREATE TABLE pwned AS SELECT 1',
  "SET GLOBAL memory_limit = '1GB'",
  "COPY t TO 'pwned.csv'",
];

describe.each(ENGINE_MODES)('read-only in $label mode', ({ options }) => {
  let target: Target;
  beforeAll(async () => {
    target = await createTarget(options);
  });
  afterAll(() => target.close());

  test.each(HIDDEN)('the carriage-return escape does not run %s', async (hidden) => {
    const error = await target.as('reader', (c) => c.query(escape(hidden))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/read-only/);
    expect(await target.intact()).toEqual(PRISTINE);
  });

  test.each([
    ['SUMMARIZE t', 2],
    ['DESCRIBE t', 2],
    ['SHOW TABLES', 1],
    ['FROM t', 5],
    ['TABLE t', 5],
    ['SELECT comment FROM t', 5],
    ['SELECT a AS load, comment AS "drop" FROM t WHERE a < 2', 2],
    ['WITH x AS (SELECT a FROM t) SELECT * FROM x;', 5],
    ['SELECT 1 AS one -- trailing comment', 1],
    ["SELECT 'DROP TABLE t; --' AS text", 1],
    ['(SELECT 1) UNION ALL (SELECT 2)', 2],
  ])('a legitimate read still works: %s', async (sql, rows) => {
    const result = await target.as('reader', (c) => c.query(sql));
    expect(result.data).toHaveLength(rows);
  });

  test('parameters bind through the enforced path', async () => {
    const result = await target.as('reader', (c) => c.query('SELECT count(*)::INTEGER AS n FROM t WHERE a < ? AND comment <> $2', [3, 'x0']));
    expect(result.data).toEqual([{ n: 2 }]);
  });

  test.each(HIDDEN)('the analytics describe { sql } does not run %s', async (hidden) => {
    // The analytics plugin holds engine:write; its reads of a caller's SQL still run read-only.
    const error = await target.registry.execute('analytics', 'describe', { sql: escape(hidden) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/read-only.*refused because it contains 3 statements/s);
    expect(await target.intact()).toEqual(PRISTINE);
  });
});
