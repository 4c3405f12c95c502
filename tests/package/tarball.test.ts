/**
 * The packages as a user gets them from the registry: `npm pack` (its prepack
 * builds), installed into a fresh consumer with `npm install --omit=dev`. The
 * consumer imports every entry point from plain Node ESM, type-checks a strict
 * TypeScript file (nodenext and bundler resolution), and runs the CLI: `check`
 * on a TypeScript strategy that imports only the package, `--version`, exit
 * codes, and `visualize --demo` serving its page. The install's size and
 * package count are printed: a core-only install must not carry the chart
 * renderer, the inspector client, the graph layout or a TypeScript loader.
 *
 * The pack runs on a staged copy of the sources (node_modules linked from this
 * checkout), so the worktree's dist/ is never touched by a running test.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
/** What a fresh clone holds that the packages are built and packed from. */
const SOURCES = ['src', 'machines', 'visualizer', 'packages', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'CHANGELOG.md', 'LICENSE'];
const SKIP = new Set(['node_modules', 'dist']);
/** Packages a core-only install must not contain: they belong to @dataprism/plugins or are optional peers. */
const NOT_IN_CORE = ['vega', 'vega-lite', 'elkjs', '@statelyai/inspect', 'superjson', 'tsx', 'esbuild', 'typescript', '@dataprism/plugins'];
const MAX_CORE_PACKAGES = 70;

const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};

let work: string;
let consumer: string;
const tarballs: Record<string, string> = {};
const timings: Record<string, number> = {};

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await step();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

/** Runs a command; resolves with its exit code and output whatever the code. */
async function exec(file: string, args: string[], cwd: string, timeout = 0): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
  }
}

async function npm(args: string[], cwd: string): Promise<string> {
  const result = await exec('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], cwd);
  if (result.code !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** Node ESM run inside the consumer, as a user's script would be. */
async function node(cwd: string, source: string, type: 'module' | 'commonjs' = 'module') {
  return exec(process.execPath, [`--input-type=${type}`, '-e', source], cwd);
}

/** Every installed package (nested ones too) and the bytes of the files under node_modules. */
function measure(modules: string): { packages: number; bytes: number; names: Set<string> } {
  const names = new Set<string>();
  let packages = 0;
  let bytes = 0;
  const sizeOf = (path: string): void => {
    const info = lstatSync(path);
    if (info.isSymbolicLink()) return;
    if (info.isDirectory()) for (const entry of readdirSync(path)) sizeOf(join(path, entry));
    else bytes += info.size;
  };
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@') ? readdirSync(join(dir, entry)).map((name) => `${entry}/${name}`) : [entry];
      for (const name of scoped) {
        const path = join(dir, name);
        if (!existsSync(join(path, 'package.json'))) continue;
        packages++;
        names.add(name);
        walk(join(path, 'node_modules'));
      }
    }
  };
  walk(modules);
  sizeOf(modules);
  return { packages, bytes, names };
}

async function pack(cwd: string, ...flags: string[]): Promise<string> {
  const out = await npm(['pack', '--json', '--pack-destination', work, ...flags], cwd);
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ name: string; filename: string }>;
  tarballs[info!.name] = join(work, info!.filename);
  return tarballs[info!.name]!;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dataprism-tarball-'));
  const stage = join(work, 'stage');
  for (const source of SOURCES) {
    const from = join(ROOT, source);
    if (existsSync(from)) cpSync(from, join(stage, source), { recursive: true, filter: (path) => !SKIP.has(path.split(/[\\/]/).pop()!) });
  }
  // The build tools and dependencies of this checkout; the core's own name points at the stage.
  const modules = join(stage, 'node_modules');
  mkdirSync(join(modules, '@dataprism'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry === '@dataprism' || entry === '.package-lock.json') continue;
    symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry), 'dir');
  }
  symlinkSync(stage, join(modules, '@dataprism', 'orchestration'), 'dir');
  await timed('pack @dataprism/orchestration (prepack builds)', () => pack(stage));
  // The plugins' own prepack builds the core first (so it works alone in a fresh clone); here the
  // core was just built by its prepack, so the plugins are built and packed without building it twice.
  const plugins = join(stage, 'packages', 'plugins');
  await timed('build and pack @dataprism/plugins', async () => {
    await npm(['run', 'build'], plugins);
    await pack(plugins, '--ignore-scripts');
  });

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  await timed('npm install --omit=dev (core only)', () => npm(['install', '--omit=dev', '--prefer-offline', tarballs['@dataprism/orchestration']!], consumer));
}, 600_000);

