/**
 * The spec (orchestration-api.md), section by section, on the real DuckDB-WASM
 * engine: every interface, method, option, event and payload field it names, and
 * its examples run as written — only the names it leaves undefined (`salesData`,
 * `largeDataset`, `features`) are supplied. The Error Recovery and Error Handling
 * examples are in errorExamples.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigManager, DataPrismOrchestrator, type DataPrismPlugin, type Logger } from '@dataprism/orchestration';
import { createAnalyticsPlugin, createVisualizationPlugin } from '@dataprism/plugins';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const live: DataPrismOrchestrator[] = [];
const track = <T extends DataPrismOrchestrator>(o: T): T => (live.push(o), o);

afterEach(async () => {
  await Promise.all(live.splice(0).map((o) => o.shutdown()));
  vi.restoreAllMocks();
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

// ── the names the spec's examples leave undefined ─────────────────────────────
const salesData = [
  { region: 'north', amount: 120 },
  { region: 'south', amount: 80 },
  { region: 'east', amount: 200 },
];
const largeDataset = Array.from({ length: 50_000 }, (_, i) => ({ id: i, value: i % 97 }));
const features = { visualization: true, analytics: true };

// ── the spec's examples, verbatim ─────────────────────────────────────────────
async function setupOrchestrator() {
  const orchestrator = new DataPrismOrchestrator({
    maxConcurrency: 4,
    memoryLimit: 1024 * 1024 * 1024, // 1GB
    enablePlugins: true,
    enableEventLogging: true
  });
  
  // Initialize all components
  await orchestrator.initialize();
  
  // Get components
  const engine = orchestrator.getEngine();
  const registry = orchestrator.getPluginRegistry();
  const eventBus = orchestrator.getEventBus();
  
  // Set up event handlers
  eventBus.on('plugin:loaded', (event) => {
    console.log(`Plugin loaded: ${event.name} v${event.version}`);
  });
  
  eventBus.on('error:recovered', (event) => {
    console.log(`Recovered from error: ${event.recovery}`);
  });
  
  return orchestrator;
}

async function setupWithPlugins() {
  const orchestrator = await setupOrchestrator();
  const registry = orchestrator.getPluginRegistry();
  
  // Register plugins
  const vizPlugin = createVisualizationPlugin();
  await registry.register(vizPlugin);
  
  // Initialize plugins
  await registry.initializeAll();
  
  // Use plugin through orchestrator
  const engine = orchestrator.getEngine();
  const result = await engine.executePlugin('visualization', 'create_chart', {
    type: 'bar',
    data: salesData
  });
  
  return result;
}

async function setupWithMonitoring() {
  const orchestrator = await setupOrchestrator();
  const monitor = orchestrator.getPerformanceMonitor();
  
  // Set performance thresholds
  monitor.setThreshold('query_time', 2000); // 2 seconds
  monitor.setThreshold('memory_usage', 500 * 1024 * 1024); // 500MB
  
  // Monitor operations
  const timer = monitor.startTimer('data_processing');
  
  try {
    // Perform operations
    const engine = orchestrator.getEngine();
    await engine.loadData(largeDataset, 'analysis');
    
    timer.stop();
    
    // Check for threshold violations
    const violations = monitor.checkThresholds();
    if (violations.length > 0) {
      console.warn('Performance thresholds violated:', violations);
    }
    
  } catch (error) {
    timer.stop();
    throw error;
  }
}

// Always cleanup resources
async function processData(data: any[]) {
  const orchestrator = await setupOrchestrator();
  
  try {
    const engine = orchestrator.getEngine();
    return await engine.processData(data);
  } finally {
    await orchestrator.shutdown();
  }
}

// Load plugins conditionally
async function loadPlugins(orchestrator: DataPrismOrchestrator) {
  const registry = orchestrator.getPluginRegistry();
  
  // Check feature flags
  if (features.visualization) {
    await registry.register(createVisualizationPlugin());
  }
  
  if (features.analytics) {
    await registry.register(createAnalyticsPlugin());
  }
  
  // Initialize all loaded plugins
  await registry.initializeAll();
}
// ──────────────────────────────────────────────────────────────────────────────

/** Every orchestrator an example constructs, so the test can reach and shut it down. */
function captureOrchestrators(): DataPrismOrchestrator[] {
  const made: DataPrismOrchestrator[] = [];
  const initialize = DataPrismOrchestrator.prototype.initialize;
  vi.spyOn(DataPrismOrchestrator.prototype, 'initialize').mockImplementation(function (this: DataPrismOrchestrator) {
    if (!made.includes(this)) made.push(track(this));
    return initialize.call(this);
  });
  return made;
}

