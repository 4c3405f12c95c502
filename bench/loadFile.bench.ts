/**
 * engine.loadFile against the raw reader path it wraps, in one process, on
 * 1M-row files: on DuckDB-WASM (worker) the file's bytes registered and read by
 * `read_csv`, or decoded by parquet-wasm and inserted as Arrow IPC; on native
 * DuckDB `read_csv` / `read_parquet` on the path (a raw instance without the
 * engine's file restrictions). Ours adds detection, the transaction and the
 * table info it returns; for Parquet on DuckDB-WASM it decodes a file of many row
 * groups a piece at a time, inserting each while the next decodes, where the raw
 * path decodes the whole file and then inserts it (as duckdb-wasm's and
 * parquet-wasm's documentation show).
 *
 * Then the two Parquet readers considered for the wasm backends, on the same
 * file: parquet-wasm (chosen) and hyparquet, each to Arrow IPC bytes ready for
 * DuckDB's Arrow insert — information, not a target.
 *
 * Run alone: `npx tsx bench/loadFile.bench.ts`.
 */
import { readFile, rm } from 'node:fs/promises';
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { DuckDBInstance } from '@duckdb/node-api';
import { Table, tableToIPC, type Vector } from 'apache-arrow';
import { abbaRows, compareAbbaMs, medianMs, processCpuMs, runWhenMain, type BenchRow } from './harness.js';
import { createEngine } from '../src/engine/index.js';
import { columnToVector } from '../src/engine/ingest.js';
import { writeDataFiles } from '../tests/support/dataFiles.js';

const ROWS = 1_000_000;
const TARGET = 0.95;
const rate = (ms: number) => ROWS / (ms / 1000);

type ParquetWasm = typeof import('parquet-wasm');

function throughput(name: string, baselineName: string, m: { ours: number; baseline: number }, target = true): BenchRow {
  const ours = rate(m.ours);
  const baseline = rate(m.baseline);
  return {
    name,
    baselineName,
    ours,
    baseline,
    unit: 'rows/s',
    higherIsBetter: true,
    target: target ? `ratio ≥ ${TARGET}` : 'information: reader choice',
    ...(target ? { met: ours / baseline >= TARGET } : {}),
  };
}

/** Throughput rows (wall, then CPU time of the same samples) of an ABBA comparison of loads. */
function loadRows(name: string, baselineName: string, m: Parameters<typeof abbaRows>[0]): BenchRow[] {
  return abbaRows(m, { name, baselineName, maxSlowdown: 1 / TARGET, target: `ratio ≥ ${TARGET}`, perMs: ROWS * 1000, unit: 'rows/s' });
}

async function wasmRows(csv: string, parquetPath: string, parquet: ParquetWasm): Promise<BenchRow[]> {
  const engine = await createEngine({ mode: 'worker' });
  try {
    const db = engine.unsafeDuckDB() as AsyncDuckDB;
    const conn = await db.connect();
    const rawCsv = async () => {
      const bytes = new Uint8Array(await readFile(csv));
      await db.registerFileBuffer('/dataprism-host-files/raw.csv', bytes);
      await conn.query("CREATE OR REPLACE TABLE raw_csv AS FROM read_csv('/dataprism-host-files/raw.csv')");
      await db.dropFile('/dataprism-host-files/raw.csv');
    };
    const ours = (path: string, table: string) => () => engine.loadFile(path, table, { mode: 'replace' });
    const out: BenchRow[] = [];
    // ABBA with CPU time, as the other load rows: with 5 samples in one order this row moved 0.85-1.44 between quiet runs.
    const csvAbba = await compareAbbaMs(ours(csv, 'ours_csv'), rawCsv, { samples: 10, warmup: 1, cpuClock: processCpuMs });
    out.push(...loadRows('wasm (worker) loadFile 1M-row CSV', 'readFile + registerFileBuffer + CREATE TABLE AS read_csv', csvAbba));
    const rawParquet = async () => {
      const bytes = new Uint8Array(await readFile(parquetPath));
      const ipc = parquet.readParquet(bytes, { batchSize: 122_880 }).intoIPCStream();
      await conn.query('DROP TABLE IF EXISTS raw_parquet');
      await conn.insertArrowFromIPCStream(ipc, { name: 'raw_parquet', create: true });
    };
    // ABBA with CPU time: a ~5% target needs more than a few wall-clock samples on a shared machine.
    const abba = await compareAbbaMs(ours(parquetPath, 'ours_parquet'), rawParquet, { samples: 16, cpuClock: processCpuMs });
    out.push(...loadRows('wasm (worker) loadFile 1M-row Parquet', 'readFile + parquet-wasm → IPC + insertArrowFromIPCStream', abba));
    await conn.close();
    return out;
  } finally {
    await engine.close();
  }
}

