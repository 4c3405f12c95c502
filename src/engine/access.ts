/**
 * What a statement may do when it comes from someone with fewer rights than
 * the host (a plugin), and the DuckDB controls that enforce it. Backend-neutral:
 * everything here is SQL text or DuckDB settings, so the wasm and native
 * backends enforce the same way.
 *
 * The layers, each answered by DuckDB itself rather than by string matching:
 * 1. the whole database runs with `enable_external_access = false`, only the
 *    host's own registered files allowed (`allowed_directories`), and
 *    `lock_configuration = true`, so no statement can widen that afterwards;
 * 2. a restricted statement is prepared first: DuckDB refuses to prepare more
 *    than one statement, so nothing can hide behind a `;`;
 * 3. a read-only statement is prepared inside `FROM (...)`, which DuckDB's
 *    grammar accepts only for a query (a DROP, SET, COPY, PRAGMA... there is a
 *    syntax error), and it runs in a `READ ONLY` transaction, in which DuckDB
 *    refuses every write — including `nextval()` on a sequence.
 */

import { tokenizeSql } from './sqlTokens.js';

/** What a statement may do. The host's own calls are not restricted at all. */
export interface StatementAccess {
  /** It may change data, schema or sequences. When false: one query, in a READ ONLY transaction. */
  readonly write: boolean;
  /** It may use files: file functions, COPY, ATTACH, EXPORT, IMPORT, INSTALL, LOAD. */
  readonly files: boolean;
}

/** Full rights: still one prepared statement per call, but nothing else refused. */
export const FULL_ACCESS: StatementAccess = Object.freeze({ write: true, files: true });

/** Read-only, no files: what `engine:read` alone grants. */
export const READ_ONLY_ACCESS: StatementAccess = Object.freeze({ write: false, files: false });

/**
 * Where the host registers the files it loads (CSV text for `loadData`). The only
 * directory DuckDB may open by default; a name that no disk is likely to have,
 * so that a COPY into it cannot reach a real file in Node either.
 */
export const HOST_FILES_DIRECTORY = '/dataprism-host-files/';

/** The alias of the subquery a read-only statement is wrapped in. */
const READ_ONLY_ALIAS = 'dataprism_read_only';

/**
 * `sql` without trailing semicolons and whitespace, so that it can stand inside
 * parentheses (`SELECT 1;` is a query). Safe without lexing: a final `;` can only
 * end the statement, sit in a `--` comment, or end a string or comment that was
 * never closed (a syntax error either way). Only DuckDB's whitespace is dropped:
 * DuckDB reads NBSP and the like as part of an identifier.
 */
export function withoutTrailingSemicolons(sql: string): string {
  return sql.replace(/[;\t\n\f\r ]+$/, '');
}

/**
 * `sql` as a subquery, so that DuckDB's parser accepts it only when it is a query.
 * The newline before `)` ends a trailing `--` comment.
 */
export function readOnlyStatement(sql: string): string {
  return `SELECT * FROM (\n${withoutTrailingSemicolons(sql)}\n) AS "${READ_ONLY_ALIAS}"`;
}

export const BEGIN_READ_ONLY = 'BEGIN TRANSACTION READ ONLY';
export const END_READ_ONLY = 'ROLLBACK';

/** What the statement check needs to know about this database (asked of DuckDB when the engine opens). */
export interface AccessPolicy {
  /** Names of DuckDB's table functions, lower-case (`duckdb_functions()`). */
  readonly tableFunctions: ReadonlySet<string>;
  /** The directories and paths DuckDB may open at all (the host's own and the allowed ones). */
  readonly allowedPrefixes: readonly string[];
}

/** Table functions that open files. Granted by `files`. */
const FILE_TABLE_FUNCTIONS = new Set(['glob', 'read_blob', 'read_csv', 'read_csv_auto', 'read_text', 'sniff_csv']);

/**
 * DuckDB's naming of the readers its extensions add (`read_parquet`, `read_json`,
 * `read_duckdb`, `parquet_metadata`, ...): refused without `files` whether or not
 * the policy lists them, since an extension loaded after the policy was read adds
 * readers the list never saw, and a path they open may be computed (`'/a' || 'b'`
 * or a prepared parameter), which no literal check sees.
 */
const FILE_FUNCTION_PREFIXES = ['read_', 'parquet_'];
const opensFiles = (name: string) => FILE_TABLE_FUNCTIONS.has(name) || FILE_FUNCTION_PREFIXES.some((prefix) => name.startsWith(prefix));

/**
 * DuckDB's table functions a caller without `files` may still call with write
 * access: they change the database or the session but open no file. Any other of
 * DuckDB's table functions is refused without `files` (deny by default: a reader
 * a later DuckDB adds is not let through for want of a name here).
 */
const NON_FILE_TABLE_FUNCTIONS = new Set([
  'checkpoint', 'force_checkpoint', 'enable_logging', 'disable_logging', 'truncate_duckdb_logs', 'enable_profiling', 'disable_profiling',
  'enable_peg_parser', 'disable_peg_parser', 'check_peg_parser', 'json_each', 'json_tree', 'icu_calendar_names', 'pg_timezone_names',
  'sql_auto_complete', 'which_secret',
]);

