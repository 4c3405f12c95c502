// `isolation: 'worker'`: a plugin's hooks in a worker of its own, against a real
// DuckDB-WASM engine. Its context is a proxy whose calls are answered by the real
// context, so every permission holds as in-process; a hook stuck in a synchronous
// loop is ended by terminating the worker, while the host's thread keeps running,
// and the next start gets a fresh worker.
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PluginRegistry, workerPlugin } from '../../src/plugins/index.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { ResourceManager } from '../../src/resources/ResourceManager.js';
import { DataPrismOrchestrator } from '../../src/orchestrator/index.js';
import type { Logger } from '../../src/events/types.js';
import type { DataPrismPlugin, PluginPermission } from '../../src/plugins/types.js';
import { createTestEngine, type TestEngine } from '../plugins/duckdbEngine.js';
import { recordEvents } from '../plugins/helpers.js';

const MODULE = new URL('./fixtures/workerPlugin.fixture.mjs', import.meta.url).href;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let engine: TestEngine;
beforeAll(async () => {
  engine = await createTestEngine();
  engine.raw('CREATE TABLE t AS SELECT range AS a FROM range(5)');
});
afterAll(() => engine.close());

const worker = (permissions: PluginPermission[] = ['engine:read'], timeoutMs = 2_000): DataPrismPlugin =>
  workerPlugin({ name: 'isolated', version: '1.0.0', description: 'runs in a worker', capabilities: ['count', 'thread', 'spin', 'query', 'emit', 'context', 'seen', 'log', 'throw', 'allocate'], permissions, timeoutMs, module: MODULE });

async function started(plugin = worker(), options: ConstructorParameters<typeof PluginRegistry>[0] = {}) {
  const registry = new PluginRegistry({ engine, pluginConfig: { isolated: { depth: { level: 1 } } }, ...options });
  await registry.register(plugin);
  await registry.initializeAll();
  return registry;
}

const rowCount = () => Number(engine.raw('SELECT count(*) AS n FROM t')[0]!.n);

describe("a worker plugin's hooks run in a worker of its own", () => {
  test('on another thread, with its own module state', async () => {
    const registry = await started();
    const thread = await registry.execute('isolated', 'thread');
    expect(typeof thread).toBe('number');
    expect(thread).not.toBe(threadId);
    await expect(registry.execute('isolated', 'count')).resolves.toBe(1);
    await expect(registry.execute('isolated', 'count')).resolves.toBe(2);
    await registry.shutdownAll();
  });

  test('its context: name, frozen config section, permissions, signal, logger', async () => {
    const logs: string[] = [];
    const logger: Logger = { ...quiet, info: (m: string, ...a: unknown[]) => void logs.push(`${m} ${a.join(',')}`) };
    const registry = await started(worker(), { logger });
    await expect(registry.execute('isolated', 'context')).resolves.toEqual({
      name: 'isolated',
      config: { depth: { level: 1 } },
      permissions: ['engine:read'],
      frozen: true,
      aborted: false,
    });
    await registry.execute('isolated', 'log');
    expect(logs).toContain('[plugin:isolated] hello from the worker 42');
    await registry.shutdownAll();
  });

  test('queries go through the real context: reads work, writes without engine:write are refused and the data stays', async () => {
    const registry = await started();
    await expect(registry.execute('isolated', 'query', { sql: 'SELECT CAST(sum(a) AS INTEGER) AS s FROM t' })).resolves.toEqual([{ s: 10 }]);
    const error = await registry.execute('isolated', 'query', { sql: 'DROP TABLE t' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/read-only|engine:write/);
    expect(rowCount()).toBe(5);
    await registry.shutdownAll();
  });

  test('events: it emits only its own namespace, with the events permission, and receives what it subscribed to', async () => {
    const registry = await started(worker(['events']));
    const events = recordEvents(registry.getEventBus());
    await expect(registry.execute('isolated', 'emit', { event: 'isolated:progress', data: { done: 1 } })).resolves.toBe('sent');
    await expect(registry.execute('isolated', 'emit', { event: 'orchestrator:shutdown', data: {} })).rejects.toThrow(/may only emit events named 'isolated:<event>'/);
    registry.getEventBus().emit('pinger:ping', { n: 7 });
    await expect(registry.execute('isolated', 'seen')).resolves.toEqual([{ n: 7 }]);
    expect(events.payloads.filter((p) => p.type === 'isolated:progress').map((p) => p.data)).toEqual([{ done: 1 }]);
    expect(events.log).not.toContain('orchestrator:shutdown ');
    await registry.shutdownAll();
  });

  test('resources are allocated by the real ResourceManager under the plugin, and freed', async () => {
    const resources = new ResourceManager();
    const registry = await started(worker(['resources']), { resources });
    await expect(registry.execute('isolated', 'allocate')).resolves.toBe(1024);
    expect(resources.getUsage().allocated).toBe(0);
    await registry.shutdownAll();
  });

  test("a hook's error reaches the caller as a PluginError naming the plugin", async () => {
    const registry = await started();
    const error = await registry.execute('isolated', 'throw').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toContain('the worker says no');
    await expect(registry.execute('isolated', 'count')).resolves.toBe(1);
    await registry.shutdownAll();
  });
});

describe('a hook stuck in a synchronous loop', () => {
  test('is ended at its budget by terminating the worker; the host thread keeps running; a restart gets a fresh worker', async () => {
    const registry = await started(worker(['engine:read'], 1_000));
    await registry.execute('isolated', 'count');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const error = await registry.execute('isolated', 'spin').catch((e: unknown) => e);
    clearInterval(ticker);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message) + String((error as { cause?: Error }).cause?.message)).toMatch(/1000 ms/);
    expect(ticks).toBeGreaterThan(3);
    const before = await registry.execute('isolated', 'thread').catch((e: unknown) => e);
    expect(before).toBeInstanceOf(Error); // its worker is gone until the plugin starts again
    await registry.restart('isolated');
    await expect(registry.execute('isolated', 'count')).resolves.toBe(1);
    await registry.shutdownAll();
  });

  test('in an orchestrator, the plugin is restarted by its recovery policy and answers again', async () => {
    const orchestrator = new DataPrismOrchestrator({ logger: quiet, engineOptions: { mode: 'blocking' } });
    await orchestrator.initialize();
    try {
      const events: string[] = [];
      orchestrator.getEventBus().on('*', (data, event) => void events.push(`${event} ${String((data as { name?: string })?.name ?? '')}`));
      const registry = orchestrator.getPluginRegistry();
      await registry.register(worker(['engine:read'], 1_000));
      await registry.initializeAll();
      await expect(registry.execute('isolated', 'spin')).rejects.toThrow();
      // The default policy restarted it: disposed, and initialized again in a new worker.
      expect(events.filter((e) => e === 'plugin:disposing isolated')).toHaveLength(1);
      expect(events.filter((e) => e === 'plugin:initialized isolated')).toHaveLength(2);
      await expect(registry.execute('isolated', 'count')).resolves.toBe(1);
    } finally {
      await orchestrator.shutdown();
    }
  });
});

