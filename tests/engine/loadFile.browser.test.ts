// engine.loadFile in Chromium on DuckDB-WASM: the engine bundled for the browser
// by esbuild (parquet-wasm bundled beside it, its wasm served by the page), and
// every format loaded from a URL of the test server, from a File, from a
// Blob and from its bytes; a Parquet file of five row groups in three pieces. The
// core bundle alone must not contain the Parquet reader.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserAvailable, CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';
import { writeDataFiles, type DataFiles } from '../support/dataFiles.js';
import { serveStatic, type StaticServer } from '../support/staticServer.js';

const require = createRequire(import.meta.url);
const ROWS = 3000;
/** Five of DuckDB's 122 880-row groups, the last shorter: three pieces. */
const PIECES_ROWS = 600_000;

const ENTRY = `
import { createEngine, duckdbBundles } from './src/index.ts';
import * as parquet from 'parquet-wasm/esm';

window.scenario = async (origin) => {
  await parquet.default({ module_or_path: new URL('/parquet/parquet_wasm_bg.wasm', origin) });
  // The whole module, its decodes counted.
  let decodes = 0;
  const counted = { ...parquet, readParquet: (bytes, options) => (decodes++, parquet.readParquet(bytes, options)) };
  const engine = await createEngine({ bundles: duckdbBundles(new URL('/duckdb/', origin)), parquet: counted });
  const out = {};
  const files = [['csv', 'data.csv'], ['parquet', 'data.parquet'], ['json', 'data.json'], ['ndjson', 'data.ndjson'], ['arrow', 'data.arrow'], ['arrows', 'data.arrows']];
  for (const [key, name] of files) {
    const url = origin + '/files/' + name;
    const fromUrl = await engine.loadFile(url, 'url_' + key);
    const blob = await (await fetch(url)).blob();
    const fromFile = await engine.loadFile(new File([blob], name), 'file_' + key);
    const fromBlob = await engine.loadFile(blob, 'blob_' + key);
    const fromBytes = await engine.loadFile(new Uint8Array(await blob.arrayBuffer()), 'bytes_' + key);
    const check = await engine.query('SELECT sum(id)::DOUBLE AS s, count(maybe)::INTEGER AS m, max(name) AS n FROM url_' + key);
    out[key] = { url: fromUrl.rowCount, file: fromFile.rowCount, blob: fromBlob.rowCount, bytes: fromBytes.rowCount, formats: [fromUrl.format, fromFile.format, fromBlob.format, fromBytes.format], columns: fromUrl.columns.map((c) => c.name + ':' + c.type), check: check.data[0] };
  }
  const before = decodes;
  const pieces = await engine.loadFile(origin + '/pieces/data.parquet', 'pieces');
  const piecesCheck = await engine.query('SELECT sum(id)::DOUBLE AS s, count(*)::INTEGER AS n FROM pieces');
  out.pieces = { rows: pieces.rowCount, decodes: decodes - before, check: piecesCheck.data[0] };
  const fail = (p) => p.then(() => null, (e) => ({ name: e.name, message: e.message }));
  out.missing = await fail(engine.loadFile(origin + '/files/nope.csv', 'x'));
  out.path = await fail(engine.loadFile('/etc/passwd', 'x'));
  // What the engine settles for both JSON readers holds in the browser too.
  out.duplicate = await fail(engine.loadFile(new TextEncoder().encode('[{"a": 1, "a": 2}]'), 'x', { name: 'dup.json' }));
  out.mixed = await fail(engine.loadFile(new TextEncoder().encode('{"a": 1}\\n{"a": "x"}\\n'), 'x', { name: 'mixed.ndjson' }));
  out.corrupt = await fail(engine.loadFile(new File([new Uint8Array([80, 65, 82, 49, 1, 2, 3, 4])], 'bad.parquet'), 'x'));
  out.tables = await engine.listTables();
  await engine.close();
  return out;
};
`;

/** The browser platform, as package.json's \`browser\` field swaps it in for the packed build. */
const browserPlatform: Plugin = {
  name: 'browser-platform',
  setup(b) {
    b.onResolve({ filter: /platform\/host\.js$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/host\.js$/, 'host.browser.ts')) }));
    b.onResolve({ filter: /inspect\/InspectionServer\.js$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts')) }));
  },
};

