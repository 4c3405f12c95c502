/**
 * The `dataprism visualize --demo` workload: a real orchestrator (DuckDB-WASM
 * engine, a sales table that grows, two plugins) inspected by the relay from its
 * first transition. Every round inserts rows, runs the steady plugin and calls the
 * flaky one, which fails twice and is recovered by the orchestrator's error
 * recovery, so every kind of actor (orchestrator, engine, plugins, recoveries)
 * moves on the page. Rounds never overlap; a failing round is logged, not fatal.
 */
import { DataPrismOrchestrator } from '../orchestrator/DataPrismOrchestrator.js';
import { toError } from '../errors/DataPrismError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { retryStrategy } from '../errors/recovery/strategies.js';
import type { RecoveryStrategy } from '../errors/recovery/types.js';
import type { InspectionServer } from './InspectionServer.js';
import { createFlakyReportPlugin, createSalesSummaryPlugin, PLANNED_FAILURE } from './demoPlugins.js';

/** Options of `startDemo`. */
export interface DemoOptions {
  /** The relay that inspects the demo orchestrator and forwards its EventBus. */
  server: InspectionServer;
  /** Milliseconds between rounds. Default 2000. */
  intervalMs?: number;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/** A running demo. */
export interface Demo {
  /** The demo's orchestrator. */
  orchestrator: DataPrismOrchestrator;
  /** Resource usage and performance metrics, for the relay's `metrics` option. */
  metrics: () => unknown;
  /** Rounds completed so far. */
  rounds(): number;
  /** Stops the rounds and shuts the orchestrator down. Idempotent. */
  stop(): Promise<void>;
}

const TABLE = 'sales';
const REGIONS = ['north', 'south', 'east', 'west'];

/** Starts the demo orchestrator and its rounds; resolves once the first round is scheduled. */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const intervalMs = options.intervalMs ?? 2000;
  if (!Number.isFinite(intervalMs) || intervalMs < 10) {
    throw new ValidationError(`startDemo: intervalMs must be at least 10 ms, got ${String(intervalMs)}`, { component: 'inspect' });
  }
  const log = options.log ?? (() => undefined);
  const orchestrator = new DataPrismOrchestrator({
    inspect: options.server.inspect,
    memoryLimit: 256 * 1024 * 1024,
    maxConcurrency: 2,
    enableErrorRecovery: true,
    recoveryStrategies: [flakyRetry()],
    logger: demoLogger(log),
  });
  options.server.attachEventBus(orchestrator.getEventBus());
  let recovered = 0;
  orchestrator.getEventBus().on('error:recovered', () => {
    recovered++;
  });
  const flaky = createFlakyReportPlugin(TABLE);
  let rounds = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();

  try {
    await orchestrator.initialize();
    const engine = orchestrator.getEngine();
    await engine.loadData(sampleRows(0, 500), TABLE);
    const registry = orchestrator.getPluginRegistry();
    await registry.register(createSalesSummaryPlugin(TABLE));
    await registry.register(flaky.plugin);
    await registry.initializeAll();
  } catch (error) {
    await orchestrator.shutdown().catch(() => undefined);
    throw error;
  }
  log(`demo: orchestrator ready; a round every ${intervalMs} ms`);

  const round = async () => {
    const n = ++rounds;
    const engine = orchestrator.getEngine();
    const registry = orchestrator.getPluginRegistry();
    await engine.query(
      `INSERT INTO ${TABLE} SELECT ${n} * 1000 + i, ['north','south','east','west'][1 + (i % 4)], round(random() * 500, 2), now() FROM range(200) t(i)`,
    );
    await registry.execute('sales-summary', 'summarize', { round: n });
    flaky.arm(2);
    // The first call fails: the caller sees the error, and recovery retries it in the background.
    await registry.execute('flaky-report', 'report', { round: n }).catch(() => undefined);
    if (n % 20 === 0) log(`demo: ${n} rounds, ${recovered} errors recovered so far`);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = round().then(
        () => schedule(),
        (error: unknown) => {
          if (!stopped) log(`demo: round ${rounds} failed: ${toError(error).message}`);
          schedule();
        },
      );
    }, intervalMs);
  };
  schedule();

  let stopping: Promise<void> | undefined;
  return {
    orchestrator,
    metrics: () => demoMetrics(orchestrator),
    rounds: () => rounds,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await current.catch(() => undefined);
        await orchestrator.shutdown();
      })();
      return stopping;
    },
  };
}

/**
 * Retries the flaky plugin's failed call (3 attempts, 50 ms doubling up to 400 ms)
 * instead of the default plugin policy (restart at most 3 times a minute, then give
 * up), so every round of the demo ends recovered however long it runs.
 */
export function flakyRetry(): RecoveryStrategy {
  const strategy = retryStrategy({ name: 'retry_flaky_report', maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 400 });
  return { ...strategy, appliesTo: (error) => (error as { component?: unknown }).component === 'plugin:flaky-report' };
}

/**
 * The orchestrator's logger: warnings and errors as progress lines, except the flaky
 * plugin's planned failures (they are the point of the demo and would flood the
 * terminal twice a round); debug and info dropped.
 */
function demoLogger(log: (line: string) => void) {
  const line = (level: string) => (message: string) => {
    if (!message.includes(PLANNED_FAILURE)) log(`demo ${level}: ${message}`);
  };
  return { debug: () => undefined, info: () => undefined, warn: line('warn'), error: line('error') };
}

/** The metrics sample: resource usage, counters, gauges and a few stats per timer. */
function demoMetrics(orchestrator: DataPrismOrchestrator): unknown {
  const metrics = orchestrator.getPerformanceMonitor().getMetrics();
  const timers: Record<string, { count: number; mean: number; max: number }> = {};
  for (const [name, stats] of Object.entries(metrics.timers)) timers[name] = { count: stats.count, mean: stats.mean, max: stats.max };
  return {
    usage: orchestrator.getResourceManager().getUsage(),
    counters: metrics.counters,
    gauges: metrics.gauges,
    timers,
  };
}

function sampleRows(offset: number, count: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    rows.push({
      id: offset + i,
      region: REGIONS[i % REGIONS.length],
      amount: ((i * 7919) % 50_000) / 100,
      ts: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000),
    });
  }
  return rows;
}