describe('declaring a worker plugin', () => {
  test.each([
    ['a relative path', './plugin.js'],
    ['a bare name', 'my-plugin'],
    ['no module at all', undefined],
  ])('refuses %s as module with a ValidationError', async (_what, module) => {
    const registry = new PluginRegistry({ engine });
    const plugin = { name: 'w', version: '1.0.0', description: 'd', capabilities: ['run'], isolation: 'worker', module } as unknown as DataPrismPlugin;
    const error = await registry.register(plugin).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('module');
  });

  test('refuses an unknown isolation', async () => {
    const registry = new PluginRegistry({ engine });
    const plugin = { ...worker(), isolation: 'process' } as unknown as DataPrismPlugin;
    await expect(registry.register(plugin)).rejects.toThrow(/isolation/);
  });

  test('a plain object with isolation and module (no hooks of its own) registers and runs in a worker', async () => {
    const plugin = { name: 'plain', version: '1.0.0', description: 'd', capabilities: ['thread'], isolation: 'worker', module: MODULE } as unknown as DataPrismPlugin;
    const registry = new PluginRegistry({ engine });
    await registry.register(plugin);
    await registry.initializeAll();
    await expect(registry.execute('plain', 'thread')).resolves.not.toBe(threadId);
    await registry.shutdownAll();
  });

  test('a module that exports no hooks fails its initialization with a PluginError', async () => {
    const registry = new PluginRegistry({ engine });
    await registry.register(workerPlugin({ name: 'hollow', version: '1.0.0', description: 'd', capabilities: ['run'], module: new URL('./fixtures/noHooks.fixture.mjs', import.meta.url).href }));
    const report = await registry.initializeAll().catch((e: unknown) => e);
    const failed = (report as { failed?: { name: string; error: Error }[] }).failed ?? (report as { report?: { failed: { name: string; error: Error }[] } }).report?.failed;
    expect(failed?.map((f) => f.name)).toEqual(['hollow']);
    expect(failed?.[0]?.error.message).toContain('exports no plugin hooks');
    await registry.shutdownAll();
  });
});
