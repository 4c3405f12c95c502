// `isolation: 'worker'` in a real browser: the registry, bundled for the browser
// by esbuild, runs a plugin's hooks in a module Web Worker of its own; a hook
// stuck in a synchronous loop is ended at its budget by terminating the worker
// while the page's own thread keeps running, and a restart gets a fresh worker.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserAvailable, CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';

// The page's scenario, bundled with the real registry and worker host.
const ENTRY = `
import { PluginRegistry } from './src/plugins/PluginRegistry.js';
import { workerPlugin } from './src/plugins/worker/workerPlugin.js';

window.scenario = async (module) => {
  const out = {};
  const registry = new PluginRegistry();
  await registry.register(workerPlugin({ name: 'w', version: '1.0.0', description: 'in a Web Worker', capabilities: ['where', 'count', 'spin'], timeoutMs: 1500, module }));
  await registry.initializeAll();
  out.where = await registry.execute('w', 'where');
  out.counts = [await registry.execute('w', 'count'), await registry.execute('w', 'count')];
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 20);
  const error = await registry.execute('w', 'spin').then(() => undefined, (e) => e);
  clearInterval(ticker);
  out.spin = error && { name: error.name, message: error.message, cause: error.cause && error.cause.message };
  out.ticks = ticks;
  await registry.restart('w');
  out.afterRestart = await registry.execute('w', 'count');
  await registry.shutdownAll();
  return out;
};
`;

// The plugin's module, served from the page's origin.
const PLUGIN = `
let count = 0;
export default {
  initialize() { count = 0; },
  execute(action) {
    if (action === 'where') return typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope ? 'worker' : 'window';
    if (action === 'count') return ++count;
    if (action === 'spin') for (;;) {}
    return null;
  },
  dispose() {},
};
`;

describe.skipIf(!browserAvailable)("isolation: 'worker' in chromium", () => {
  let server: Server;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    // The sources, with the swap package.json's `browser` field makes for the built package.
    const browserHost: Plugin = {
      name: 'browser-host',
      setup(b) {
        b.onResolve({ filter: /[\\/]platform[\\/]host\.js$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/host\.js$/, 'host.browser.ts')) }));
      },
    };
    const bundle = await build({
      stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'error',
      plugins: [browserHost],
    });
    const files: Record<string, [string, string]> = {
      '/': ['text/html', '<!doctype html><html><body><script type="module" src="/bundle.js"></script></body></html>'],
      '/bundle.js': ['text/javascript', bundle.outputFiles[0]!.text],
      '/plugin.js': ['text/javascript', PLUGIN],
    };
    server = createServer((request, response) => {
      const file = files[request.url ?? ''];
      if (file === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  test('runs the hooks in a Web Worker, ends a stuck hook by terminating it, and restarts into a fresh one', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => typeof (window as unknown as { scenario?: unknown }).scenario === 'function');
    const out = (await page.evaluate((module) => (window as unknown as { scenario(m: string): Promise<unknown> }).scenario(module), `${origin}/plugin.js`)) as {
      where: string;
      counts: number[];
      spin?: { name: string; message: string; cause?: string };
      ticks: number;
      afterRestart: number;
    };
    expect(out.where).toBe('worker');
    expect(out.counts).toEqual([1, 2]);
    expect(out.spin?.name).toBe('PluginError');
    expect(`${out.spin?.message} ${out.spin?.cause}`).toMatch(/1500 ms/);
    expect(out.ticks).toBeGreaterThan(10); // the page's thread ran while the worker spun
    expect(out.afterRestart).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
