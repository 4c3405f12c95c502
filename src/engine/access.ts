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
  return sql.replace(/[;\t\n\v\f\r ]+$/, '');
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
