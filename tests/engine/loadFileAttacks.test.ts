// engine.loadFile attacked as a careless user, a hostile file and a flaky server
// would, on every backend: options of the wrong type (they reach SQL), empty
// files, JSON nested deep enough to crash native DuckDB, a __proto__ column,
// append with other columns, concurrent loads into one table, a download that
// never ends while the engine closes, and close() in the middle of a load. After
// each failure: a typed error, no table, no temporary table, a live process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type DataPrismEngine } from '../../src/engine/index.js';
import { DataPrismError } from '../../src/errors/DataPrismError.js';
import { EngineError } from '../../src/errors/EngineError.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import type { LoadFileOptions } from '../../src/engine/files/types.js';
import { ENGINE_BACKENDS } from '../support/engineBackends.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);
const bigCsv = bytes(`a,b\n${Array.from({ length: 200_000 }, (_, i) => `${i},x${i}`).join('\n')}\n`);

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    // Headers and a first line, then nothing, ever.
    if (request.url === '/hang.csv') response.writeHead(200, { 'content-type': 'text/csv' }).write('a\n1\n');
    // No status line, no headers: the request just waits.
    else if (request.url === '/silent.csv') return;
    // A byte now and then, forever: never idle, never done.
    else if (request.url === '/trickle.csv') {
      response.writeHead(200, { 'content-type': 'text/csv' }).write('a\n');
      const drip = setInterval(() => response.write('1\n'), 20);
      response.on('close', () => clearInterval(drip));
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe.each(ENGINE_BACKENDS)('loadFile attacks ($label)', ({ options: backend }) => {
  let engine: DataPrismEngine;
  beforeAll(async () => {
    engine = await createEngine({ ...backend });
  });
  afterAll(async () => {
    await engine?.close();
  });

  const leftovers = async () =>
    (await engine.query(`SELECT table_name AS t FROM duckdb_tables() WHERE table_name LIKE '__dataprism_load%'`)).data;

  it.each([
    ['header a string', { header: 'yes' }, /options\.header must be true or false/],
    ['header holding SQL', { header: "true); CREATE TABLE pwn AS SELECT 1; --" }, /options\.header must be true or false/],
    ['delimiter a number', { delimiter: 5 }, /options\.delimiter must be a non-empty string/],
    ['delimiter empty', { delimiter: '' }, /options\.delimiter must be a non-empty string/],
    ['maxBytes NaN', { maxBytes: Number.NaN }, /options\.maxBytes must be a positive number/],
    ['maxBytes negative', { maxBytes: -1 }, /options\.maxBytes must be a positive number/],
    ['signal not a signal', { signal: { aborted: false } }, /options\.signal must be an AbortSignal/],
    ['downloadTimeoutMs zero', { downloadTimeoutMs: 0 }, /options\.downloadTimeoutMs must be a positive number of milliseconds/],
    ['downloadTimeoutMs a string', { downloadTimeoutMs: '5000' }, /options\.downloadTimeoutMs must be a positive number of milliseconds/],
    ['downloadTimeoutMs NaN', { downloadTimeoutMs: Number.NaN }, /options\.downloadTimeoutMs must be a positive number of milliseconds/],
  ])('refuses %s before any SQL runs', async (_what, options, message) => {
    const error = await failure(engine.loadFile(bytes('v\n1\n'), 'opt_t', { format: 'csv', ...(options as LoadFileOptions) }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(message);
    expect(await engine.listTables()).not.toContain('opt_t');
    expect(await engine.listTables()).not.toContain('pwn');
  });

  it.each(['csv', 'parquet', 'json', 'ndjson', 'arrow'] as const)('an empty %s file is a ValidationError, not a table with an invented column', async (format) => {
    const error = await failure(engine.loadFile(new Uint8Array(0), 'empty_t', { format, name: `empty.${format}` }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/empty\.\w+ is empty \(0 bytes\)/);
    expect(await engine.listTables()).not.toContain('empty_t');
  });

  it.each(['json', 'ndjson'] as const)('%s nested 100 000 levels deep is refused with its byte, and the process lives', async (format) => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const error = await failure(engine.loadFile(bytes(format === 'json' ? deep : `{"a": ${deep}}\n`), 'deep_t', { format, name: 'deep.json' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/deep\.json could not be loaded as N?D?JSON at byte \d+: it nests deeper than 1000 levels/);
    expect(await leftovers()).toEqual([]);
    // 200 levels is data, not an attack.
    const nested = `{"a": ${'['.repeat(200)}1${']'.repeat(200)}}`;
    expect((await engine.loadFile(bytes(`${nested}\n${nested}\n`), `nested_${format}`, { format: 'ndjson' })).rowCount).toBe(2);
  });

  it('a __proto__ key of an NDJSON file is a column of the rows, not their prototype', async () => {
    await engine.loadFile(bytes('{"__proto__": "p1", "a": 1}\n{"__proto__": "p2", "a": 2}\n'), 'proto_rows', { format: 'ndjson' });
    const { data } = await engine.query('SELECT * FROM proto_rows ORDER BY a');
    expect(data.map((row) => Object.getPrototypeOf(row) === Object.prototype)).toEqual([true, true]);
    expect(data.map((row) => Object.getOwnPropertyDescriptor(row, '__proto__')?.value)).toEqual(['p1', 'p2']);
    // A struct value under that name would otherwise become the row's prototype: every missing key would read from it.
    const struct = (await engine.query(`SELECT {'polluted': 1, 'inner': {'__proto__': {'deeper': 2}}} AS "__proto__", 1 AS a`)).data[0]!;
    expect(Object.getPrototypeOf(struct)).toBe(Object.prototype);
    expect((struct as { polluted?: unknown }).polluted).toBeUndefined();
    const inner = (Object.getOwnPropertyDescriptor(struct, '__proto__')?.value as { inner: object }).inner;
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(Object.keys(inner)).toEqual(['__proto__']);
  });

  it('append with columns the table lacks is a ValidationError naming the file and the table; the table is untouched', async () => {
    await engine.loadFile(bytes('a,b\n1,2\n'), 'append_t', { format: 'csv' });
    for (const csv of ['c,d\n3,4\n', 'a,b\nx,y\n']) {
      const error = await failure(engine.loadFile(bytes(csv), 'append_t', { format: 'csv', mode: 'append', name: 'more.csv' }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/more\.csv could not be appended to 'append_t'/);
    }
    expect((await engine.query('SELECT * FROM append_t')).data).toEqual([{ a: 1, b: 2 }]);
    expect(await leftovers()).toEqual([]);
  });

  it('concurrent loads into one table: one create wins and the others hear "already exists"; replaces all succeed', async () => {
    const creates = await Promise.allSettled([1, 2, 3].map((i) => engine.loadFile(bytes(`v\n${i}\n`), 'race_create', { format: 'csv' })));
    expect(creates.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of creates.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(ValidationError);
      expect((r.reason as Error).message).toMatch(/table 'race_create' already exists/);
    }
    // Case differs, the table is the same for DuckDB.
    const replaces = await Promise.allSettled(['race_replace', 'RACE_REPLACE', 'race_replace'].map((name, i) => engine.loadFile(bytes(`v\n${i}\n`), name, { format: 'csv', mode: 'replace' })));
    expect(replaces.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect((await engine.query('SELECT v FROM race_replace')).data).toEqual([{ v: 2 }]);
    expect(await leftovers()).toEqual([]);
  });

  it.each([
    ['CSV, read in place by DuckDB', bytes('a\n5\n'), 'csv'],
    ['Arrow, inserted through a temporary table', tableToIPC(tableFromArrays({ a: Int32Array.of(5) }), 'stream'), 'arrow'],
  ] as const)('a view holding the name (%s): every mode is a ValidationError naming the table; the view stays', async (_how, data, format) => {
    await engine.query('CREATE OR REPLACE VIEW view_t AS SELECT 1 AS a');
    for (const mode of ['create', 'replace', 'append'] as const) {
      const error = await failure(engine.loadFile(data, 'view_t', { format, mode, name: `clash.${format}` }));
      expect(error, mode).toBeInstanceOf(ValidationError);
      expect((error as Error).message, mode).toMatch(/clash\.\w+ could not be loaded into 'view_t': .*drop it, or load into another table name/);
      expect((error as Error).message, mode).not.toMatch(/__dataprism_load/);
    }
    expect((await engine.query('SELECT a FROM view_t')).data).toEqual([{ a: 1 }]);
    expect(await leftovers()).toEqual([]);
  });

  it('while a replace runs, queries on other connections see the old table or the new one whole, never none or part', async () => {
    await engine.loadFile(bytes('a\n1\n2\n3\n'), 'swap_t', { format: 'csv' });
    const loading = engine.loadFile(bigCsv, 'swap_t', { format: 'csv', mode: 'replace' });
    let done = false;
    void loading.finally(() => (done = true)).catch(() => undefined);
    const seen = new Set<number>();
    while (!done) seen.add(Number((await engine.query('SELECT count(*) AS n FROM swap_t')).data[0]!.n));
    expect((await loading).rowCount).toBe(200_000);
    expect([...seen].filter((n) => n !== 3 && n !== 200_000)).toEqual([]);
    expect((await engine.getTableInfo('swap_t')).rowCount).toBe(200_000);
  });

  it('an abort during a download says it was aborted, not that the download broke', async () => {
    const controller = new AbortController();
    const loading = engine.loadFile(`${origin}/hang.csv`, 'aborted_t', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    const error = await failure(loading);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/loading http:\/\/127\.0\.0\.1:\d+\/hang\.csv was aborted by options\.signal/);
  });

  it.each(['hang', 'silent', 'trickle'])('a server that %ss is ended by downloadTimeoutMs with a TimeoutError naming the URL; nothing is loaded', async (kind) => {
    const url = `${origin}/${kind}.csv`;
    const error = await failure(engine.loadFile(url, `${kind}_t`, { downloadTimeoutMs: 150 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain(`cannot load ${url}: the download took longer than 150 ms (options.downloadTimeoutMs)`);
    expect(error).toMatchObject({ timeoutMs: 150, operation: 'loadFile' });
    expect(await engine.listTables()).not.toContain(`${kind}_t`);
    expect(await leftovers()).toEqual([]);
    // The caller's own signal still ends it first, with its own answer.
    const controller = new AbortController();
    const aborted = failure(engine.loadFile(url, `${kind}_t`, { downloadTimeoutMs: Number.POSITIVE_INFINITY, signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await aborted).toBeInstanceOf(ValidationError);
    expect(((await aborted) as Error).message).toMatch(/was aborted by options\.signal/);
  });

  it('close() ends a download that never finishes and a load in flight with an EngineError', async () => {
    const closing = await createEngine({ ...backend });
    const hanging = failure(closing.loadFile(`${origin}/hang.csv`, 'never_t'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const loading = failure(closing.loadFile(bigCsv, 'big_t', { format: 'csv' }));
    await closing.close();
    for (const error of [await hanging, await loading]) {
      // The big load may also have finished before close; a hanging download cannot have.
      if (error === undefined) continue;
      expect(error).toBeInstanceOf(DataPrismError);
    }
    expect(await hanging).toBeInstanceOf(EngineError);
    expect((await hanging as Error).message).toMatch(/the engine was closed while loadFile ran/);
  });
});
