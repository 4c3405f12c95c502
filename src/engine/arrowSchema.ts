/**
 * The Arrow types every backend refuses alike, checked before an Arrow table or
 * IPC file is inserted (loadData, loadFile), so that the wasm and native backends
 * answer the same ValidationError instead of loading on one and failing, or
 * loading other values, on the other:
 * - a STRUCT or UNION naming a field twice (compared as DuckDB compares names,
 *   ignoring case): native DuckDB refuses the type, DuckDB-WASM 1.32 creates it
 *   and every row then shows one of the two values;
 * - a dense UNION, or one whose type ids are not its members' positions:
 *   DuckDB-WASM 1.32 reads neither (sparse unions with ids 0, 1, ... load everywhere);
 * - a day-time INTERVAL: DuckDB-WASM 1.32 reads its two 32-bit words as one
 *   64-bit count of milliseconds, so `{days: 3, ms: 1500}` would load as 6.4 billion seconds.
 */
import { IntervalUnit, Type, UnionMode, type DataType, type Field, type Interval, type Schema, type Union } from 'apache-arrow';
import { ValidationError } from '../errors/ValidationError.js';

/** Throws a ValidationError naming the column (and field) of the first type no backend loads alike. */
export function checkArrowSchema(schema: Schema): void {
  for (const field of schema.fields) checkType(field.type as DataType, field.name, field.name);
}

function checkType(type: DataType, column: string, path: string): void {
  if (type.typeId === Type.Union && (type as Union).mode === UnionMode.Dense) {
    throw refused(column, path, 'a dense UNION, which DuckDB-WASM cannot read', 'build it as a sparse union, or as separate columns');
  }
  if (type.typeId === Type.Union && (type as Union).typeIds.some((id, position) => id !== position)) {
    throw refused(column, path, `a UNION with type ids ${(type as Union).typeIds.join(', ')}, which DuckDB-WASM reads only as 0, 1, ...`, "number its members' type ids by their position");
  }
  if (type.typeId === Type.Interval && (type as Interval).unit === IntervalUnit.DAY_TIME) {
    throw refused(column, path, 'a day-time INTERVAL, which DuckDB-WASM reads wrongly', 'load it as a year-month interval, or its days and milliseconds as integer columns');
  }
  if (type.typeId === Type.Struct || type.typeId === Type.Union) {
    const seen = new Set<string>();
    for (const child of type.children as Field[]) {
      const key = child.name.toLowerCase();
      if (seen.has(key)) {
        const kind = type.typeId === Type.Struct ? 'STRUCT' : 'UNION';
        throw refused(column, path, `a ${kind} that names the field "${child.name}" twice (DuckDB compares field names ignoring case)`, 'give each field its own name');
      }
      seen.add(key);
    }
  }
  for (const child of (type.children ?? []) as Field[]) checkType(child.type as DataType, column, `${path}.${child.name}`);
}

function refused(column: string, path: string, what: string, fix: string): ValidationError {
  const where = path === column ? `column "${column}"` : `column "${column}" (at ${path})`;
  return new ValidationError(`${where} is ${what}; ${fix}`, { issues: [{ path, message: what }] });
}
