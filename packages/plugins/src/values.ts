/**
 * Small helpers shared by the built-in plugins: quoting identifiers for DuckDB,
 * turning engine values (bigint, Date, DECIMAL objects) into plain JSON values,
 * and reading a source (`{ table }`, `{ sql }` or rows) from action parameters.
 */
import { ValidationError } from '@dataprism/orchestration';

/** A DuckDB identifier, double-quoted with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValidationError(`a column or table name must be a non-empty string, got ${JSON.stringify(name)}`, { component: 'plugins' });
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A value as JSON-friendly data: bigint → number, Date → ISO string, number-like objects → number. */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const text = String(value);
    const n = Number(text.replace(/^"|"$/g, ''));
    if (text !== '[object Object]' && Number.isFinite(n)) return n;
  }
  return value;
}

/** Rows with every value made plain (engines return bigint and objects that JSON and Vega cannot take). */
export function plainRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(row)) out[key] = plainValue(row[key]);
    return out;
  });
}

/** A number from an engine value, or null. */
export function toNumber(value: unknown): number | null {
  const plain = plainValue(value);
  if (plain === null || plain === undefined) return null;
  const n = typeof plain === 'number' ? plain : Number(plain);
  return Number.isFinite(n) ? n : null;
}

/** True for an array of plain row objects. */
export function isRows(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r));
}

/** The params object of an action, or a ValidationError saying what was expected. */
export function paramsObject(params: unknown, action: string, expected: string): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new ValidationError(`${action} takes an object ${expected}, got ${Array.isArray(params) ? 'an array' : typeof params}`, { component: 'plugins' });
  }
  return params as Record<string, unknown>;
}