const bundle = (contents: string) =>
  build({ stdin: { contents, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'error', plugins: [browserPlatform] });

interface Loaded {
  url: number;
  file: number;
  blob: number;
  bytes: number;
  formats: string[];
  columns: string[];
  check: { s: number; m: number; n: string };
}
type Failure = { name: string; message: string } | null;
type Outcome = Record<'csv' | 'parquet' | 'json' | 'ndjson' | 'arrow' | 'arrows', Loaded> & {
  pieces: { rows: number; decodes: number; check: { s: number; n: number } };
  missing: Failure;
  path: Failure;
  corrupt: Failure;
  duplicate: Failure;
  mixed: Failure;
  tables: string[];
};

describe.skipIf(!browserAvailable)('loadFile in chromium (DuckDB-WASM)', () => {
  let files: DataFiles;
  let pieces: DataFiles;
  let page: string;
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    files = await writeDataFiles(ROWS);
    pieces = await writeDataFiles(PIECES_ROWS, ['parquet']);
    page = await mkdtemp(join(tmpdir(), 'dataprism-loadfile-page-'));
    const built = await bundle(ENTRY);
    await writeFile(join(page, 'bundle.js'), built.outputFiles[0]!.text);
    await writeFile(join(page, 'index.html'), '<!doctype html><html><body><script type="module" src="/bundle.js"></script></body></html>');
    server = await serveStatic({
      '/duckdb/': dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm')),
      '/parquet/': dirname(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')),
      '/files/': files.dir,
      '/pieces/': pieces.dir,
      '/': page,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(page, { recursive: true, force: true });
    await rm(files.dir, { recursive: true, force: true });
    await rm(pieces.dir, { recursive: true, force: true });
  });

  test('loads CSV, Parquet, JSON, NDJSON and Arrow (file and stream) from a URL, a File, a Blob and bytes; JSON refusals as in Node', async () => {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(`${server.origin}/`);
    await tab.waitForFunction(() => typeof (window as unknown as { scenario?: unknown }).scenario === 'function');
    const out = (await tab.evaluate((origin) => (window as unknown as { scenario(o: string): Promise<unknown> }).scenario(origin), server.origin)) as Outcome;
    const sumOfIds = (ROWS * (ROWS - 1)) / 2;
    for (const key of ['csv', 'parquet', 'json', 'ndjson', 'arrow', 'arrows'] as const) {
      const format = key.startsWith('arrow') ? 'arrow' : key;
      expect(out[key], key).toMatchObject({ url: ROWS, file: ROWS, blob: ROWS, bytes: ROWS, check: { s: sumOfIds, m: ROWS - ROWS / 10, n: 'name-999' } });
      // The Blob and the bytes have no name: their format comes from the bytes (CSV: text).
      expect(out[key].formats, key).toEqual([format, format, format, format]);
    }
    expect(out.parquet.columns).toEqual(['id:INTEGER', 'big:BIGINT', 'dbl:DOUBLE', 'name:VARCHAR', 'flag:BOOLEAN', 'ts:TIMESTAMP', 'day:DATE', 'price:DECIMAL(18,3)', 'maybe:BIGINT']);
    expect(out.json.columns).toEqual(out.ndjson.columns);
    expect(out.pieces).toEqual({ rows: PIECES_ROWS, decodes: 3, check: { s: (PIECES_ROWS * (PIECES_ROWS - 1)) / 2, n: PIECES_ROWS } });
    expect(out.missing).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/nope\.csv.*HTTP 404/) });
    expect(out.path).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/a browser has no file system/) });
    expect(out.corrupt).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/bad\.parquet could not be loaded as Parquet/) });
    expect(out.duplicate).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/dup\.json could not be loaded as JSON at line 1, byte \d+: an object has duplicate key "a"/) });
    expect(out.mixed).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/mixed\.ndjson could not be loaded as NDJSON: field "a" holds values of more than one type/) });
    expect(out.tables).not.toContain('x');
    expect(errors).toEqual([]);
  }, 180_000);

  test('the core bundle does not contain the Parquet reader', async () => {
    const core = await bundle("import { createEngine } from './src/index.ts'; console.log(createEngine);");
    const inputs = Object.keys(core.metafile.inputs);
    expect(inputs.some((path) => path.includes('src/engine/files/loadFile'))).toBe(true);
    expect(inputs.filter((path) => path.includes('parquet-wasm') || path.includes('hyparquet'))).toEqual([]);
  });
});
