/**
 * A tokenizer that splits SQL where DuckDB's own tokenizer does: `--` comments
 * end at `\n` or `\r`, block comments nest, `''` and `E'\''` strings, `$$` and
 * `$tag$` strings, `""` inside quoted identifiers, and every byte from U+0080 up
 * (NBSP and U+2028 included) belongs to an identifier, as in DuckDB.
 *
 * It never decides alone what a statement may do — DuckDB does (see access.ts).
 * It names what DuckDB refused, and finds the function names and literals that
 * the file check of access.ts looks at. tests/security/lexer.property.test.ts
 * holds it against DuckDB's tokenizer on a generated corpus.
 */

/** What a token is. `word`: an unquoted identifier or keyword; `quoted`: a "quoted identifier". */
export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'number' | 'parameter' | 'punctuation' | 'operator';

export interface SqlToken {
  kind: SqlTokenKind;
  /** Offset of the first character (UTF-16 code units, as JavaScript indexes strings). */
  start: number;
  /** Offset after the last character. */
  end: number;
  /** The token's value: a word upper-cased, a quoted identifier or string without quotes or escapes, else its text. */
  value: string;
}

export interface SqlTokens {
  tokens: SqlToken[];
  /** Where lexing stopped on an unterminated string, comment or quoted identifier, or null. */
  problem: string | null;
}

/** DuckDB's whitespace (the Postgres scanner's `[ \t\n\r\f\v]`). */
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined) =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c >= '\u0080');
const isIdentPart = (c: string | undefined) => c !== undefined && (isIdentStart(c) || isDigit(c) || c === '$');
const OPERATOR_CHARS = '+-*/<>=~!@#%^&|`?:.';
const PUNCTUATION = ';,()[]{}';

/** Tokenizes `sql`; comments and whitespace produce no tokens. */
export function tokenizeSql(sql: string): SqlTokens {
  const tokens: SqlToken[] = [];
  const n = sql.length;
  let i = 0;
  const push = (kind: SqlTokenKind, start: number, end: number, value: string) => tokens.push({ kind, start, end, value });
  const fail = (problem: string): SqlTokens => ({ tokens, problem });
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (isSpace(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n' && sql[i] !== '\r') i++;
    } else if (c === '/' && next === '*') {
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
      if (level > 0) return fail('an unterminated /* comment');
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      const start = i;
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      let value = '';
      let closed = false;
      while (i < n) {
        const d = sql[i]!;
        if (escapes && d === '\\' && i + 1 < n) {
          value += sql[i + 1];
          i += 2;
        } else if (d === "'" && sql[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (d === "'") {
          i++;
          closed = true;
          // 'a' 'b' separated by a newline is one string in SQL; DuckDB's tokenizer still reports two.
          break;
        } else {
          value += d;
          i++;
        }
      }
      if (!closed) return fail('an unterminated string literal');
      push('string', start, i, value);
    } else if (c === '"') {
      const start = i;
      i++;
      let value = '';
      let closed = false;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (sql[i] === '"') {
          i++;
          closed = true;
          break;
        } else value += sql[i++];
      }
      if (!closed) return fail('an unterminated quoted identifier');
      push('quoted', start, i, value);
    } else if (c === '$' && isDigit(next)) {
      const start = i;
      i++;
      while (isDigit(sql[i])) i++;
      push('parameter', start, i, sql.slice(start, i));
    } else if (c === '$' && (next === '$' || isIdentStart(next))) {
      // $tag$ ... $tag$; a `$name` not closed by `$` is a named parameter.
      const start = i;
      let j = i + 1;
      while (j < n && sql[j] !== '$' && isIdentPart(sql[j])) j++;
      if (sql[j] === '$') {
        const tag = sql.slice(i, j + 1);
        const close = sql.indexOf(tag, j + 1);
        if (close < 0) return fail(`an unterminated ${tag} string`);
        push('string', start, close + tag.length, sql.slice(j + 1, close));
        i = close + tag.length;
      } else {
        push('parameter', start, j, sql.slice(start, j));
        i = j;
      }
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      const start = i;
      while (isDigit(sql[i]) || sql[i] === '_') i++;
      if (sql[i] === '.' && sql[i + 1] !== '.') {
        i++;
        while (isDigit(sql[i]) || sql[i] === '_') i++;
      }
      if ((sql[i] === 'e' || sql[i] === 'E') && (isDigit(sql[i + 1]) || ((sql[i + 1] === '+' || sql[i + 1] === '-') && isDigit(sql[i + 2])))) {
        i += 2;
        while (isDigit(sql[i])) i++;
      }
      push('number', start, i, sql.slice(start, i));
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentPart(sql[i])) i++;
      push('word', start, i, sql.slice(start, i).toUpperCase());
    } else if (PUNCTUATION.includes(c)) {
      push('punctuation', i, i + 1, c);
      i++;
    } else {
      const start = i;
      i++;
      // Operators run together (`->>`, `::`, `<=`), but a comment start ends them.
      while (i < n && OPERATOR_CHARS.includes(sql[i]!) && !(sql[i] === '-' && sql[i + 1] === '-') && !(sql[i] === '/' && sql[i + 1] === '*')) i++;
      push('operator', start, i, sql.slice(start, i));
    }
  }
  return { tokens, problem: null };
}

/** What a script looks like at the statement level. */
export interface SqlOutline {
  /** Non-empty statements (empty ones between `;;` do not count). */
  statements: number;
  /** The first token of the first statement: a word upper-cased, or its text; null for none. */
  first: string | null;
  /** Every unquoted word, upper-cased. */
  words: Set<string>;
  /** Where lexing stopped, as in `SqlTokens`. */
  problem: string | null;
}

/** Counts statements and names the first one's leading word. */
export function outlineSql(sql: string): SqlOutline {
  const { tokens, problem } = tokenizeSql(sql);
  let statements = 0;
  let inStatement = false;
  let first: string | null = null;
  const words = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'word') words.add(token.value);
    if (token.kind === 'punctuation' && token.value === ';') {
      inStatement = false;
      continue;
    }
    if (!inStatement) {
      inStatement = true;
      statements++;
      if (statements === 1) first = token.kind === 'word' ? token.value : sql.slice(token.start, token.end);
    }
  }
  return { statements, first, words, problem };
}
