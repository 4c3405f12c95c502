/**
 * The plugin side of restricted SQL: which rights a plugin's permissions give
 * its statements, and — once DuckDB refused one — a message that says why in
 * the plugin's terms. The refusing itself is DuckDB's (src/engine/access.ts);
 * nothing here lets a statement through.
 */
import type { StatementAccess } from '../engine/access.js';
import { outlineSql } from '../engine/sqlTokens.js';
import type { PluginPermission } from './types.js';

/** The statement rights of a plugin holding `granted`. */
export function accessOf(granted: ReadonlySet<PluginPermission>): StatementAccess {
  return Object.freeze({ write: granted.has('engine:write'), files: granted.has('engine:files') });
}

/** Leading words of the statements DuckDB accepts as a query inside `FROM (...)`. */
const QUERY_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'FROM', 'TABLE', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'PIVOT', 'UNPIVOT', '(']);

/** Words of statements that change something; only used to name a refusal DuckDB's parser made. */
const WRITE_WORDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'COPY', 'ATTACH', 'DETACH', 'INSTALL', 'LOAD', 'PRAGMA', 'SET', 'RESET', 'EXPORT', 'IMPORT', 'TRUNCATE', 'MERGE', 'CALL', 'CHECKPOINT', 'VACUUM', 'PREPARE', 'EXECUTE']);

/** How a plugin gets what the engine's statement check (access.ts) found missing. */
const NEEDS = {
  'file access': "which needs the 'engine:files' permission",
  'write access': 'which a read-only query may not do',
  'full rights': 'which needs every engine permission',
} as const;

/** Why DuckDB refused the restricted statement `sql` with `message`; null when it is an ordinary query error. */
export function refusalReason(sql: string, message: string, access: StatementAccess): string | null {
  if (/Cannot prepare multiple statements/i.test(message)) {
    const { statements } = outlineSql(sql);
    return `it contains ${statements > 1 ? statements : 'several'} statements; send one statement per call`;
  }
  const own = /Permission Error: (.+), which needs (file access|write access|full rights)/.exec(message);
  if (own) return `${own[1]}, ${NEEDS[own[2] as keyof typeof NEEDS]}`;
  if (/read-only mode|read-only transaction/i.test(message)) return 'it would change the database, and DuckDB refused the write';
  if (/configuration has been locked/i.test(message)) return "it changes DuckDB's configuration, which the host locked";
  if (/file system operations are disabled|external extensions is disabled|Permission Error/i.test(message)) {
    return access.files
      ? 'it opens a file the host did not allow (engineOptions.allowedPaths / allowedDirectories)'
      : "it uses files, which needs the 'engine:files' permission";
  }
  if (!access.write && /syntax error|Parser Error/i.test(message)) {
    // DuckDB's parser refused the statement inside FROM (...): name what it was, when the tokens say.
    const { statements, first, words } = outlineSql(sql);
    if (statements > 1) return `it contains ${statements} statements; send one statement per call`;
    if (first !== null && !QUERY_STARTS.has(first)) return `it is a ${first} statement, not a query`;
    const writes = [...words].filter((w) => WRITE_WORDS.has(w));
    if (writes.length > 0) return `it is not a query (it uses ${writes.join(', ')})`;
  }
  return null;
}
