/**
 * The packed package in a fresh app, built with no bundler configuration by Vite
 * and by esbuild (`--platform=browser --minify`), running the README's tour in
 * Chromium: data right, chart marks in the page, events seen, clean shutdown,
 * no console errors, error names intact after minification. The minified page
 * is then fed wrong bundle URLs: initialize() must reject with an EngineError
 * naming the URL and shutdown() must still complete. (webpack: webpack.test.ts.)
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, browserAvailable } from '../support/browser.js';
import { freshApp } from '../support/packed.js';
import { serveStatic, type StaticServer } from '../support/staticServer.js';
import { NODE_ONLY, WAIT, apps, expectTour, tourIn } from './tour.js';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'node_modules', '.bin');
/** Long enough for any healthy start on a loaded machine; a hang shows up as 'hung'. */
const HUNG_AFTER_MS = 30_000;

let browser: Browser | undefined;
const servers: StaticServer[] = [];
const built: Record<'vite' | 'esbuild' | 'importmap', { origin: string; output: string; dist: string }> = {} as never;
/** The esbuild app again, served with COOP/COEP (cross-origin isolated). */
let isolatedOrigin = '';
/** The esbuild app again, from a server that answers every request with the whole file (no byte ranges). */
let wholeFilesOrigin = '';

async function buildVite(): Promise<void> {
  const app = await freshApp('vite', {
    'index.html': '<!doctype html><title>tour</title><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>',
    'main.js': apps('vite-main.js'),
    'tour.js': apps('tour.js'),
  });
  const { stdout, stderr } = await run(join(BIN, 'vite'), ['build'], { cwd: app });
  const dist = join(app, 'dist');
  const server = await serveStatic({ '/': dist });
  servers.push(server);
  built.vite = { origin: server.origin, output: stdout + stderr, dist };
}

async function buildEsbuild(): Promise<void> {
  const app = await freshApp('esbuild', { 'main.js': apps('esbuild-main.js'), 'tour.js': apps('tour.js') });
  const dist = join(app, 'dist');
  const { stdout, stderr } = await run(
    join(BIN, 'esbuild'),
    ['main.js', '--bundle', '--platform=browser', '--format=esm', '--minify', '--metafile=meta.json', '--outfile=dist/app.js'],
    { cwd: app },
  );
  // A script that loads fine but is not DuckDB's worker: nothing ever answers.
  writeFileSync(join(dist, 'idle.worker.js'), 'self.onmessage = () => {};\n');
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>tour</title><link rel="icon" href="data:,"><script type="module" src="./app.js"></script>');
  copyDuckDBFiles(app, dist, true);
  const server = await serveStatic({ '/': dist });
  const isolated = await serveStatic({ '/': dist }, { isolated: true });
  const wholeFiles = await serveStatic({ '/': dist }, { ranges: false });
  servers.push(server, isolated, wholeFiles);
  isolatedOrigin = isolated.origin;
  wholeFilesOrigin = wholeFiles.origin;
  built.esbuild = { origin: server.origin, output: stdout + stderr + readFileSync(join(app, 'meta.json'), 'utf8'), dist };
}

/** The README's recipe for esbuild and plain pages: the four DuckDB files copied to `dist/duckdb/` (and the coi build's three). */
function copyDuckDBFiles(app: string, dist: string, coi = false): void {
  mkdirSync(join(dist, 'duckdb'), { recursive: true });
  const duckdbDist = join(app, 'node_modules', '@duckdb', 'duckdb-wasm', 'dist');
  const files = ['duckdb-eh.wasm', 'duckdb-mvp.wasm', 'duckdb-browser-eh.worker.js', 'duckdb-browser-mvp.worker.js'];
  if (coi) files.push('duckdb-coi.wasm', 'duckdb-browser-coi.worker.js', 'duckdb-browser-coi.pthread.worker.js');
  for (const file of files) {
    cpSync(join(duckdbDist, file), join(dist, 'duckdb', file));
  }
}