/** Table functions a read-only statement may call: introspection and generators, which change nothing. */
const READ_ONLY_TABLE_FUNCTIONS = new Set([
  'generate_series', 'range', 'unnest', 'repeat', 'repeat_row', 'summary', 'histogram', 'histogram_values',
  'test_all_types', 'test_vector_types', 'seq_scan',
]);

/** Table functions only full rights may call: SQL given as a string (no check sees into it), raw memory pointers. */
const FULL_RIGHTS_TABLE_FUNCTIONS = new Set(['query', 'query_table', 'arrow_scan', 'arrow_scan_dumb', 'json_execute_serialized_sql']);

/**
 * Scalar functions that change the session although a SELECT calls them (the
 * connection's random seed is shared with the host). `nextval()` is not here:
 * DuckDB itself refuses it in the READ ONLY transaction.
 */
const STATEFUL_SCALARS = new Set(['setseed']);

/** Statements that reach files, as their first word (EXPLAIN ANALYZE runs what follows it). */
const FILE_STATEMENTS = new Set(['COPY', 'ATTACH', 'DETACH', 'EXPORT', 'IMPORT', 'INSTALL', 'LOAD', 'FORCE']);

/**
 * `path` as DuckDB compares it with `allowed_directories` (DBConfig::CanAccessFile):
 * repeated `/` collapsed and `.` / `..` segments resolved, lower-cased. Native DuckDB
 * opens `/allowed//x.csv` and `/other/../allowed/x.csv` as files under `/allowed/`,
 * so the literal check must see them as such.
 */
export function normalizedPath(path: string): string {
  let normal = path.toLowerCase().replaceAll('\\', '/').replace(/\/{2,}/g, '/').replace(/\/(?:\.\/)+/g, '/');
  for (let previous = ''; previous !== normal; ) {
    previous = normal;
    normal = normal.replace(/\/(?!\.\.(?:\/|$))[^/]+\/\.\.(?:\/|$)/, '/');
  }
  return normal;
}

const readOnlyTableFunction = (name: string) =>
  READ_ONLY_TABLE_FUNCTIONS.has(name) || (name.startsWith('duckdb_') && name !== 'duckdb_secrets') || (name.startsWith('pragma_') && name !== 'pragma_metadata_info');

/** Whether `access` refuses anything, so that a statement must meet `accessViolation` (and the policy be read). */
export function isRestricted(access: StatementAccess): boolean {
  return !(access.files && access.write);
}

/**
 * Why `sql` needs more than `access` grants, or null. The part of the check that
 * DuckDB's settings cannot make per caller: a plugin without `files` must not
 * reach even the files the host allowed, and a read-only one must not call the
 * few functions that change state from inside a SELECT. It looks at DuckDB's
 * own list of table functions and at tokens split as DuckDB splits them
 * (sqlTokens.ts); what it misses still meets the settings and the READ ONLY
 * transaction. Messages read `Permission Error: <what>, which needs <file access |
 * write access | full rights>`.
 */
export function accessViolation(sql: string, access: StatementAccess, policy: AccessPolicy): string | null {
  if (!isRestricted(access)) return null;
  const { tokens } = tokenizeSql(sql);
  if (!access.files) {
    const words = tokens.filter((t) => t.kind === 'word').slice(0, 3).map((t) => t.value);
    const statement = words[0] === 'EXPLAIN' ? words.find((w, i) => i > 0 && w !== 'ANALYZE') : words[0];
    if (statement !== undefined && FILE_STATEMENTS.has(statement)) return `Permission Error: ${statement} reaches files, which needs file access`;
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'string' || token.kind === 'quoted') {
      // A literal naming an allowed file, e.g. FROM '/dataprism-host-files/x.csv' (a replacement scan).
      const literal = normalizedPath(token.value);
      if (!access.files && policy.allowedPrefixes.some((prefix) => literal.includes(normalizedPath(prefix)))) {
        return `Permission Error: '${token.value}' names a file, which needs file access`;
      }
    }
    if ((token.kind !== 'word' && token.kind !== 'quoted') || tokens[i + 1]?.value !== '(' || tokens[i + 1]?.kind !== 'punctuation') continue;
    const name = token.value.toLowerCase();
    if (!access.write && STATEFUL_SCALARS.has(name)) return `Permission Error: ${name}() changes the session's state, which needs write access`;
    if (!access.files && opensFiles(name)) return `Permission Error: ${name}() opens files, which needs file access`;
    if (!policy.tableFunctions.has(name)) continue;
    if (FULL_RIGHTS_TABLE_FUNCTIONS.has(name)) return `Permission Error: ${name}() runs SQL or memory no check sees into, which needs full rights`;
    // A reader reaching here has file access (refused above without it), which it needs and which is enough, read-only or not.
    if (opensFiles(name)) continue;
    if (!access.write && !readOnlyTableFunction(name)) return `Permission Error: ${name}() is not a read-only table function, which needs write access`;
    if (!access.files && !readOnlyTableFunction(name) && !NON_FILE_TABLE_FUNCTIONS.has(name)) {
      return `Permission Error: ${name}() is not known to stay away from files, which needs file access`;
    }
  }
  return null;
}
