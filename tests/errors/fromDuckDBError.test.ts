// Mapping DuckDB's errors to the library's classes, checked against the messages a
// real DuckDB-WASM (blocking bundle, in this process) raises.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { EngineError, MemoryError, QueryError, ValidationError, createErrorHandler, fromDuckDBError } from '../../src/errors/index.js';
import { ResourceManager } from '../../src/resources/index.js';
import { fakeHost, quietLogger, recordingBus } from './support.js';

const require = createRequire(import.meta.url);

interface BlockingConnection {
  query(sql: string): { numRows: number };
  close(): void;
}

function realError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the statement to fail');
}

describe('fromDuckDBError', () => {
  let conn: BlockingConnection;

  beforeAll(async () => {
    const duckdb = require('@duckdb/duckdb-wasm/blocking');
    const dist = require.resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm').replace(/duckdb-mvp\.wasm$/, '');
    const bundles = {
      mvp: { mainModule: `${dist}duckdb-mvp.wasm`, mainWorker: `${dist}duckdb-node-mvp.worker.cjs` },
      eh: { mainModule: `${dist}duckdb-eh.wasm`, mainWorker: `${dist}duckdb-node-eh.worker.cjs` },
    };
    const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
    await db.instantiate();
    conn = db.connect();
    conn.query('SET autoload_known_extensions=false');
    conn.query('SET autoinstall_known_extensions=false');
    conn.query("SET memory_limit='20MB'");
  });

  afterAll(() => conn?.close());

  it("maps DuckDB's real 'Out of Memory Error' to MemoryError (category resource)", () => {
    const sql = 'SELECT list(range) FROM range(50000000) GROUP BY range % 1000000';
    const raw = realError(() => conn.query(sql));
    expect(raw.message).toMatch(/^Out of Memory Error/);
    const mapped = fromDuckDBError(raw, sql);
    expect(mapped).toBeInstanceOf(MemoryError);
    expect(mapped.category).toBe('resource');
    expect(mapped.component).toBe('engine');
    expect(mapped.cause).toBe(raw);
    expect(mapped.message).toMatch(/DuckDB ran out of memory while running: SELECT list\(range\).*Raise memoryLimit/s);
  });

  it('maps a real parser or catalog error to QueryError carrying the SQL', () => {
    const parser = fromDuckDBError(realError(() => conn.query('SELEC 1')), 'SELEC 1');
    expect(parser).toBeInstanceOf(QueryError);
    expect((parser as QueryError).sql).toBe('SELEC 1');
    expect(parser.message).toMatch(/^Parser Error: syntax error at or near "SELEC"/);
    const catalog = fromDuckDBError(realError(() => conn.query('SELECT * FROM missing_table')));
    expect(catalog).toBeInstanceOf(QueryError);
    expect(catalog.message).toMatch(/^Catalog Error/);
  });

  it('maps engine failures to EngineError and keeps library errors as they are', () => {
    expect(fromDuckDBError(new Error('INTERNAL Error: Attempted to access index 3 within vector of size 3'))).toBeInstanceOf(EngineError);
    expect(fromDuckDBError(Object.assign(new Error('unreachable'), { name: 'RuntimeError' }))).toBeInstanceOf(EngineError);
    const own = new ValidationError('bad');
    expect(fromDuckDBError(own)).toBe(own);
    expect(fromDuckDBError('a string')).toBeInstanceOf(QueryError);
  });

  it('a real out-of-memory failure recovers once cleanup drops the temporary table hogging memory', async () => {
    const sql = 'SELECT count(*) AS n FROM (SELECT range % 100000 AS k, sum(range) AS s FROM range(2000000) GROUP BY k)';
    conn.query('CREATE TEMP TABLE hog AS SELECT range AS a, range * 2 AS b, range * 3 AS c FROM range(600000)');
    const operation = async () => {
      try {
        return conn.query(sql).numRows;
      } catch (error) {
        throw fromDuckDBError(error, sql);
      }
    };
    const failure = await operation().catch((e: Error) => e);
    expect(failure).toBeInstanceOf(MemoryError);

    const { bus, named } = recordingBus();
    const resources = new ResourceManager({
      memoryLimit: 20 * 1024 * 1024,
      dropTemporaryTables: async () => {
        conn.query('DROP TABLE hog');
        return 1;
      },
    });
    const handler = createErrorHandler({ host: fakeHost(bus, { cleanup: () => resources.cleanup() }), logger: quietLogger() });
    const outcome = await handler.process(failure, { component: 'engine', operation: 'query', retry: operation });
    expect(outcome.recovery).toMatchObject({ success: true, strategy: 'cleanup_and_retry', recovered: 1 });
    expect(named('error:recovered')).toEqual([{ error: failure, recovery: 'cleanup_and_retry' }]);
  });
});
