/**
 * Arrow types the two engines would load differently, settled before an Arrow
 * table or IPC file is inserted (loadData, loadFile). Float16 columns (at any
 * depth) become Float32 first: native DuckDB loads them as FLOAT, DuckDB-WASM
 * 1.32 refuses them (`Unsupported Internal Arrow Type e`). The others are
 * refused on every backend with the same ValidationError, instead of loading on
 * one and failing, or loading other values, on the other:
 * - a STRUCT or UNION naming a field twice (compared as DuckDB compares names,
 *   ignoring case): native DuckDB refuses the type, DuckDB-WASM 1.32 creates it
 *   and every row then shows one of the two values;
 * - a dense UNION, or one whose type ids are not its members' positions:
 *   DuckDB-WASM 1.32 reads neither (sparse unions with ids 0, 1, ... load everywhere);
 * - a day-time INTERVAL: DuckDB-WASM 1.32 reads its two 32-bit words as one
 *   64-bit count of milliseconds, so `{days: 3, ms: 1500}` would load as 6.4 billion seconds.
 */
import {
  Field,
  FixedSizeList,
  Float32,
  IntervalUnit,
  List,
  Map_,
  Precision,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Type,
  DenseUnion,
  SparseUnion,
  UnionMode,
  makeData,
  makeVector,
  type Data,
  type DataType,
  type Float,
  type Interval,
  type Union,
} from 'apache-arrow';
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

/** `table` with every Float16 column, at any depth, as Float32 (the same values: every half is a single exactly); `table` itself when it has none. */
export function float16AsFloat32(table: Table): Table {
  if (!table.schema.fields.some((f) => hasHalf(f.type as DataType))) return table;
  const batches = table.batches.map((batch) => {
    const data = singles(batch.data as Data);
    const struct = data.type as Struct;
    return new RecordBatch(new Schema(struct.children, table.schema.metadata), data as Data<Struct>);
  });
  return new Table(batches);
}

function isHalf(type: DataType): boolean {
  return type.typeId === Type.Float && (type as Float).precision === Precision.HALF;
}

function hasHalf(type: DataType): boolean {
  return isHalf(type) || ((type.children ?? []) as Field[]).some((f) => hasHalf(f.type as DataType));
}

/** `data` with its Float16 leaves as Float32; untouched parts keep their buffers. */
function singles(data: Data): Data {
  const type = data.type as DataType;
  if (isHalf(type)) {
    const halves = makeVector(data);
    const values = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) values[i] = (halves.get(i) as number | null) ?? 0;
    // A sliced chunk's values start at its first row; its validity bitmap counts from `offset`.
    return makeData({ type: new Float32(), offset: data.offset, length: data.length, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: values });
  }
  if (!hasHalf(type)) return data;
  const children = data.children.map((child) => singles(child as Data));
  const fields = (type.children as Field[]).map((f, i) => f.clone({ type: children[i]!.type }));
  return data.clone(withChildren(type, fields), data.offset, data.length, data.nullCount, data as never, children);
}

function withChildren(type: DataType, fields: Field[]): DataType {
  switch (type.typeId) {
    case Type.List:
      return new List(fields[0]!);
    case Type.FixedSizeList:
      return new FixedSizeList((type as FixedSizeList).listSize, fields[0]!);
    case Type.Struct:
      return new Struct(fields);
    case Type.Map:
      return new Map_(fields[0] as never, (type as Map_).keysSorted);
    case Type.Union:
      return (type as Union).mode === UnionMode.Dense ? new DenseUnion((type as Union).typeIds, fields) : new SparseUnion((type as Union).typeIds, fields);
    default:
      return type;
  }
}
