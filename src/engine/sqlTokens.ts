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

/** DuckDB's whitespace (its Postgres scanner's `[ \t\n\r\f]`; a vertical tab is not). */
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined) =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c >= '\u0080');
const isIdentPart = (c: string | undefined) => c !== undefined && (isIdentStart(c) || isDigit(c) || c === '$');
/** The Postgres scanner's operator characters; `.`, `:` (`..`, `::`) and `?` (a parameter) are tokens of their own. */
const OPERATOR_CHARS = '~!@#^&|`+-*/%<>=';
const PUNCTUATION = ';,()[]{}';

/**
 * Where a string literal ending before `i` continues: the index of the next `'`
 * when only whitespace with a newline (and `--` comments) comes between, as in
 * the Postgres scanner's `{quote}{whitespace_with_newline}{quote}`; else -1.
 */
function continuation(sql: string, i: number): number {
  let newline = false;
  for (;;) {
    const c = sql[i];
    if (c === ' ' || c === '\t' || c === '\f') i++;
    else if (c === '\n' || c === '\r') {
      newline = true;
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n' && sql[i] !== '\r') i++;
    } else return newline && c === "'" ? i : -1;
  }
}

/** The end of the digits from `i`, with single underscores between digits (1_000). */
function skipDigits(sql: string, i: number): number {
  while (isDigit(sql[i]) || (sql[i] === '_' && isDigit(sql[i - 1]) && isDigit(sql[i + 1]))) i++;
  return i;
}

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
          // DuckDB's scanner refuses a backslash before a non-ASCII character.
          if (sql[i + 1]! >= '\u0080') return fail('an invalid escape in an E string');
          value += sql[i + 1];
          i += 2;
        } else if (d === "'" && sql[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (d === "'") {
          i++;
          // 'a' and 'b' with a newline between them are one string (SQL's continuation).
          const more = continuation(sql, i);
          if (more < 0) {
            closed = true;
            break;
          }
          i = more + 1;
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
      if (i - start === 2) return fail('an empty quoted identifier');
      push('quoted', start, i, value);
    } else if (c === '?' || (c === '$' && isDigit(next))) {
      const start = i;
      i = skipDigits(sql, i + 1);
      push('parameter', start, i, sql.slice(start, i));
    } else if (c === '$' && (next === '$' || isIdentStart(next))) {
      // $tag$ ... $tag$; a `$name` not closed by `$` is `$` and a word to DuckDB's tokenizer.
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
        push('parameter', start, start + 1, '$');
        i = start + 1;
      }
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      const start = i;
      i = skipDigits(sql, i);
      if (sql[i] === '.' && sql[i + 1] !== '.') i = skipDigits(sql, i + 1);
      if ((sql[i] === 'e' || sql[i] === 'E') && (isDigit(sql[i + 1]) || ((sql[i + 1] === '+' || sql[i + 1] === '-') && isDigit(sql[i + 2])))) {
        i += sql[i + 1] === '+' || sql[i + 1] === '-' ? 2 : 1;
        i = skipDigits(sql, i);
      }
      push('number', start, i, sql.slice(start, i));
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentPart(sql[i])) i++;
      push('word', start, i, sql.slice(start, i).toUpperCase());
    } else if (PUNCTUATION.includes(c)) {
      push('punctuation', i, i + 1, c);
      i++;
    } else if (c === ':' || c === '.' || !OPERATOR_CHARS.includes(c)) {
      const width = (c === ':' || c === '.') && next === c ? 2 : 1;
      push('operator', i, i + width, sql.slice(i, i + width));
      i += width;
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
