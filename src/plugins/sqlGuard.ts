/**
 * Keeps plugins without `engine:write` read-only, for real. DuckDB-WASM ships
 * without the json extension (so `json_serialize_sql` is unavailable offline),
 * so the guard works in two layers:
 *
 * 1. a lexer that understands what DuckDB's (Postgres-derived) parser does with
 *    '...' and E'...' strings, "..." identifiers, $tag$...$tag$ strings, `--` and
 *    nested block comments. It accepts exactly one statement that starts like a
 *    query (SELECT, WITH, VALUES, FROM, TABLE, DESCRIBE, SHOW, SUMMARIZE, PIVOT,
 *    UNPIVOT, or a parenthesis) and contains no write or session keyword
 *    outside strings, comments and quoted identifiers;
 * 2. the statement then runs wrapped as `SELECT * FROM (<sql>) AS q`, which
 *    DuckDB's own parser accepts only for query nodes: a DROP, INSERT, COPY,
 *    SET, ATTACH... inside it is a syntax error, never an execution.
 *
 * The layers cover each other: escaping the parentheses takes a top-level `)`
 * and `;` (`SELECT 1) ; DROP TABLE t; SELECT (1` is three valid statements to
 * DuckDB), which the lexer refuses; a write the lexer missed stays inside the
 * parentheses, where DuckDB refuses it.
 */

/** Words that start statements which change data, schema, settings or attached files. */
const FORBIDDEN = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'COPY', 'ATTACH', 'DETACH', 'INSTALL', 'LOAD',
  'PRAGMA', 'CALL', 'SET', 'RESET', 'EXPORT', 'IMPORT', 'VACUUM', 'CHECKPOINT', 'TRUNCATE', 'MERGE', 'USE',
  'BEGIN', 'COMMIT', 'ROLLBACK', 'ABORT', 'PREPARE', 'EXECUTE', 'DEALLOCATE', 'GRANT', 'REVOKE', 'COMMENT',
  'UPSERT', 'ANALYZE', 'EXPLAIN',
]);

/** Words a read-only statement may start with. */
const QUERY_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'FROM', 'TABLE', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'PIVOT', 'UNPIVOT']);

/** What the lexer found. */
export interface SqlScan {
  /** The first statement's text, without the trailing `;`. */
  statement: string;
  /** Non-empty statements found (a trailing `;` does not count). */
  statements: number;
  /** The first bare word (upper-cased) or `(`; null for an empty text. */
  first: string | null;
  /** Bare words (upper-cased) outside strings, comments and quoted identifiers. */
  words: Set<string>;
  /** A lexing problem (unterminated string or comment, unbalanced parentheses), or null. */
  problem: string | null;
}

const isIdentStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** Lexes `sql` the way DuckDB's parser splits it, without executing anything. */
export function scanSql(sql: string): SqlScan {
  const words = new Set<string>();
  let first: string | null = null;
  let statements = 0;
  let inStatement = false;
  let statementEnd = -1;
  let depth = 0;
  let problem: string | null = null;
  const n = sql.length;
  let i = 0;
  const startToken = (token: string) => {
    if (!inStatement) {
      inStatement = true;
      statements++;
      if (statements === 1) first = token;
    }
  };
  while (i < n && problem === null) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      // Block comments nest in DuckDB, as in Postgres.
      let level = 1;
      i += 2;
      while (i < n && level > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          level++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          level--;
          i += 2;
        } else i++;
      }
      if (level > 0) problem = 'an unterminated /* comment';
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'" && !isIdentPart(sql[i - 1] ?? ' '))) {
      startToken("'");
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      let closed = false;
      while (i < n) {
        const d = sql[i]!;
        if (escapes && d === '\\') i += 2;
        else if (d === "'" && sql[i + 1] === "'") i += 2;
        else if (d === "'") {
          i++;
          closed = true;
          break;
        } else i++;
      }
      if (!closed) problem = 'an unterminated string literal';
    } else if (c === '"') {
      startToken('"');
      i++;
      let closed = false;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') {
          i++;
          closed = true;
          break;
        } else i++;
      }
      if (!closed) problem = 'an unterminated quoted identifier';
    } else if (c === '$' && (next === '$' || (next !== undefined && isIdentStart(next)))) {
      // $tag$ ... $tag$ (a `$name` not closed by `$` is a named parameter).
      let j = i + 1;
      while (j < n && isIdentPart(sql[j]!) && sql[j] !== '$') j++;
      if (sql[j] === '$') {
        const tag = sql.slice(i, j + 1);
        const end = sql.indexOf(tag, j + 1);
        startToken('$');
        if (end < 0) problem = `an unterminated ${tag} string`;
        else i = end + tag.length;
      } else {
        startToken('$');
        i = j;
      }
    } else if (c === ';') {
      if (depth !== 0) problem = 'a semicolon inside parentheses';
      if (statements === 1 && inStatement) statementEnd = i;
      inStatement = false;
      depth = 0;
      i++;
    } else if (c === '(' || c === ')') {
      startToken('(');
      depth += c === '(' ? 1 : -1;
      if (depth < 0) problem = 'a closing parenthesis without an opening one';
      i++;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(sql[j]!)) j++;
      const word = sql.slice(i, j).toUpperCase();
      startToken(word);
      words.add(word);
      i = j;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      startToken(c);
      i++;
    }
  }
  if (problem === null && depth !== 0) problem = 'unbalanced parentheses';
  const statement = statementEnd >= 0 ? sql.slice(0, statementEnd) : sql;
  return { statement, statements, first, words, problem };
}

/** Why `sql` is not a single read-only query, or null when it is. */
export function readOnlyViolation(sql: string): string | null {
  const scan = scanSql(sql);
  if (scan.problem !== null) return `it contains ${scan.problem}`;
  if (scan.statements === 0) return 'it is empty';
  if (scan.statements > 1) return `it contains ${scan.statements} statements; send one statement per call`;
  if (scan.first === null || (scan.first !== '(' && !QUERY_STARTS.has(scan.first))) {
    return `it starts with ${scan.first ?? 'nothing'}, which is not a query`;
  }
  const forbidden = [...scan.words].filter((w) => FORBIDDEN.has(w));
  if (forbidden.length > 0) return `it uses ${forbidden.join(', ')}`;
  return null;
}

/**
 * The statement wrapped so that DuckDB's parser itself refuses anything but a
 * query. Call only after `readOnlyViolation(sql)` returned null. The newline
 * before `)` ends a trailing `--` comment.
 */
export function wrapReadOnly(sql: string): string {
  return `SELECT * FROM (\n${scanSql(sql).statement}\n) AS "dataprism_read_only"`;
}
