// Queries against the real engine: parameters, errors, quoting, Arrow results,
// introspection, metrics, and what happens outside the `ready` state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Table } from 'apache-arrow';
import { createEngine, DataPrismEngine, type EngineState, type QueryRecord } from '../../src/engine/index.js';
import { LifecycleError } from '../../src/errors/LifecycleError.js';
import { QueryError } from '../../src/errors/QueryError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';

describe.each(ENGINE_BACKENDS)('engine queries ($label)', ({ options: backend, mode }) => {
  let engine: DataPrismEngine;
  const records: QueryRecord[] = [];
  const events: { type: string; version?: string }[] = [];
  beforeAll(async () => {
    engine = await createEngine({ ...backend, memoryLimit: 256 * 1024 * 1024 }, { onQuery: (r) => records.push(r), onEvent: (e) => events.push(e) });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('emitted engine:ready with DuckDB’s real version and applied the settings', async () => {
    expect(events).toEqual([{ type: 'engine:ready', version: expect.stringMatching(/^v\d+\.\d+\.\d+/) }]);
    expect(engine.getStatus()).toMatchObject({ state: 'ready', mode, version: events[0]!.version });
    const { data } = await engine.query(
      "SELECT current_setting('autoload_known_extensions') AS al, current_setting('autoinstall_known_extensions') AS ai, current_setting('memory_limit') AS ml",
    );
    expect(data[0]).toEqual({ al: false, ai: false, ml: '256.0 MiB' });
  });

  it('binds parameters through prepared statements', async () => {
    const { data } = await engine.query('SELECT ?::INTEGER + 1 AS n, ? AS s, ?::BOOLEAN AS b, ?::VARCHAR AS nul, ?::BIGINT AS big, ?::TIMESTAMP AS ts', [
      41, "it's", true, null, 9007199254740993n, new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    ]);
    expect(data[0]).toEqual({ n: 42, s: "it's", b: true, nul: null, big: 9007199254740993n, ts: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) });
    // A parameter is a value, never SQL.
    const injected = await engine.query('SELECT ? AS v', ["1; DROP TABLE t; --"]);
    expect(injected.data[0]!.v).toBe('1; DROP TABLE t; --');
    await expect(engine.query('SELECT ? AS v', [Number.NaN])).rejects.toBeInstanceOf(ValidationError);
  });

  it('reports bad SQL as a QueryError with DuckDB’s message and keeps working', async () => {
    const error = await engine.query('SELEC 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toMatch(/^Parser Error: syntax error at or near "SELEC"/);
    expect((error as QueryError).message.length).toBeLessThan(500);
    expect((error as QueryError).message).not.toMatch(/\n\s+at /);
    expect((error as QueryError).sql).toBe('SELEC 1');
    const missing = await engine.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/Catalog Error: Table with name no_such_table does not exist/);
    expect((await engine.query('SELECT 42 AS answer')).data).toEqual([{ answer: 42 }]);
    const failed = records.find((r) => r.sql === 'SELEC 1');
    expect(failed?.error).toBeInstanceOf(QueryError);
    expect(failed?.rowCount).toBe(0);
  });

  it('treats a hostile table name as a name', async () => {
    await engine.query('CREATE TABLE y AS SELECT 1 AS keep');
    const name = 'x"; DROP TABLE y; --';
    const loaded = await engine.loadData([{ a: 1 }, { a: 2 }], name);
    expect(loaded.rowCount).toBe(2);
    const tables = await engine.listTables();
    expect(tables).toContain(name);
    expect(tables).toContain('y');
    expect((await engine.getTableInfo(name)).rowCount).toBe(2);
    expect((await engine.query('SELECT keep FROM y')).data).toEqual([{ keep: 1 }]);
  });

  it('returns an apache-arrow Table from queryArrow', async () => {
    const table = await engine.queryArrow('SELECT range AS i FROM range(5)');
    expect(table).toBeInstanceOf(Table);
    expect(table.numRows).toBe(5);
    expect(Array.from(table.getChild('i')!.toArray(), Number)).toEqual([0, 1, 2, 3, 4]);
  });

  it('describes tables and counts its work', async () => {
    await engine.query('CREATE TABLE info_t (id INTEGER NOT NULL, name VARCHAR)');
    await engine.query("INSERT INTO info_t VALUES (1, 'a'), (2, NULL)");
    expect(await engine.getTableInfo('info_t')).toEqual({
      name: 'info_t',
      rowCount: 2,
      columns: [
        { name: 'id', type: 'INTEGER', nullable: false },
        { name: 'name', type: 'VARCHAR', nullable: true },
      ],
    });
    await expect(engine.getTableInfo('nope')).rejects.toBeInstanceOf(ValidationError);
    const metrics = engine.getMetrics();
    expect(metrics.queriesRun).toBeGreaterThan(5);
    expect(metrics.queriesFailed).toBeGreaterThanOrEqual(2);
    expect(metrics.averageExecutionTime).toBeGreaterThan(0);
    expect(metrics.inFlight).toBe(0);
  });

  it('has no plugin registry when standalone', async () => {
    await expect(engine.executePlugin('viz', 'draw', {})).rejects.toBeInstanceOf(LifecycleError);
  });
});

describe('outside the ready state', () => {
  it('throws a LifecycleError that says to initialize first', async () => {
    let state: EngineState = 'idle';
    const engine = new DataPrismEngine({}, { state: () => state });
    const error = await engine.query('SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LifecycleError);
    expect((error as Error).message).toMatch(/orchestrator\.initialize\(\)/);
    await expect(engine.loadData([{ a: 1 }], 't')).rejects.toBeInstanceOf(LifecycleError);
    await expect(engine.listTables()).rejects.toBeInstanceOf(LifecycleError);
    await expect(engine.processData([{ a: 1 }])).rejects.toBeInstanceOf(LifecycleError);
    // A state that says ready without an opened database is still not ready.
    state = 'ready';
    await expect(engine.queryArrow('SELECT 1')).rejects.toBeInstanceOf(LifecycleError);
    expect(engine.getStatus().state).toBe('ready');
    await expect(engine.close()).rejects.toThrow(/orchestrator\.shutdown\(\)/);
  });

  it('rejects a closed engine and invalid options', async () => {
    const engine = await createEngine({ mode: 'blocking' });
    await engine.close();
    expect(engine.getStatus().state).toBe('closed');
    await expect(engine.query('SELECT 1')).rejects.toThrow(/'closed'/);
    expect(() => new DataPrismEngine({ maxConcurrency: 0 }, { state: () => 'idle' })).toThrow(ValidationError);
    expect(() => new DataPrismEngine({ mode: 'gpu' as never }, { state: () => 'idle' })).toThrow(/mode/);
    expect(() => new DataPrismEngine({ backend: 'gpu' as never }, { state: () => 'idle' })).toThrow(/engineOptions\.backend.*'wasm' or 'native'/);
    // mode picks where DuckDB-WASM runs; with the native backend it would be silently ignored.
    expect(() => new DataPrismEngine({ backend: 'native', mode: 'blocking' }, { state: () => 'idle' })).toThrow(/engineOptions\.mode.*backend 'wasm' only/);
  });
});