async function nativeRows(csv: string, parquetPath: string): Promise<BenchRow[]> {
  const engine = await createEngine({ backend: 'native' });
  const instance = await DuckDBInstance.create(':memory:', { autoload_known_extensions: 'false', autoinstall_known_extensions: 'false' });
  const raw = await instance.connect();
  try {
    const out: BenchRow[] = [];
    const ours = (path: string, table: string) => () => engine.loadFile(path, table, { mode: 'replace' });
    // ABBA with 20 samples, as the Parquet row: with 5 samples in one order this row moved 0.91-1.07 between quiet runs.
    const csvAbba = await compareAbbaMs(ours(csv, 'ours_csv'), () => raw.run(`CREATE OR REPLACE TABLE raw_csv AS FROM read_csv('${csv}')`), {
      samples: 20,
      cpuClock: processCpuMs,
    });
    out.push(...loadRows('native loadFile 1M-row CSV', 'raw @duckdb/node-api CREATE TABLE AS read_csv(path)', csvAbba));
    const abba = await compareAbbaMs(ours(parquetPath, 'ours_parquet'), () => raw.run(`CREATE OR REPLACE TABLE raw_parquet AS FROM read_parquet('${parquetPath}')`), {
      samples: 30,
      cpuClock: processCpuMs,
    });
    out.push(...loadRows('native loadFile 1M-row Parquet', 'raw @duckdb/node-api CREATE TABLE AS read_parquet(path)', abba));
    // The raw load against itself, sampled as above: how far apart two identical loads land on this machine now.
    const rawParquet = (table: string) => () => raw.run(`CREATE OR REPLACE TABLE ${table} AS FROM read_parquet('${parquetPath}')`);
    const noise = await compareAbbaMs(rawParquet('raw_parquet_again'), rawParquet('raw_parquet'), { samples: 30 });
    out.push({
      ...throughput('noise floor: native raw Parquet load vs itself', 'raw @duckdb/node-api CREATE TABLE AS read_parquet(path)', noise, false),
      target: 'information: the native load rows are only as precise as this',
    });
    return out;
  } finally {
    raw.closeSync();
    instance.closeSync();
    await engine.close();
  }
}

/** hyparquet's columns → Arrow IPC with this package's column builders (it yields JS values, not Arrow). */
async function hyparquetToIpc(bytes: Uint8Array): Promise<Uint8Array> {
  const { parquetRead } = await import('hyparquet');
  const columns: Record<string, unknown[]> = {};
  await parquetRead({
    file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const column = (columns[columnName] ??= []);
      for (let i = 0; i < columnData.length; i++) column[rowStart + i] = columnData[i];
    },
  });
  const vectors: Record<string, Vector> = {};
  for (const [name, values] of Object.entries(columns)) vectors[name] = columnToVector(name, values);
  return tableToIPC(new Table(vectors), 'stream');
}

async function readerRows(parquetPath: string, parquet: ParquetWasm): Promise<BenchRow[]> {
  const bytes = new Uint8Array(await readFile(parquetPath));
  const wasmMs = await medianMs(() => parquet.readParquet(bytes, { batchSize: 122_880 }).intoIPCStream(), 3);
  const hyparquetMs = await medianMs(() => hyparquetToIpc(bytes), 3);
  return [throughput('Parquet → Arrow IPC, 1M rows: parquet-wasm 0.8', 'hyparquet 1.33 + Arrow column builders', { ours: wasmMs, baseline: hyparquetMs }, false)];
}

export async function run(): Promise<BenchRow[]> {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const files = await writeDataFiles(ROWS, ['csv', 'parquet']);
  try {
    const parquet = (await import('parquet-wasm')) as ParquetWasm;
    return [...(await wasmRows(files.csv, files.parquet, parquet)), ...(await nativeRows(files.csv, files.parquet)), ...(await readerRows(files.parquet, parquet))];
  } finally {
    clearInterval(keepAlive);
    await rm(files.dir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, run);