describe('spec › Examples, run as written', () => {
  it('Basic Orchestration: the options take effect, event logging logs, the handlers get plugin:loaded', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const orchestrator = track(await setupOrchestrator());
    expect(orchestrator.getState()).toBe('ready');
    expect(orchestrator.getOptions()).toMatchObject({ maxConcurrency: 4, memoryLimit: 1024 ** 3, enablePlugins: true, enableEventLogging: true });
    const { data } = await orchestrator.getEngine().query("SELECT current_setting('memory_limit') AS ml");
    expect(String(data[0]!.ml)).toMatch(/^(1024\.0 MiB|1\.0 GiB|953\.6 MiB)$/);
    await orchestrator.getPluginRegistry().register(createAnalyticsPlugin());
    await tick();
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^Plugin loaded: analytics v\d+\.\d+\.\d+$/));
    expect(debug).toHaveBeenCalledWith('[event] plugin:loaded', expect.objectContaining({ name: 'analytics' }));
  });

  it('Plugin Integration: @dataprism/plugins charts salesData through engine.executePlugin', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    captureOrchestrators();
    const result = (await setupWithPlugins()) as Record<string, unknown>;
    expect(result).toBeTypeOf('object');
    expect(JSON.stringify(result)).toContain('north');
  });

  it('Performance Monitoring: the timer is recorded, loadData loads, thresholds are checked', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const made = captureOrchestrators();
    await setupWithMonitoring();
    const orchestrator = made[0]!;
    const metrics = orchestrator.getPerformanceMonitor().getMetrics();
    expect(metrics.timers.data_processing?.count).toBe(1);
    expect(metrics.gauges).toHaveProperty('memory_usage');
    expect((await orchestrator.getEngine().query('SELECT count(*)::INTEGER AS n FROM analysis')).data).toEqual([{ n: 50_000 }]);
    expect(orchestrator.getPerformanceMonitor().getThresholds().map((t) => t.metric).sort()).toEqual(['memory_usage', 'query_time']);
    // No violation on this machine for 50 000 rows and no allocation: the warn branch did not run.
    expect(warn).not.toHaveBeenCalledWith('Performance thresholds violated:', expect.anything());
  });

  it('Best Practices › Resource Management: processData summarises and the orchestrator is shut down in finally', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    const made = captureOrchestrators();
    const summary = await processData(salesData);
    expect(summary.rowCount).toBe(3);
    expect(summary.columns.map((c) => c.name)).toEqual(['region', 'amount']);
    expect(made[0]!.getState()).toBe('shutdown');
  });

  it('Best Practices › Plugin Management: both feature-flagged plugins are registered and initialized', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    const orchestrator = track(await setupOrchestrator());
    await loadPlugins(orchestrator);
    expect(orchestrator.getPluginRegistry().list().map((p) => [p.name, p.state])).toEqual([
      ['visualization', 'initialized'],
      ['analytics', 'initialized'],
    ]);
  });
});

const probe: DataPrismPlugin = {
  name: 'probe',
  version: '1.0.0',
  description: 'answers echo, fails on fail',
  capabilities: ['echo', 'fail'],
  async initialize() {},
  async execute(action, params) {
    if (action === 'fail') throw new Error('asked to fail');
    return params;
  },
  async dispose() {},
};

