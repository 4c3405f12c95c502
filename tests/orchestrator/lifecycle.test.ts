/**
 * The orchestrator's lifecycle against the real DuckDB-WASM engine: events and
 * their payloads, idempotent and concurrent initialize/shutdown, a failed start,
 * degradation and recovery of the engine, and what the getters give.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef } from 'xstate';
import {
  ConfigManager,
  DataPrismOrchestrator,
  DefaultEventBus,
  EngineError,
  LifecycleError,
  TimeoutError,
  type Logger,
  type OrchestratorOptions,
} from '@dataprism/orchestration';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const live: DataPrismOrchestrator[] = [];

function orchestrator(options: OrchestratorOptions = {}): DataPrismOrchestrator {
  const o = new DataPrismOrchestrator({ logger: quiet, engineOptions: { mode: 'blocking' }, ...options });
  live.push(o);
  return o;
}

function record(o: DataPrismOrchestrator): Array<{ event: string; data: unknown }> {
  const log: Array<{ event: string; data: unknown }> = [];
  o.getEventBus().on('*', (data, event) => void log.push({ event, data }));
  return log;
}

const names = (log: Array<{ event: string }>) => log.map((e) => e.event);

afterEach(async () => {
  await Promise.all(live.splice(0).map((o) => o.shutdown()));
});

describe('DataPrismOrchestrator lifecycle', () => {
  it('initializes, emits engine:ready with DuckDB’s version and orchestrator:initialized, then shuts down', async () => {
    const o = orchestrator();
    const log = record(o);
    expect(o.getState()).toBe('idle');
    await o.initialize();
    expect(o.getState()).toBe('ready');

    const ready = log.find((e) => e.event === 'engine:ready')!.data as { version: string };
    expect(ready.version).toMatch(/^v\d+\.\d+\.\d+/);
    const initialized = log.find((e) => e.event === 'orchestrator:initialized')!.data as { timestamp: number };
    expect(typeof initialized.timestamp).toBe('number');
    expect(names(log).indexOf('engine:ready')).toBeLessThan(names(log).indexOf('orchestrator:initialized'));

    const result = await o.getEngine().query('SELECT 40 + 2 AS answer');
    expect(result.data).toEqual([{ answer: 42 }]);

    await o.shutdown();
    await Promise.resolve();
    expect(o.getState()).toBe('shutdown');
    const shutdown = log.find((e) => e.event === 'orchestrator:shutdown')!.data as { timestamp: number };
    expect(shutdown.timestamp).toBeGreaterThanOrEqual(initialized.timestamp);
    expect(o.getEngine().getStatus().state).toBe('closed');
  });

  it('two concurrent initialize() calls start one engine', async () => {
    const o = orchestrator();
    const log = record(o);
    await Promise.all([o.initialize(), o.initialize(), o.initialize()]);
    await o.initialize();
    expect(names(log).filter((n) => n === 'engine:ready')).toHaveLength(1);
    expect(names(log).filter((n) => n === 'orchestrator:initialized')).toHaveLength(1);
  });

  it('shutdown() during initialize() ends in shutdown with the engine closed, and initialize() says why', async () => {
    const o = orchestrator();
    const starting = o.initialize();
    const stopping = o.shutdown();
    await expect(starting).rejects.toBeInstanceOf(LifecycleError);
    await stopping;
    expect(o.getState()).toBe('shutdown');
    expect(o.getEngine().getStatus().state).toBe('closed');
    await expect(o.getEngine().query('SELECT 1')).rejects.toBeInstanceOf(LifecycleError);
  });

  it('shutdown() is idempotent and concurrent calls all resolve; initialize() afterwards is refused', async () => {
    const o = orchestrator();
    const log = record(o);
    await o.initialize();
    await Promise.all([o.shutdown(), o.shutdown()]);
    await o.shutdown();
    await Promise.resolve();
    expect(names(log).filter((n) => n === 'orchestrator:shutdown')).toHaveLength(1);
    await expect(o.initialize()).rejects.toThrow(/create a new DataPrismOrchestrator/);
  });

  it('shutdown() of an orchestrator never initialized completes and frees everything', async () => {
    const o = orchestrator();
    const handle = await o.getResourceManager().allocate(1024, 'buffer');
    expect(handle.size).toBe(1024);
    await o.shutdown();
    expect(o.getState()).toBe('shutdown');
    expect(o.getResourceManager().getUsage().allocated).toBe(0);
  });

  it('reads its options through a ConfigManager, explicit options winning', async () => {
    const config = new ConfigManager();
    await config.load({ type: 'env', source: { DATAPRISM_ORCHESTRATOR__MAX_CONCURRENCY: '7', DATAPRISM_ORCHESTRATOR__TIMEOUT_MS: '1234' } });
    const o = orchestrator({ config, timeoutMs: 999 });
    expect(o.getConfigManager()).toBe(config);
    expect(o.getOptions().maxConcurrency).toBe(7);
    expect(o.getOptions().timeoutMs).toBe(999);
  });

  it('getEngine() before initialize() is a LifecycleError that says what to do', () => {
    const o = orchestrator();
    expect(() => o.getEngine()).toThrow(LifecycleError);
    expect(() => o.getEngine()).toThrow(/await orchestrator.initialize\(\) first/);
  });

  it('every getter returns a live component before initialize()', async () => {
    const o = orchestrator();
    expect(o.getPluginRegistry().list()).toEqual([]);
    expect(o.getConfigManager().get('orchestrator.maxConcurrency')).toBe(4);
    o.getPerformanceMonitor().incrementCounter('x');
    expect(o.getPerformanceMonitor().getMetrics().counters['x']).toBe(1);
    expect(o.getErrorHandler().categorize(new EngineError('x'))).toBe('engine');
    expect(o.getResourceManager().getUsage().total).toBe(1024 ** 3);
  });

  it('an engine that cannot start fails initialize() with an EngineError, and a fixed config is not needed to shut down', async () => {
    const o = orchestrator({ engineOptions: { mode: 'blocking', settings: { no_such_setting: 1 } } });
    const log = record(o);
    const error = await o.initialize().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toMatch(/no_such_setting/);
    expect(o.getState()).toBe('failed');
    await Promise.resolve();
    expect(names(log)).toContain('orchestrator:failed');
    await o.shutdown();
    expect(o.getState()).toBe('shutdown');
  });

  it('an engine failure degrades the orchestrator, and its restart restores it', async () => {
    const o = orchestrator();
    const log = record(o);
    await o.initialize();
    const engineActor = (o.getActor().getSnapshot().children as { engine: AnyActorRef }).engine;

    engineActor.send({ type: 'FAIL', error: new Error('worker exited') });
    expect(o.getState()).toBe('degraded');
    expect(o.getDegradedComponents()).toEqual(['engine']);

    engineActor.send({ type: 'RESTART' });
    await waitUntil(() => o.getState() === 'ready');
    await Promise.resolve();
    expect(names(log)).toEqual(expect.arrayContaining(['orchestrator:degraded', 'orchestrator:restored']));
    expect(names(log).filter((n) => n === 'engine:ready')).toHaveLength(2);
    expect((await o.getEngine().query('SELECT 1 AS one')).data).toEqual([{ one: 1 }]);
  });

  it('uses an injected event bus', async () => {
    const bus = new DefaultEventBus();
    const seen: string[] = [];
    bus.on('engine:ready', () => void seen.push('ready'));
    const o = orchestrator({ eventBus: bus });
    expect(o.getEventBus()).toBe(bus);
    await o.initialize();
    await Promise.resolve();
    expect(seen).toEqual(['ready']);
  });

  it('enableEventLogging logs every event through the given logger', async () => {
    const lines: string[] = [];
    const logger: Logger = { ...quiet, debug: (message: string) => void lines.push(message) };
    const o = orchestrator({ enableEventLogging: true, logger });
    await o.initialize();
    await Promise.resolve();
    expect(lines).toEqual(expect.arrayContaining(['[event] engine:ready', '[event] orchestrator:initialized']));
  });

  it('a throwing event handler reaches the ErrorHandler and stops nothing', async () => {
    const o = orchestrator();
    const after: string[] = [];
    o.getEventBus().on('orchestrator:initialized', () => {
      throw new Error('handler bug');
    });
    o.getEventBus().on('orchestrator:initialized', () => void after.push('still called'));
    await o.initialize();
    await waitUntil(() => o.getErrorHandler().getHistory().length > 0);
    expect(after).toEqual(['still called']);
    const report = o.getErrorHandler().getHistory()[0]!;
    expect(report.error.message).toBe('handler bug');
    expect(report.component).toBe('events');
    expect(o.getState()).toBe('ready');
  });

  it('queries get a time budget only when one is asked for; hooks always have one', async () => {
    const plain = orchestrator();
    const bounded = orchestrator({ timeoutMs: 5_000 });
    await Promise.all([plain.initialize(), bounded.initialize()]);
    expect(plain.getEngine().getStatus().timeoutMs).toBeUndefined();
    expect(plain.getOptions().timeoutMs).toBe(30_000);
    expect(bounded.getEngine().getStatus().timeoutMs).toBe(5_000);
  });

  it('timeoutMs cancels a query that runs too long, and the engine answers the next one (worker mode)', async () => {
    const o = orchestrator({ timeoutMs: 300, engineOptions: { mode: 'worker' } });
    await o.initialize();
    const engine = o.getEngine();
    const error = await engine.query('SELECT count(*) AS c FROM range(3000000) a, range(3000000) b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(300);
    expect((await engine.query('SELECT 7 AS seven')).data).toEqual([{ seven: 7 }]);
  });

  it("the resource monitor samples the engine's real memory", async () => {
    const o = orchestrator();
    await o.initialize();
    await o.getEngine().query('CREATE TABLE big AS SELECT range AS i FROM range(200000)');
    const sample = await o.getResourceManager().monitor().sample();
    expect(sample.engine?.memoryUsage).toBeGreaterThan(0);
    expect(sample.engine?.databaseSize).toBe(0); // in memory: no database blocks
  });

  it('records query_time for every query without user code', async () => {
    const o = orchestrator();
    await o.initialize();
    for (let i = 0; i < 5; i++) await o.getEngine().query('SELECT 1');
    const timers = o.getPerformanceMonitor().getMetrics().timers;
    expect(timers['query_time']!.count).toBe(5);
    o.getPerformanceMonitor().setThreshold('query_time', 1e-9);
    expect(o.getPerformanceMonitor().checkThresholds().map((v) => v.metric)).toContain('query_time');
  });
});

async function waitUntil(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(predicate()).toBe(true);
}
