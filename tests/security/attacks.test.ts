// The attack suite: what a hostile plugin tries, in every engine mode. Each attack
// ends in a typed error and the host's data, sequence and settings stay as they were;
// the reads a plugin legitimately needs keep working.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PluginError } from '../../src/errors/PluginError.js';
import { QueryError } from '../../src/errors/QueryError.js';
import { createTarget, ENGINE_MODES, PRISTINE, PLUGINS, type Target } from './support.js';

type Plugin = keyof typeof PLUGINS;

/** [who, SQL, what the refusal says]. */
const ATTACKS: [Plugin, string, RegExp][] = [
  // Files: host files are out of reach without engine:files, and outside the allowed list with it.
  ['reader', "SELECT * FROM read_text('/etc/passwd')", /engine:files/],
  ['reader', "SELECT * FROM read_csv('/etc/passwd')", /engine:files/],
  ['reader', "SELECT * FROM read_blob('/etc/hostname')", /engine:files/],
  ['reader', "SELECT * FROM glob('/etc/*')", /engine:files/],
  ['reader', "SELECT * FROM sniff_csv('/etc/passwd')", /engine:files/],
  ['reader', "SELECT * FROM \"READ_TEXT\" /* spaced */ ('/etc/passwd')", /engine:files/],
  ['reader', "SELECT * FROM main.Read_Text('/etc/passwd')", /engine:files/],
  ['reader', "FROM '/dataprism-host-files/load_1.csv'", /engine:files/],
  ['filer', "SELECT * FROM read_text('/etc/passwd')", /did not allow/],
  ['filer', "SELECT * FROM glob('/etc/*')", /did not allow/],
  ['filer', "SELECT * FROM read_text('/dataprism-host-files/../etc/passwd')", /did not allow/],
  ['writer', "COPY t TO 'pwned.csv'", /engine:files/],
  ['writer', "COPY (SELECT 1) TO '/dataprism-host-files/pwned.csv'", /engine:files/],
  ['writer', "EXPLAIN ANALYZE COPY t TO 'pwned.csv'", /engine:files/],
  ['writer', "ATTACH ':memory:' AS other", /engine:files/],
  ['writer', "ATTACH 'pwned.db' AS other", /engine:files/],
  ['writer', "EXPORT DATABASE 'pwned'", /engine:files/],
  ['writer', "IMPORT DATABASE 'pwned'", /engine:files/],
  ['writer', 'INSTALL json', /engine:files/],
  ['writer', 'LOAD json', /engine:files/],
  ['writer', 'FORCE INSTALL json', /engine:files/],
  // Settings are locked for everyone, the host included.
  ['writer', "SET GLOBAL memory_limit = '1GB'", /locked/],
  ['writer', 'SET enable_external_access = true', /locked/],
  ['writer', 'RESET lock_configuration', /locked/],
  ['writer', "SET allowed_directories = ['/']", /locked/],
  ['writer', 'PRAGMA enable_external_access', /./],
  // Writes and state changes from a read-only plugin.
  ['reader', "SELECT nextval('seq')", /change the database/],
  ['reader', "SELECT * FROM (SELECT nextval('seq')) AS q", /change the database/],
  ['reader', "WITH s AS (SELECT nextval('seq') AS v) SELECT * FROM s", /change the database/],
  ['reader', 'SELECT setseed(0.5)', /read-only/],
  ['reader', 'SELECT * FROM checkpoint()', /read-only/],
  ['reader', 'SELECT * FROM force_checkpoint()', /read-only/],
  ['reader', 'CHECKPOINT', /CHECKPOINT statement, not a query/],
  ['reader', 'SELECT * FROM enable_logging()', /read-only/],
  ['reader', "SELECT * FROM query('SELECT setseed(0.1)')", /every engine permission/],
  ['reader', "SELECT * FROM query_table('t')", /every engine permission/],
  ['reader', 'SELECT * FROM arrow_scan(0, 0, 0)', /every engine permission/],
  ['reader', 'CREATE MACRO m(x) AS x + 1', /CREATE statement/],
  ['reader', 'CREATE TEMP TABLE scratch AS SELECT 1', /CREATE statement/],
  ['reader', 'PREPARE p AS DELETE FROM t', /PREPARE statement/],
  ['reader', 'EXECUTE p', /EXECUTE statement/],
  ['reader', 'CALL checkpoint()', /read-only/],
  ['reader', "SET VARIABLE v = 'x'", /SET statement/],
  ['reader', 'USE system', /USE statement/],
  ['reader', 'SELECT 1 INTO pwned', /SELECT INTO|syntax|INTO/i],
  ['reader', 'WITH x AS (SELECT 1) DELETE FROM t', /not a query|DELETE/],
  ['reader', 'BEGIN TRANSACTION', /BEGIN statement/],
  ['reader', 'COMMIT', /COMMIT statement/],
  ['reader', 'ROLLBACK', /ROLLBACK statement/],
  // Case, unicode and comment tricks around the statement boundary.
  ['reader', 'dRoP TaBlE t', /DROP statement/],
  ['reader', 'SELECT 1 --\n; DROP TABLE t', /2 statements/],
  ['reader', "SELECT E'\\'' ; DROP TABLE t; --'", /2 statements/],
  ['reader', 'SELECT $$ $$ ; DROP TABLE t', /2 statements/],
  ['reader', 'SELECT 1 ;\u00a0DROP TABLE t', /2 statements/],
  ['reader', 'SELECT 1\u2028; DROP TABLE t', /2 statements/],
  ['reader', 'SELECT "x"" ; DROP TABLE t; --" FROM t', /./],
  ['reader', 'ＤＲＯＰ TABLE t', /not a query|syntax/i],
  ['writer', 'SELECT 1; DROP TABLE t', /2 statements/],
  ['writer', 'SELECT 1 --\r; DROP TABLE t', /2 statements/],
  // Oversized inputs: DuckDB's own limits answer, and a megabyte of padding hides nothing.
  ['reader', `SELECT ${'1+'.repeat(20_000)}1`, /expression depth/],
  ['writer', 'SET max_expression_depth TO 100000', /locked/],
  ['reader', `SELECT 1 --\r) AS x; DROP TABLE t; SELECT '${'x'.repeat(1_000_000)}' AS pad FROM (SELECT 1\n`, /3 statements/],
];