describe('spec › sections, member by member', () => {
  let orchestrator: DataPrismOrchestrator;
  const events: Array<{ event: string; data: Record<string, unknown> }> = [];

  beforeAll(async () => {
    orchestrator = new DataPrismOrchestrator({ logger: quiet, enableErrorRecovery: false, timeoutMs: 30_000 });
    orchestrator.getEventBus().on('*', (data, event) => void events.push({ event, data: data as Record<string, unknown> }));
    await orchestrator.initialize();
    await tick();
  });
  afterAll(() => orchestrator.shutdown());

  const payloads = (name: string) => events.filter((e) => e.event === name).map((e) => e.data);

  it('DataPrismOrchestrator: constructor, initialize(), getEngine(), getPluginRegistry(), getEventBus()', () => {
    expect(orchestrator.getState()).toBe('ready');
    for (const getter of ['getEngine', 'getPluginRegistry', 'getEventBus', 'getResourceManager', 'getErrorHandler', 'getPerformanceMonitor', 'getConfigManager'] as const) {
      expect(orchestrator[getter]()).toBeTypeOf('object');
    }
  });

  it("OrchestratorOptions: every field is accepted and in effect", () => {
    expect(orchestrator.getOptions()).toMatchObject({ enableErrorRecovery: false, timeoutMs: 30_000 });
    expect(Object.keys(orchestrator.getOptions()).sort()).toEqual(
      expect.arrayContaining(['enableErrorRecovery', 'enableEventLogging', 'enablePlugins', 'maxConcurrency', 'memoryLimit', 'timeoutMs']),
    );
  });

  it('SystemEvents: orchestrator:initialized { timestamp } and engine:ready { version }', () => {
    expect(payloads('orchestrator:initialized')).toEqual([{ timestamp: expect.any(Number) }]);
    expect(payloads('engine:ready')).toEqual([expect.objectContaining({ version: expect.stringMatching(/^v\d+\.\d+\.\d+/) })]);
  });

  it('EventBus: on, off, once, emit, listEvents, hasListeners, removeAllListeners', () => {
    const bus = orchestrator.getEventBus();
    const got: unknown[] = [];
    const handler = (data: unknown) => void got.push(data);
    bus.on('spec:a', handler);
    bus.once('spec:b', handler);
    expect(bus.hasListeners('spec:a')).toBe(true);
    expect(bus.listEvents()).toEqual(expect.arrayContaining(['spec:a', 'spec:b']));
    bus.emit('spec:a', 1);
    bus.emit('spec:b', 2);
    bus.emit('spec:b', 3);
    bus.off('spec:a', handler);
    bus.emit('spec:a', 4);
    expect(got).toEqual([1, 2]);
    bus.on('spec:c', handler);
    bus.removeAllListeners('spec:c');
    expect(bus.hasListeners('spec:c')).toBe(false);
  });

  it('PluginRegistry: register, get, list, resolveDependencies, checkConflicts, initializeAll; PluginLifecycle events and plugin:loaded', async () => {
    const registry = orchestrator.getPluginRegistry();
    await registry.register(probe);
    expect(registry.get('probe')?.name).toBe('probe');
    expect(registry.get('nothing')).toBeNull();
    await expect(registry.resolveDependencies(probe)).resolves.toBeUndefined();
    expect(registry.checkConflicts({ ...probe, name: 'probe2' })).toMatchObject({ valid: true, errors: [] });
    await registry.initializeAll();
    expect(registry.list()).toEqual([expect.objectContaining({ name: 'probe', version: '1.0.0', state: 'initialized' })]);
    expect(await orchestrator.getEngine().executePlugin('probe', 'echo', { x: 1 })).toEqual({ x: 1 });
    await orchestrator.getEngine().executePlugin('probe', 'fail', {}).catch(() => {});
    await tick();
    expect(payloads('plugin:loaded')).toEqual([expect.objectContaining({ name: 'probe', version: '1.0.0' })]);
    for (const phase of ['loading', 'loaded', 'initializing', 'initialized', 'disposing', 'disposed'] as const) {
      if (phase === 'disposing' || phase === 'disposed') continue; // checked after unregister below
      expect(payloads(`plugin:${phase}`)).toContainEqual(expect.objectContaining({ name: 'probe' }));
    }
    expect(payloads('plugin:executing')).toContainEqual(expect.objectContaining({ name: 'probe', action: 'echo' }));
    expect(payloads('plugin:executed')).toContainEqual(expect.objectContaining({ name: 'probe', action: 'echo', result: { x: 1 } }));
    expect(payloads('plugin:error')).toContainEqual(expect.objectContaining({ name: 'probe', phase: 'execute', error: expect.any(Error) }));
    await registry.unregister('probe');
    await tick();
    expect(payloads('plugin:disposing')).toContainEqual(expect.objectContaining({ name: 'probe' }));
    expect(payloads('plugin:disposed')).toContainEqual(expect.objectContaining({ name: 'probe' }));
    await expect(registry.shutdownAll()).resolves.toBeUndefined();
  });

  it('ResourceManager: allocate, free, getUsage { allocated, free, total, fragmentation }, cleanup, monitor; resource events', async () => {
    const resources = orchestrator.getResourceManager();
    const handle = await resources.allocate(1024, 'buffer');
    expect(resources.getUsage()).toEqual({ allocated: 1024, free: 1024 ** 3 - 1024, total: 1024 ** 3, fragmentation: expect.any(Number) });
    await resources.free(handle);
    await tick();
    expect(payloads('resource:allocated')).toContainEqual(expect.objectContaining({ type: 'buffer', size: 1024 }));
    expect(payloads('resource:freed')).toContainEqual(expect.objectContaining({ type: 'buffer', size: 1024 }));
    await expect(resources.cleanup()).resolves.toBeDefined();
    expect(typeof resources.monitor().sample).toBe('function');
  });

  it('ErrorHandler: handle(error, ErrorContext), recover → RecoveryResult { success, strategy, message }, categorize, report', async () => {
    const errors = orchestrator.getErrorHandler();
    const error = new Error('timed out talking to the service');
    await errors.handle(error, { component: 'spec', operation: 'probe', timestamp: Date.now(), metadata: { n: 1 } });
    expect(errors.getHistory().at(-1)).toMatchObject({ error, component: 'spec', operation: 'probe' });
    expect(errors.categorize(error)).toBe('transient');
    const result = await errors.recover(error);
    expect(result).toEqual({ success: false, strategy: 'none', message: expect.any(String) });
    errors.report(new Error('reported'));
    expect(errors.getHistory().at(-1)?.error.message).toBe('reported');
  });

  it('PerformanceMonitor: startTimer, recordMetric, incrementCounter, getMetrics { timers, counters, gauges, histograms }, generateReport, thresholds', async () => {
    const monitor = orchestrator.getPerformanceMonitor();
    await orchestrator.getEngine().query('SELECT 1');
    monitor.startTimer('spec_timer').stop();
    monitor.recordMetric('spec_value', 5);
    monitor.incrementCounter('spec_count');
    const metrics = monitor.getMetrics();
    expect(Object.keys(metrics).sort()).toEqual(['counters', 'gauges', 'histograms', 'timers']);
    expect(metrics.timers.spec_timer?.count).toBe(1);
    expect(metrics.timers.query_time?.count).toBeGreaterThan(0);
    expect(metrics.counters.spec_count).toBe(1);
    monitor.setThreshold('spec_value', 1);
    expect(monitor.checkThresholds()).toEqual([expect.objectContaining({ metric: 'spec_value', threshold: 1 })]);
    expect(monitor.generateReport()).toBeTypeOf('object');
  });

  it('ConfigManager: get, set, has, load (file, env, object), save, validate, schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dataprism-spec-'));
    try {
      const config = new ConfigManager();
      await config.load({ type: 'object', source: { orchestrator: { maxConcurrency: 3 } } });
      expect(config.get('orchestrator.maxConcurrency')).toBe(3);
      await config.load({ type: 'env', source: 'SPEC_TEST_' });
      config.set('orchestrator.timeoutMs', 1234);
      expect(config.has('orchestrator.timeoutMs')).toBe(true);
      expect(config.get('missing.key', 'fallback')).toBe('fallback');
      const file = join(dir, 'dataprism.yaml');
      await config.save({ type: 'file', target: file });
      const again = new ConfigManager();
      await again.load({ type: 'file', source: file });
      expect(again.get('orchestrator.timeoutMs')).toBe(1234);
      expect(again.validate()).toMatchObject({ valid: true });
      expect(again.schema()).toBeTypeOf('object');
      expect(new DataPrismOrchestrator({ config: again, logger: quiet }).getOptions().maxConcurrency).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('orchestrator:shutdown { timestamp } ends it all', async () => {
    const o = track(new DataPrismOrchestrator({ logger: quiet }));
    const seen = vi.fn();
    o.getEventBus().on('orchestrator:shutdown', seen);
    await o.initialize();
    await o.shutdown();
    await tick();
    expect(seen).toHaveBeenCalledWith({ timestamp: expect.any(Number) }, 'orchestrator:shutdown');
  });
});
