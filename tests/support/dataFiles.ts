/**
 * Real data files for the loadFile tests, browser tests and benchmarks, written
 * by native DuckDB's own writers (COPY ... TO, so every reader meets files as
 * DuckDB and other tools write them) plus Arrow IPC from this package's
 * apache-arrow. One row shape in every format: integers, a bigint, doubles,
 * strings, booleans, timestamps, dates, decimals and nulls.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC, tableToIPC } from 'apache-arrow';

/** Paths of one data set in every format. */
export interface DataFiles {
  readonly dir: string;
  readonly rows: number;
  readonly csv: string;
  readonly parquet: string;
  readonly json: string;
  readonly ndjson: string;
  readonly arrowFile: string;
  readonly arrowStream: string;
}

/** The rows: `id` 0..n-1 and columns derived from it, every tenth `maybe` NULL. */
export function rowsSql(rows: number): string {
  return `SELECT i::INTEGER AS id, (i * 7919 % 1000003)::BIGINT * 1000000 AS big, i / 4 AS dbl, 'name-' || (i % 1000) AS name,
    i % 2 = 0 AS flag, TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS ts, DATE '2020-01-01' + (i % 1000)::INTEGER AS day,
    (i % 100000 / 1000.0)::DECIMAL(18,3) AS price, CASE WHEN i % 10 = 0 THEN NULL ELSE i END AS maybe FROM range(${rows}) r(i)`;
}

/** Writes the data set of `rows` rows in every format into a new temporary directory. */
export async function writeDataFiles(rows: number, formats: readonly (keyof Omit<DataFiles, 'dir' | 'rows'>)[] = ['csv', 'parquet', 'json', 'ndjson', 'arrowFile', 'arrowStream']): Promise<DataFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'dataprism-files-'));
  const files: DataFiles = {
    dir,
    rows,
    csv: join(dir, 'data.csv'),
    parquet: join(dir, 'data.parquet'),
    json: join(dir, 'data.json'),
    ndjson: join(dir, 'data.ndjson'),
    arrowFile: join(dir, 'data.arrow'),
    arrowStream: join(dir, 'data.arrows'),
  };
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`CREATE TABLE t AS ${rowsSql(rows)}`);
    const copy = (path: string, format: string) => conn.run(`COPY (FROM t ORDER BY id) TO '${path}' (${format})`);
    if (formats.includes('csv')) await copy(files.csv, 'FORMAT csv, HEADER');
    if (formats.includes('parquet')) await copy(files.parquet, 'FORMAT parquet');
    if (formats.includes('json')) await copy(files.json, 'FORMAT json, ARRAY true');
    if (formats.includes('ndjson')) await copy(files.ndjson, 'FORMAT json');
    if (formats.includes('arrowFile') || formats.includes('arrowStream')) {
      // DuckDB writes Parquet; apache-arrow turns it into IPC through DuckDB's own Arrow export of the same rows.
      const reader = await conn.runAndReadAll('SELECT id, big, dbl, name, flag, maybe FROM t ORDER BY id');
      const columns = reader.getColumnsObjectJS();
      const { tableFromArrays } = await import('apache-arrow');
      const table = tableFromArrays({
        id: Int32Array.from(columns.id as number[]),
        big: BigInt64Array.from(columns.big as bigint[]),
        dbl: Float64Array.from(columns.dbl as number[]),
        name: columns.name as string[],
        flag: columns.flag as boolean[],
        maybe: (columns.maybe as (bigint | null)[]).map((v) => (v === null ? null : Number(v))),
      });
      if (formats.includes('arrowFile')) await writeFile(files.arrowFile, tableToIPC(table, 'file'));
      if (formats.includes('arrowStream')) await writeFile(files.arrowStream, tableToIPC(tableFromIPC(tableToIPC(table, 'stream')), 'stream'));
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return files;
}
