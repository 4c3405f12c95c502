/**
 * The packed package in a fresh webpack 5 app: `webpack` with no config file
 * (src/index.js → dist/main.js, production mode), the DuckDB files referenced as
 * `new URL('<package file>', import.meta.url)`, webpack's own asset syntax. The
 * build must warn about nothing but webpack's defaults, hold no Node-only code,
 * and run the README's tour in Chromium. Its own file: webpack's minifying
 * build is the slowest of the bundlers, and gets a budget of its own.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, browserAvailable } from '../support/browser.js';
import { freshApp } from '../support/packed.js';
import { serveStatic, type StaticServer } from '../support/staticServer.js';
import { NODE_ONLY, apps, expectTour, tourIn } from './tour.js';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'node_modules', '.bin');

let browser: Browser | undefined;
let server: StaticServer | undefined;
const built = { origin: '', output: '', dist: '' };

/** webpack 5 as a fresh app runs it: `webpack`, no config file (src/index.js → dist/main.js, production mode). */
async function buildWebpack(): Promise<void> {
  const app = await freshApp('webpack', { 'src/index.js': apps('webpack-main.js'), 'src/tour.js': apps('tour.js') });
  const { stdout, stderr } = await run(join(BIN, 'webpack'), [], { cwd: app });
  const dist = join(app, 'dist');
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>tour</title><link rel="icon" href="data:,"><script src="./main.js"></script>');
  server = await serveStatic({ '/': dist });
  Object.assign(built, { origin: server.origin, output: stdout + stderr, dist });
}

// Skipped with a suite-wide notice where chromium is missing (tests/support/globalSetup.ts); CI requires it.
describe.skipIf(!browserAvailable)('the packed package in a zero-config webpack 5 build', () => {
  beforeAll(async () => {
    const launching = chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
    await buildWebpack();
    browser = await launching;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('webpack builds with no warning but its defaults (mode, asset sizes), and the bundle holds no Node-only code', () => {
    const warnings = built.output.split('\n').filter((line) => /^(WARNING|ERROR) in /.test(line));
    expect(warnings.filter((w) => !/^WARNING in (configuration|asset size limit|entrypoint size limit|webpack performance recommendations)/.test(w))).toEqual([]);
    expect(built.output).not.toMatch(/Critical dependency|Module not found|UnhandledSchemeError/);
    const scripts = readdirSync(built.dist).filter((f) => f.endsWith('.js'));
    // DuckDB's eh and mvp workers, emitted as assets under webpack's default name: [hash].js.
    const workers = scripts.filter((f) => /^[0-9a-f]{16,}\.js$/.test(f));
    expect(workers).toHaveLength(2);
    for (const file of scripts.filter((f) => !workers.includes(f))) {
      expect(NODE_ONLY.exec(readFileSync(join(built.dist, file), 'utf8'))?.[0], file).toBeUndefined();
    }
  });

  it('runs the README tour from the webpack build', async () => {
    const { outcome, consoleErrors } = await tourIn(browser!, built.origin);
    expectTour(outcome);
    expect(consoleErrors).toEqual([]);
  });
});
