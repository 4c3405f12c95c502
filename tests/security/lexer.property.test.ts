// The tokenizer against DuckDB's own (duckdb-wasm's tokenize(), DuckDB's Parser::Tokenize)
// on a generated corpus: comments ending at \r or \n, nested block comments, '' and E''
// strings, $$ and $tag$ strings, "" in quoted identifiers, unicode and NBSP in words,
// all run together. Where each token starts and what kind it is must agree.
import { createDuckDB, NODE_RUNTIME, VoidLogger, type DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { beforeAll, expect, test } from 'vitest';
import { tokenizeSql, type SqlTokenKind } from '../../src/engine/sqlTokens.js';

const require = createRequire(import.meta.url);
let duckdb: DuckDBBindings;

beforeAll(async () => {
  duckdb = await createDuckDB(
    {
      mvp: { mainModule: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm'), mainWorker: '' },
      eh: { mainModule: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'), mainWorker: '' },
    },
    new VoidLogger(),
    NODE_RUNTIME,
  );
  await duckdb.instantiate(() => undefined);
});

/** DuckDB's token types (SimplifiedTokenType): identifier, numeric, string, operator, keyword, comment. */
const DUCKDB_KINDS = ['name', 'number', 'string', 'symbol', 'name', 'comment'] as const;
const OURS: Record<SqlTokenKind, string> = {
  word: 'name',
  quoted: 'name',
  string: 'string',
  number: 'number',
  parameter: 'symbol',
  punctuation: 'symbol',
  operator: 'symbol',
};
// Operators are split by rules no decision here depends on; tokens that start with one are left out on both sides.
const OPERATOR_START = /^[+\-*/<>=~!@#%^&|`:.]/;

/** [UTF-8 byte offset, kind] of every token, as DuckDB reports them. */
function duckdbTokens(sql: string): string[] {
  const { offsets, types } = duckdb.tokenize(sql);
  const bytes = Buffer.from(sql);
  return offsets
    .map((offset, i) => ({ offset, kind: DUCKDB_KINDS[types[i]!]!, text: bytes.subarray(offset, offset + 1).toString('latin1') }))
    // DuckDB types some operators (`::`, `->>`) as keywords: what matters is where they start.
    .filter((t) => t.kind === 'string' || t.kind === 'number' || !OPERATOR_START.test(t.text))
    .map((t) => `${t.offset}:${t.kind}`);
}

function ourTokens(sql: string): string[] {
  return tokenizeSql(sql)
    .tokens.filter((t) => !(t.kind === 'operator' && OPERATOR_START.test(sql[t.start]!)))
    .map((t) => `${Buffer.byteLength(sql.slice(0, t.start))}:${OURS[t.kind]}`);
}

const text = (alphabet: string[]) => fc.array(fc.constantFrom(...alphabet), { maxLength: 6 }).map((cs) => cs.join(''));
const tricky = ['a', 'Z', ' ', ';', "'", '"', '$', '-', '/', '*', '\\', '\r', '\n', 'é', '€', '😀', '\u00a0', '\u2028', '(', ')'];
const noQuote = (q: string) => tricky.filter((c) => c !== q && c !== '\\');

const fragment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('SELECT', 'select', 'FROM', 't', 'a_1', 'x$y', 'é', 'ü€', '日本', 'a\u00a0b', 'DROP', 'comment', 'load', 'E', 'e', '_'),
  fc.constantFrom(' ', '\t', '\n', '\r', '\f', '\r\n', '\v'),
  fc.constantFrom(';', ',', '(', ')', '?', '$1', '$name', '::', '=', '+', '->>', '*', '.'),
  fc.constantFrom('1', '42', '1.5', '.5', '1_000', '1e3', '2.5E-3', '1.', '..', '_'),
  text(tricky.filter((c) => c !== '\n' && c !== '\r')).chain((body) => fc.constantFrom('\n', '\r', '\r\n').map((end) => `--${body}${end}`)),
  fc.tuple(text(noQuote('*')), text(noQuote('*'))).map(([a, b]) => `/*${a}/* ${b} */${a}*/`),
  text(noQuote('*')).map((body) => `/*${body}*/`),
  text(tricky).map((body) => `'${body.replaceAll("'", "''")}'`),
  text(tricky.filter((c) => c !== '\\')).map((body) => `E'${body.replaceAll("'", "\\'")}\\\\'`),
  text(noQuote('$')).map((body) => `$$${body}$$`),
  text(noQuote('$')).map((body) => `$tag$${body}$tag$`),
  text(tricky).map((body) => `"${body.replaceAll('"', '""')}"`),
);

test('the tokenizer splits generated SQL where DuckDB does', () => {
  fc.assert(
    fc.property(fc.array(fragment, { maxLength: 12 }), (fragments) => {
      const sql = fragments.join('');
      expect(ourTokens(sql), JSON.stringify(sql)).toEqual(duckdbTokens(sql));
    }),
    { numRuns: 3000 },
  );
});

test('unterminated strings, comments and identifiers stop both where they start', () => {
  fc.assert(
    fc.property(
      fc.array(fragment, { maxLength: 6 }),
      fc.constantFrom("'open", "E'open\\'", '"open', '$$open', '$t$open $t', '/* open', '/* /* */ open'),
      (fragments, open) => {
        const sql = fragments.join(' ') + ' ' + open;
        expect(tokenizeSql(sql).problem, JSON.stringify(sql)).not.toBeNull();
        expect(ourTokens(sql), JSON.stringify(sql)).toEqual(duckdbTokens(sql));
      },
    ),
    { numRuns: 500 },
  );
});
