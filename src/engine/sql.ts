/**
 * Quoting for SQL that the engine builds itself: every identifier it writes is
 * quoted, so a table named `x"; DROP TABLE y; --` is a name, never SQL.
 */
import { ValidationError } from '../errors/ValidationError.js';

/**
 * Quotes `name` as a DuckDB identifier: wraps it in double quotes and doubles any
 * double quote inside. Throws a ValidationError for an empty name or one with a
 * NUL character (DuckDB cannot store either).
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValidationError('a table or column name must be a non-empty string', {
      issues: [{ path: 'name', message: 'empty or not a string' }],
    });
  }
  if (name.includes('\u0000')) {
    throw new ValidationError(`the name ${JSON.stringify(name)} contains a NUL character; remove it`, {
      issues: [{ path: 'name', message: 'contains NUL' }],
    });
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes `value` as a SQL string literal (single quotes doubled). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
