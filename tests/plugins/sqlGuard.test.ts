// The tokenizer's statement outline (what the refusal messages name) and the
// reasons given for DuckDB's refusals. DuckDB decides; these only explain.
import { describe, expect, test } from 'vitest';
import { readOnlyStatement, withoutTrailingSemicolons } from '../../src/engine/access.js';
import { outlineSql, tokenizeSql } from '../../src/engine/sqlTokens.js';
import { accessOf, refusalReason } from '../../src/plugins/sqlGuard.js';

describe('outlineSql', () => {
  test.each([
    ['SELECT 1', 1, 'SELECT'],
    ["select * from t where name = 'DROP TABLE t; x'", 1, 'SELECT'],
    ['WITH x AS (SELECT 1 AS a) SELECT * FROM x', 1, 'WITH'],
    ['(SELECT 1) UNION ALL (SELECT 2)', 1, '('],
    ['SELECT 1; ', 1, 'SELECT'],
    ['SELECT $$ ; DROP TABLE t $$ AS s', 1, 'SELECT'],
    ["SELECT E'it\\'s; DROP TABLE t' AS s", 1, 'SELECT'],
    ['SELECT 1 -- ; DROP TABLE t', 1, 'SELECT'],
    ['SELECT 1 /* /* nested ; */ still ; */', 1, 'SELECT'],
    ['select 1; drop table t', 2, 'SELECT'],
    ['/* */ DROP TABLE t', 1, 'DROP'],
    // DuckDB ends a -- comment at a carriage return as well as at a newline.
    ['SELECT 1 --\r) AS x; DROP TABLE t; SELECT * FROM (SELECT 1\n', 3, 'SELECT'],
    ['   -- only a comment', 0, null],
  ])('%j has %i statement(s), the first starting with %s', (sql, statements, first) => {
    expect(outlineSql(sql)).toMatchObject({ statements, first, problem: null });
  });

  test.each([["SELECT 'unterminated", /string/], ['SELECT /* open', /comment/], ['SELECT "x', /identifier/], ['SELECT $a$ x', /\$a\$/]])(
    '%j is reported as a problem',
    (sql, problem) => {
      expect(outlineSql(sql).problem).toMatch(problem);
    },
  );

  test('words are upper-cased, literals unquoted', () => {
    const { tokens } = tokenizeSql(`select "a""b", 'it''s', E'x\\'y', $t$z$t$, ü`);
    expect(tokens.filter((t) => t.kind !== 'punctuation').map((t) => [t.kind, t.value])).toEqual([
      ['word', 'SELECT'],
      ['quoted', 'a"b'],
      ['string', "it's"],
      ['string', "x'y"],
      ['string', 'z'],
      ['word', 'Ü'],
    ]);
  });
});

describe('the read-only wrapper', () => {
  test('drops trailing semicolons and DuckDB whitespace only, and ends a trailing comment', () => {
    expect(withoutTrailingSemicolons('SELECT 1 ;; \n')).toBe('SELECT 1');
    expect(withoutTrailingSemicolons('SELECT a\u00a0')).toBe('SELECT a\u00a0');
    expect(readOnlyStatement('SELECT 1 -- note')).toBe('SELECT * FROM (\nSELECT 1 -- note\n) AS "dataprism_read_only"');
  });
});

describe('refusalReason', () => {
  const reader = accessOf(new Set(['engine:read']));
  test.each([
    ['SELECT 1; DROP TABLE t', 'Invalid Input Error: Cannot prepare multiple statements at once!', /2 statements/],
    ['SELECT nextval(?)', 'TransactionContext Error: Cannot write to database "memory" - transaction is launched in read-only mode', /change the database/],
    ['DROP TABLE t', 'Parser Error: syntax error at or near "DROP"', /DROP statement, not a query/],
    ["FROM read_text('/etc/passwd')", 'Permission Error: Cannot access file "/etc/passwd" - file system operations are disabled by configuration', /engine:files/],
  ])('%j', (sql, message, reason) => {
    expect(refusalReason(sql, message, reader)).toMatch(reason);
  });

  test('an ordinary mistake is not a refusal', () => {
    expect(refusalReason('SELECT no_such FROM t', 'Binder Error: Referenced column "no_such" not found', reader)).toBeNull();
    expect(refusalReason('SELEC 1', 'Parser Error: syntax error at or near "SELEC"', accessOf(new Set(['engine:read', 'engine:write'])))).toBeNull();
  });
});