afterAll(() => {
  const lines = Object.entries(timings).map(([label, ms]) => `  ${label}: ${(ms / 1000).toFixed(1)} s`);
  console.log(`packed-package test timings:\n${lines.join('\n')}`);
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * The README's example strategy as a user writes it outside this repository:
 * everything it needs (the strategy API and XState's setup/assign/emit/fromPromise)
 * imported from the package alone.
 */
const STRATEGY = readFileSync(join(ROOT, 'examples', 'strategies', 'patientRetry.ts'), 'utf8')
  .replace(/^import .*$\n/gm, '')
  .replace(/^/, "import { assign, defineRecoveryStrategy, emit, fromPromise, setup, type RecoveryInput } from '@dataprism/orchestration';\n");

describe('the packed core, installed alone with --omit=dev', () => {
  it('installs without the plugins, the inspector client, the layout engine or a TypeScript loader', () => {
    const { packages, bytes, names } = measure(join(consumer, 'node_modules'));
    const duckdb = measure(join(consumer, 'node_modules', '@duckdb'));
    console.log(
      `core-only install: ${packages} packages, ${(bytes / 1e6).toFixed(1)} MB ` +
        `(of which @duckdb/duckdb-wasm ${(duckdb.bytes / 1e6).toFixed(1)} MB; everything else ${((bytes - duckdb.bytes) / 1e6).toFixed(1)} MB)`,
    );
    expect(NOT_IN_CORE.filter((name) => names.has(name))).toEqual([]);
    expect(packages).toBeLessThanOrEqual(MAX_CORE_PACKAGES);
    // xstate is a peer dependency: npm installs it once, at the top, shared with the application.
    expect(existsSync(join(consumer, 'node_modules', 'xstate', 'package.json'))).toBe(true);
  });

  it('imports every entry point from plain Node ESM', async () => {
    const result = await node(
      consumer,
      `
      const core = await import('@dataprism/orchestration');
      const check = await import('@dataprism/orchestration/check');
      const inspect = await import('@dataprism/orchestration/inspect');
      const manifest = (await import('@dataprism/orchestration/package.json', { with: { type: 'json' } })).default;
      console.log(JSON.stringify({
        orchestrator: typeof core.DataPrismOrchestrator,
        setup: typeof core.setup,
        check: typeof check.checkStrategy,
        inspect: typeof inspect.createInspectionServer,
        version: manifest.version,
      }));
      `,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ orchestrator: 'function', setup: 'function', check: 'function', inspect: 'function', version: rootManifest.version });
  });

  it('runs a real orchestrator on the embedded DuckDB-WASM engine', async () => {
    const result = await node(
      consumer,
      `
      import { DataPrismOrchestrator } from '@dataprism/orchestration';
      const orchestrator = new DataPrismOrchestrator();
      await orchestrator.initialize();
      const { data } = await orchestrator.getEngine().query('SELECT 40 + 2 AS answer');
      await orchestrator.shutdown();
      console.log(JSON.stringify(data));
      `,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([{ answer: 42 }]);
  });

  it('names the package to install where an optional peer is missing', async () => {
    const plugins = await node(consumer, `await import('@dataprism/orchestration/plugins');`);
    expect(plugins.code).not.toBe(0);
    expect(plugins.stderr).toContain("'@dataprism/plugins'");
    const stately = await node(
      consumer,
      `
      import { createStatelyInspector } from '@dataprism/orchestration/inspect';
      const inspector = createStatelyInspector({ url: 'ws://127.0.0.1:9', autoStart: false });
      inspector.inspect.next({ type: '@xstate.event' });
      await inspector.ready.then(() => console.log('loaded'), (error) => console.log(error.name + ': ' + error.message));
      `,
    );
    expect(stately.stdout).toContain('ConfigError: createStatelyInspector needs the optional peer dependency @statelyai/inspect');
    expect(stately.stdout).toContain('npm install @statelyai/inspect');
    writeFileSync(join(consumer, 'strategy.ts'), STRATEGY);
    const check = await exec(join(consumer, 'node_modules', '.bin', 'dataprism'), ['check', 'strategy.ts'], consumer);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('needs the optional peer dependency tsx');
    expect(check.stderr).toContain('npm install --save-dev tsx');
    const visualize = await exec(join(consumer, 'node_modules', '.bin', 'dataprism'), ['visualize', '--port', '0'], consumer, 30_000);
    expect(visualize.code).not.toBe(0);
    expect(`${visualize.stdout}${visualize.stderr}`).toContain('npm install elkjs');
  });

  it('tells a CommonJS consumer what to do', async () => {
    const result = await node(consumer, `const core = require('@dataprism/orchestration'); console.log(typeof core.DataPrismOrchestrator);`, 'commonjs');
    // The exports' "default" condition lets Node 20.19+ load the ES module from require() (no
    // top-level await in its graph); an older Node refuses with ERR_REQUIRE_ESM, which says to use import().
    if (result.code === 0) expect(result.stdout.trim()).toBe('function');
    else expect(result.stderr).toContain('ERR_REQUIRE_ESM');
  });

  it('prints its version and documents its exit codes', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'dataprism');
    const version = await exec(bin, ['--version'], consumer);
    expect({ code: version.code, out: version.stdout.trim() }).toEqual({ code: 0, out: rootManifest.version });
    const unknown = await exec(bin, ['frobnicate'], consumer);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('exit codes');
  });
});

describe('the packed core with @dataprism/plugins and the optional peers', () => {
  beforeAll(async () => {
    const dev = rootManifest.devDependencies;
    const extras = [
      tarballs['@dataprism/plugins']!,
      `tsx@${dev['tsx']}`,
      `elkjs@${dev['elkjs']}`,
      `@statelyai/inspect@${dev['@statelyai/inspect']}`,
      `typescript@${dev['typescript']}`,
      `@types/node@${dev['@types/node']}`,
      `@duckdb/node-api@${dev['@duckdb/node-api']}`,
      `parquet-wasm@${dev['parquet-wasm']}`,
    ];
    await timed('npm install (plugins, peers, typescript)', () => npm(['install', '--prefer-offline', ...extras], consumer));
  }, 600_000);

  it('imports @dataprism/plugins, and the deprecated core entry hands out the same plugins', async () => {
    const result = await node(
      consumer,
      `
      const plugins = await import('@dataprism/plugins');
      const legacy = await import('@dataprism/orchestration/plugins');
      const inspect = await import('@dataprism/orchestration/inspect');
      const inspector = inspect.createStatelyInspector({ url: 'ws://127.0.0.1:9', autoStart: false });
      await inspector.ready;
      inspector.stop();
      console.log(JSON.stringify({
        viz: typeof plugins.createVisualizationPlugin,
        same: legacy.createAnalyticsPlugin === plugins.createAnalyticsPlugin,
        stately: inspector.platform,
      }));
      `,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ viz: 'function', same: true, stately: 'node' });
  });

  it('runs what a user meets first: native and wasm loads, a stalled download, a throwing abort listener, the supervisor tree', async () => {
    const result = await node(
      consumer,
      `
      import { createServer } from 'node:http';
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      import { DuckDBInstance } from '@duckdb/node-api';
      import { DataPrismOrchestrator, createEngine } from '@dataprism/orchestration';

      // A Parquet file with a nested column, written by plain native DuckDB.
      const dir = mkdtempSync(join(tmpdir(), 'outsider-'));
      const file = join(dir, 'data.parquet');
      const raw = await DuckDBInstance.create(':memory:');
      const rawConn = await raw.connect();
      await rawConn.run(\`COPY (SELECT range AS id, [range, range + 1] AS pair, {'k': range::VARCHAR} AS s FROM range(1000)) TO '\${file}' (FORMAT parquet)\`);
      rawConn.closeSync();
      raw.closeSync();

      // A server that answers its headers and then nothing.
      const server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/csv' }); res.write('a,b\\n'); });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = \`http://127.0.0.1:\${server.address().port}/stalled.csv\`;

      const out = {};
      for (const backend of ['native', 'wasm']) {
        const engine = await createEngine(backend === 'native' ? { backend } : { mode: 'worker' });
        const loaded = await engine.loadFile(file, 't');
        const { data } = await engine.query('SELECT sum(id) AS total, max(pair[2]) AS top, max(s.k) AS k FROM t');
        const stalled = await engine.loadFile(url, 'never', { downloadTimeoutMs: 300 }).catch((e) => e);
        out[backend] = { rows: loaded.rowCount, data, stalled: stalled.name, tables: await engine.listTables() };
        await engine.close();
      }
      server.closeAllConnections();
      server.close();

      // A plugin whose abort listener throws, disposed at shutdown: reported, not a crash.
      const parents = {};
      const logged = [];
      const keep = (...args) => logged.push(args.map(String).join(' '));
      const orchestrator = new DataPrismOrchestrator({
        logger: { debug() {}, info() {}, warn: keep, error: keep },
        inspect: (event) => {
          if (event.type === '@xstate.actor' && event.actorRef.options?.systemId) parents[event.actorRef.options.systemId] = event.actorRef._parent?.id;
        },
      });
      await orchestrator.initialize();
      await orchestrator.getPluginRegistry().register({
        name: 'careless', version: '1.0.0', description: 'throws from its abort listener', capabilities: ['run'], permissions: [],
        async initialize(context) { context.signal.addEventListener('abort', () => { throw new Error('listener blew up'); }); },
        async execute() { return 'ran'; },
        async dispose() {},
      });
      await orchestrator.getPluginRegistry().initializeAll();
      out.executed = await orchestrator.getEngine().executePlugin('careless', 'run', {});
      await orchestrator.shutdown();
      out.parent = parents['plugin:careless'];
      out.reported = logged.some((line) => line.includes('listener blew up'));
      out.alive = true;
      console.log(JSON.stringify(out));
      `,
    );
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    for (const backend of ['native', 'wasm']) {
      expect(out[backend]).toEqual({ rows: 1000, data: [{ total: 499500, top: 1000, k: '999' }], stalled: 'TimeoutError', tables: ['t'] });
    }
    expect(out).toMatchObject({ executed: 'ran', parent: 'supervisor', reported: true, alive: true });
  });

  it('holds restart intensity under simultaneous failures, and survives a broken strategy, as installed', async () => {
    const result = await node(
      consumer,
      `
      import { setup } from 'xstate';
      import { DataPrismOrchestrator, compose, restartPluginStrategy, retryStrategy } from '@dataprism/orchestration';
      const quiet = { debug() {}, info() {}, warn() {}, error() {} };
      const out = {};

      // Three calls of one plugin fail at once; each recovery retries, then restarts: at most 1 restart a minute.
      let initializations = 0;
      const strategy = { ...compose(retryStrategy({ maxAttempts: 1, initialDelayMs: 1, jitter: 0 }), restartPluginStrategy({ maxRestarts: 1, withinMs: 60000 })), appliesTo: () => true };
      const escalations = [];
      const orchestrator = new DataPrismOrchestrator({ logger: quiet, maxConcurrency: 3, engineOptions: { mode: 'blocking' }, recoveryStrategies: [strategy] });
      orchestrator.getEventBus().on('error:escalated', (e) => escalations.push(e.reason));
      await orchestrator.initialize();
      const registry = orchestrator.getPluginRegistry();
      await registry.register({
        name: 'flaky', version: '1.0.0', description: 'always fails', capabilities: ['run'], permissions: [],
        async initialize() { initializations++; },
        async execute() { throw new Error('flaky failed'); },
        async dispose() {},
      });
      await registry.initializeAll();
      const results = await Promise.allSettled([1, 2, 3].map(() => orchestrator.getEngine().executePlugin('flaky', 'run', {})));
      out.statuses = results.map((r) => r.status);
      out.initializations = initializations;
      out.restartLog = registry.list()[0].restartLog.length;
      out.intensityRefusals = escalations.filter((r) => String(r).startsWith('restart intensity exceeded')).length;
      await orchestrator.shutdown();

      // A strategy whose machine throws, chosen for every error, its own failure included.
      let entered = 0;
      const broken = setup({}).createMachine({ entry: () => { entered++; if (entered < 50) throw new Error('broken strategy'); } });
      const second = new DataPrismOrchestrator({ logger: quiet, engineOptions: { mode: 'blocking' }, recoveryStrategies: [{ name: 'broken', machine: broken }] });
      await second.getErrorHandler().handle(new Error('first'), { component: 'engine', operation: 'query' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      out.brokenStarts = entered;
      await second.shutdown();
      console.log(JSON.stringify(out));
      `,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      statuses: ['rejected', 'rejected', 'rejected'],
      initializations: 2,
      restartLog: 1,
      intensityRefusals: 2,
      brokenStarts: 1,
    });
  });

  // nodenext also checks every declaration file (ours and our dependencies'); bundler checks that the same imports resolve and type.
  it.each([
    ['nodenext', { module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: false }],
    ['bundler', { module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true }],
  ])('type-checks a strict TypeScript consumer (%s resolution)', async (name, resolution) => {
    const dir = join(consumer, `ts-${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', strict: true, noEmit: true, noUncheckedIndexedAccess: true, types: ['node'], lib: ['ES2022', 'DOM'], ...resolution },
        include: ['*.ts'],
      }),
    );
    writeFileSync(join(dir, 'strategy.ts'), STRATEGY);
    writeFileSync(
      join(dir, 'app.ts'),
      `
import { DataPrismOrchestrator, type DataPrismPlugin, type QueryResult } from '@dataprism/orchestration';
import { checkStrategy, type CheckResult } from '@dataprism/orchestration/check';
import { createInspectionServer, createStatelyInspector, type InspectionServerOptions } from '@dataprism/orchestration/inspect';
import { createVisualizationPlugin, createAnalyticsPlugin, type ChartResult } from '@dataprism/plugins';
import { patientRetry } from './strategy.js';

const orchestrator = new DataPrismOrchestrator({ maxConcurrency: 2 });
await orchestrator.initialize();
const result: QueryResult = await orchestrator.getEngine().query('SELECT 1 AS one');
const plugins: DataPrismPlugin[] = [createVisualizationPlugin(), createAnalyticsPlugin()];
const chart = (await orchestrator.getEngine().executePlugin('visualization', 'create_chart', { type: 'bar', data: result.data })) as ChartResult;
const report: CheckResult = checkStrategy(patientRetry);
const options: InspectionServerOptions = { port: 0 };
void [plugins, chart, report, options, createInspectionServer, createStatelyInspector];
`,
    );
    const tsc = join(consumer, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await timed(`tsc (${name})`, () => exec(process.execPath, [tsc, '-p', dir], dir));
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);

  it('checks a TypeScript strategy that imports only the package', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'dataprism');
    const result = await timed('dataprism check strategy.ts', () => exec(bin, ['check', 'strategy.ts'], consumer));
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('patient_retry: OK');
    expect(result.code).toBe(0);
  }, 120_000);

  it('serves the visualizer page and its layout engine with visualize --demo', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'dataprism');
    const child = spawn(bin, ['visualize', '--demo', '--port', '0', '--interval', '200'], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /DataPrism visualizer: (http:\/\/\S+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`visualize exited with ${code} before serving:\n${output}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      const elk = await fetch(new URL('/vendor/elk.bundled.js', url));
      expect(elk.status).toBe(200);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    }
  }, 120_000);
});