/** Statements a plugin may run, and how many rows come back. */
const READS: [Plugin, string, number][] = [
  ['reader', 'SUMMARIZE t', 2],
  ['reader', 'SELECT * FROM duckdb_tables()', 1],
  ['reader', 'SELECT * FROM range(3)', 3],
  ['reader', "SELECT 'read_text(' AS s, 'FROM x' AS \"copy\"", 1],
  ['reader', 'SELECT count(*) AS checkpoint FROM t', 1],
  ['reader', "SELECT currval FROM (SELECT 1 AS currval)", 1],
  ['reader', 'SELECT random() AS r', 1],
  // Block comments nest: the DROP is inside one, so this is SELECT 1 to DuckDB too.
  ['reader', 'SELECT 1 /* /* */ ; DROP TABLE t; /* */ */', 1],
  ['filer', 'SELECT 1 AS one', 1],
  ['writer', 'SELECT a FROM t', 5],
  ['reader', `SELECT '${'x'.repeat(2_000_000)}' AS big`, 1],
];

/** Test titles show at most 80 characters of the SQL (some attacks are a megabyte long). */
const titled = <E>(rows: [Plugin, string, E][]) =>
  rows.map(([plugin, sql, expected]) => ({ plugin, sql, expected, label: JSON.stringify(sql).slice(0, 80) }));

describe.each(ENGINE_MODES)('attacks in $label mode', ({ options }) => {
  let target: Target;
  beforeAll(async () => {
    target = await createTarget(options);
  });
  afterAll(() => target.close());

  test.each(titled(ATTACKS))('$plugin: $label is refused', async ({ plugin, sql, expected: reason }) => {
    const error = await target.as(plugin, (c) => c.query(sql)).catch((e: unknown) => e);
    expect(error instanceof PluginError || error instanceof QueryError, String(error)).toBe(true);
    expect((error as Error).message).toMatch(reason);
    expect(await target.intact()).toEqual(PRISTINE);
  });

  test('attacks and reads at once, beyond maxConcurrency, leave every pooled connection writable for the host', async () => {
    await target.engine.query('CREATE TABLE host_log (i INTEGER)');
    const attacks = ATTACKS.slice(0, 16).map(([plugin, sql]) => target.as(plugin, (c) => c.query(sql)).then(() => 'ran', () => 'refused'));
    const reads = READS.slice(0, 8).map(([plugin, sql]) => target.as(plugin, (c) => c.query(sql)).then(() => 'read'));
    const writes = Array.from({ length: 12 }, (_, i) => target.engine.query(`INSERT INTO host_log VALUES (${i})`).then(() => 'wrote'));
    const outcomes = await Promise.all([...attacks, ...reads, ...writes]);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(16);
    expect(outcomes.filter((o) => o === 'wrote')).toHaveLength(12);
    expect(Number((await target.engine.query('SELECT count(*) AS n FROM host_log')).data[0]!.n)).toBe(12);
    await target.engine.query('DROP TABLE host_log');
    expect(await target.intact()).toEqual(PRISTINE);
  });

  test.each(titled(READS))('$plugin: $label still reads', async ({ plugin, sql, expected: rows }) => {
    const result = await target.as(plugin, (c) => c.query(sql));
    expect(result.data).toHaveLength(rows);
    expect(await target.intact()).toEqual(PRISTINE);
  });
});