/** The README's plain page: the library bundled once into one module, an import map naming it, an inline script. */
async function buildImportMapPage(): Promise<void> {
  const app = await freshApp('importmap', { 'vendor.js': "export * from '@dataprism/orchestration';\n" });
  const dist = join(app, 'public');
  await run(join(BIN, 'esbuild'), ['vendor.js', '--bundle', '--platform=browser', '--format=esm', '--minify', '--outfile=public/vendor/dataprism.js'], {
    cwd: app,
  });
  copyDuckDBFiles(app, dist);
  writeFileSync(
    join(dist, 'index.html'),
    `<!doctype html><title>plain page</title><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "@dataprism/orchestration": "/vendor/dataprism.js" } }</script>
<script type="module">
  import { createEngine, duckdbBundles } from '@dataprism/orchestration';
  const engine = await createEngine({ bundles: duckdbBundles('/duckdb/') });
  window.__answer = (await engine.query('SELECT 42 AS answer')).data;
  await engine.close();
</script>`,
  );
  const server = await serveStatic({ '/': dist });
  servers.push(server);
  built.importmap = { origin: server.origin, output: '', dist };
}

// Skipped with a suite-wide notice where chromium is missing (tests/support/globalSetup.ts); CI requires it.
describe.skipIf(!browserAvailable)('the packed package in zero-config browser builds', () => {
  beforeAll(async () => {
    const launching = chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
    // One pack serves both builds; the builds themselves run one after the other (two cores are shared).
    await buildVite();
    await buildEsbuild();
    await buildImportMapPage();
    browser = await launching;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('vite build succeeds with no warning about Node built-ins, and the bundle holds none', () => {
    // No eval warning either (hdr-histogram-js's umd build had one; the core imports its plain module).
    expect(built.vite.output).not.toMatch(/externalized for browser compatibility|node:|Could not resolve|blocking|\beval\b/i);
    for (const file of readdirSync(join(built.vite.dist, 'assets')).filter((f) => f.endsWith('.js') && !f.includes('worker'))) {
      expect(NODE_ONLY.exec(readFileSync(join(built.vite.dist, 'assets', file), 'utf8'))?.[0], file).toBeUndefined();
    }
  });

  it('esbuild --platform=browser bundles none of the Node-only modules', () => {
    const meta = JSON.parse(built.esbuild.output.slice(built.esbuild.output.indexOf('{'))) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((i) => i.includes('platform/host.browser.js'))).toBe(true);
    expect(inputs.some((i) => i.includes('@dataprism/plugins/dist/writeTextFile.browser.js'))).toBe(true);
    expect(inputs.filter((i) => /platform\/host\.js|BlockingBackend|NodeWorkerAdapter|atomicWrite|engine\/bundles\.js|duckdb-node|InspectionServer\.js|writeTextFile\.js/.test(i))).toEqual([]);
  });

  it("esbuild bundles only the parts of hdr-histogram-js and semver the core uses (no wasm build, no pako, no semver entry)", () => {
    const meta = JSON.parse(built.esbuild.output.slice(built.esbuild.output.indexOf('{'))) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((i) => i.includes('hdr-histogram-js/dist/Float64Histogram.js'))).toBe(true);
    expect(inputs.some((i) => i.includes('semver/functions/satisfies.js'))).toBe(true);
    expect(inputs.filter((i) => /\/pako\/|hdr-histogram-js\/dist\/(index|HistogramBuilder|hdrhistogram\.umd|wasm\/)|semver\/index\.js/.test(i))).toEqual([]);
  });

  it('runs the README tour from the Vite build', async () => {
    const { outcome, consoleErrors } = await tourIn(browser!, built.vite.origin);
    expectTour(outcome);
    expect(consoleErrors).toEqual([]);
  });

  it('runs the README tour from the minified esbuild build, error names intact', async () => {
    const { outcome, consoleErrors } = await tourIn(browser!, built.esbuild.origin);
    expectTour(outcome);
    expect(consoleErrors).toEqual([]);
  });

  it('runs from a plain HTML page with an import map (the library bundled once)', async () => {
    const page = await browser!.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    try {
      await page.goto(`${built.importmap.origin}/`);
      await page.waitForFunction(() => window.__answer !== undefined, undefined, WAIT);
      expect(await page.evaluate(() => window.__answer)).toEqual([{ answer: 42 }]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  describe("engineOptions.path 'opfs://…'", () => {
    it('keeps tables across a reload of the page', async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      /** Opens the database on OPFS, runs `sql` in order, returns the last result's rows, shuts down. */
      const session = (sql: string[]) =>
        page.evaluate(async (sql) => {
          const { DataPrismOrchestrator, duckdbBundles } = window.__dataprism;
          const orchestrator = new DataPrismOrchestrator({
            engineOptions: { bundles: duckdbBundles(new URL('./duckdb/', location.href)), path: 'opfs://tour.db' },
          });
          try {
            await orchestrator.initialize();
            let rows: unknown[] = [];
            for (const statement of sql) rows = (await orchestrator.getEngine().query(statement)).data;
            return rows;
          } finally {
            await orchestrator.shutdown();
          }
        }, sql);
      try {
        await page.goto(`${built.esbuild.origin}/#no-tour`);
        await page.waitForFunction(() => window.__dataprism !== undefined, undefined, WAIT);
        await session(['CREATE TABLE visits AS SELECT range AS id, range * 2 AS doubled FROM range(1000)', 'SELECT count(*) AS n FROM visits']);
        await page.reload();
        await page.waitForFunction(() => window.__dataprism !== undefined, undefined, WAIT);
        expect(await session(['SELECT count(*) AS n, sum(doubled) AS total FROM visits'])).toEqual([{ n: 1000, total: 999_000 }]);
        const files = await page.evaluate(async () => {
          const names: string[] = [];
          for await (const name of (await navigator.storage.getDirectory() as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
          return names;
        });
        expect(files).toContain('tour.db');
      } finally {
        await context.close();
      }
    });
  });

  describe('threads: 2 (the coi build)', () => {
    /** Starts an orchestrator with threads: 2 on `origin`'s page; reports threads, a GROUP BY, warnings and DuckDB's workers. */
    const threaded = async (origin: string) => {
      const page = await browser!.newPage();
      const workers: string[] = [];
      page.on('worker', (worker) => workers.push(worker.url().split('/').pop()!));
      try {
        await page.goto(`${origin}/#no-tour`);
        await page.waitForFunction(() => window.__dataprism !== undefined, undefined, WAIT);
        const result = await page.evaluate(async () => {
          const { DataPrismOrchestrator, duckdbBundles } = window.__dataprism;
          const warnings: string[] = [];
          const logger = { debug() {}, info() {}, warn: (message: string) => warnings.push(message), error() {} };
          const orchestrator = new DataPrismOrchestrator({
            engineOptions: { bundles: duckdbBundles(new URL('./duckdb/', location.href)), threads: 2, logger },
          });
          try {
            await orchestrator.initialize();
            const engine = orchestrator.getEngine();
            const threads = (await engine.query("SELECT current_setting('threads') AS t")).data[0]!['t'];
            await engine.query('CREATE TABLE t AS SELECT (range % 1000)::INTEGER AS k, range::DOUBLE AS v FROM range(1000000)');
            const groups = (await engine.query('SELECT count(*) AS groups, sum(s) AS total FROM (SELECT k, sum(v) AS s FROM t GROUP BY k)')).data[0];
            return { isolated: crossOriginIsolated, threads, groups, warnings };
          } finally {
            await orchestrator.shutdown();
          }
        });
        return { ...result, workers };
      } finally {
        await page.close();
      }
    };

    it("on a cross-origin-isolated page starts the coi build: current_setting('threads') is 2, its thread workers run, results are right", async () => {
      const r = await threaded(isolatedOrigin);
      expect(r).toMatchObject({ isolated: true, threads: 2, groups: { groups: 1000, total: 499_999_500_000 }, warnings: [] });
      expect(r.workers).toContain('duckdb-browser-coi.worker.js');
      expect(r.workers).toContain('duckdb-browser-coi.pthread.worker.js');
    });

    it('on a page without isolation starts the eh build, on one thread, and warns (DuckDB would refuse SET threads there)', async () => {
      const r = await threaded(built.esbuild.origin);
      expect(r).toMatchObject({ isolated: false, groups: { groups: 1000, total: 499_999_500_000 } });
      expect(r.warnings).toEqual([expect.stringMatching(/threads: 2 asked, but this DuckDB-WASM build runs on one thread.*cross-origin-isolated/)]);
      expect(r.workers.filter((w) => w.includes('coi'))).toEqual([]);
      expect(r.workers).toContain('duckdb-browser-eh.worker.js');
    });
  });

  // The bundle check asks for the first bytes of each file: servers that answer the range and servers that send the whole file.
  describe.each([
    ['byte ranges', () => built.esbuild.origin],
    ['whole files only', () => wholeFilesOrigin],
  ])('bad bundles fail fast (a server with %s)', (_, origin) => {
    let page: Page;
    beforeAll(async () => {
      page = await browser!.newPage();
      await page.goto(`${origin()}/#no-tour`);
      await page.waitForFunction(() => window.__dataprism !== undefined, undefined, WAIT);
    });
    afterAll(() => page.close());

    /** Starts an orchestrator on `bundle` (URLs relative to the page), then shuts it down; reports both outcomes. */
    const attempt = (bundle: { mainModule: string; mainWorker: string }, startTimeoutMs?: number) =>
      page.evaluate(
        async ({ bundle, hungAfter, startTimeoutMs }) => {
          const hung = (ms: number) => new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms));
          const absolute = { mainModule: new URL(bundle.mainModule, location.href).href, mainWorker: new URL(bundle.mainWorker, location.href).href };
          const orchestrator = new window.__dataprism.DataPrismOrchestrator({ engineOptions: { bundles: absolute, startTimeoutMs } });
          const init = await Promise.race([
            orchestrator.initialize().then(
              () => ({ ok: true as const }),
              (error: Error & { category?: string }) => ({ ok: false as const, name: error.name, category: error.category, message: error.message }),
            ),
            hung(hungAfter),
          ]);
          const shutdown = await Promise.race([orchestrator.shutdown().then(() => 'done', (e: Error) => `rejected: ${e.message}`), hung(hungAfter)]);
          return { init, shutdown, absolute };
        },
        { bundle, hungAfter: HUNG_AFTER_MS, startTimeoutMs },
      );

    const cases: [string, { mainModule: string; mainWorker: string }, 'mainModule' | 'mainWorker', number?][] = [
      ['a wasm URL that answers 404', { mainModule: 'duckdb/missing.wasm', mainWorker: 'duckdb/duckdb-browser-eh.worker.js' }, 'mainModule'],
      ['a worker URL that answers 404', { mainModule: 'duckdb/duckdb-eh.wasm', mainWorker: 'duckdb/missing.worker.js' }, 'mainWorker'],
      ['an unreachable wasm URL', { mainModule: 'http://127.0.0.1:9/duckdb-eh.wasm', mainWorker: 'duckdb/duckdb-browser-eh.worker.js' }, 'mainModule'],
      ['a wasm URL that serves an HTML page', { mainModule: 'index.html', mainWorker: 'duckdb/duckdb-browser-eh.worker.js' }, 'mainModule'],
      ['a wasm URL that serves JavaScript', { mainModule: 'duckdb/duckdb-browser-eh.worker.js', mainWorker: 'duckdb/duckdb-browser-eh.worker.js' }, 'mainModule'],
      ['a worker URL that serves the wasm file', { mainModule: 'duckdb/duckdb-eh.wasm', mainWorker: 'duckdb/duckdb-eh.wasm' }, 'mainWorker'],
      ['a worker that never answers (startTimeoutMs)', { mainModule: 'duckdb/duckdb-eh.wasm', mainWorker: 'idle.worker.js' }, 'mainWorker', 1500],
    ];
    it('the right bundle starts, answers and shuts down', async () => {
      const answer = await page.evaluate(async () => {
        const bundles = { mainModule: new URL('duckdb/duckdb-eh.wasm', location.href).href, mainWorker: new URL('duckdb/duckdb-browser-eh.worker.js', location.href).href };
        const orchestrator = new window.__dataprism.DataPrismOrchestrator({ engineOptions: { bundles } });
        await orchestrator.initialize();
        try {
          return (await orchestrator.getEngine().query('SELECT 41 + 1 AS n')).data;
        } finally {
          await orchestrator.shutdown();
        }
      });
      expect(answer).toEqual([{ n: 42 }]);
    });

    for (const [name, bundle, option, startTimeoutMs] of cases) {
      it(`${name}: initialize() rejects with an EngineError naming the URL, shutdown() completes`, async () => {
        const { init, shutdown, absolute } = await attempt(bundle, startTimeoutMs);
        expect(init).toMatchObject({ ok: false, name: 'EngineError', category: 'engine' });
        expect((init as { message: string }).message).toContain(absolute[option]);
        expect(shutdown).toBe('done');
      });
    }
  });
});
