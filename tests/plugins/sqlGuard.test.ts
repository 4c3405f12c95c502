// The read-only lexer: what it accepts, and the bypasses it refuses.
import { describe, expect, test } from 'vitest';
import { readOnlyViolation, scanSql, wrapReadOnly } from '../../src/plugins/sqlGuard.js';

describe('readOnlyViolation', () => {
  test.each([
    'SELECT 1',
    'select * from t where name = \'DROP TABLE t\'',
    'WITH x AS (SELECT 1 AS a) SELECT * FROM x',
    'FROM t LIMIT 2',
    'VALUES (1), (2)',
    'DESCRIBE t',
    'SUMMARIZE t',
    'SHOW TABLES',
    '(SELECT 1) UNION ALL (SELECT 2)',
    'SELECT "insert" FROM t',
    'SELECT 1; ',
    'SELECT $$ ; DROP TABLE t $$ AS s',
    "SELECT E'it\\'s; DROP TABLE t' AS s",
    'SELECT 1 -- ; DROP TABLE t',
    'SELECT 1 /* ; DROP TABLE t */',
    'SELECT ? + $1',
  ])('accepts %s', (sql) => {
    expect(readOnlyViolation(sql)).toBeNull();
  });

  test.each([
    ['DROP TABLE t', /DROP/],
    ['/* */ DROP TABLE t', /DROP/],
    ['select 1; drop table t', /2 statements/],
    ['WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', /INSERT/],
    ['SELECT 1; /* */ ; DELETE FROM t', /2 statements/],
    ['CREATE TABLE t2 AS SELECT 1', /CREATE/],
    ['UPDATE t SET a = 1', /UPDATE/],
    ['COPY t TO \'out.csv\'', /COPY/],
    ["ATTACH 'x.db'", /ATTACH/],
    ["SET memory_limit='1GB'", /SET/],
    ['PRAGMA version', /PRAGMA/],
    ['EXPLAIN ANALYZE SELECT 1', /EXPLAIN/],
    ['SELECT 1 /* /* nested */ ; DROP TABLE t', /comment/],
    ["SELECT 'unterminated", /string/],
    ['SELECT 1) ; DROP TABLE t; SELECT (1', /parenthesis|statements/],
    ["SELECT E'\\'' ; DROP TABLE t; --'", /statements|DROP/],
    ['', /empty/],
    ['   -- only a comment', /empty/],
  ])('refuses %s', (sql, why) => {
    expect(readOnlyViolation(sql)).toMatch(why);
  });
});

describe('scanSql', () => {
  test('cuts the statement before a trailing semicolon and wraps it', () => {
    expect(scanSql('SELECT 1 ;  ').statement).toBe('SELECT 1 ');
    expect(wrapReadOnly('SELECT 1 -- note')).toBe('SELECT * FROM (\nSELECT 1 -- note\n) AS "dataprism_read_only"');
  });
});
