/**
 * The orchestrator's own wiring (event counters, the memory_usage gauge, event
 * logging) rides an internal channel, not handlers on the public bus: a fresh
 * orchestrator's bus lists nothing of ours, removeAllListeners() cannot stop
 * monitoring, and a user bus with only the spec's seven methods — no `'*'`
 * wildcard — gets the full behaviour, on the real DuckDB-WASM engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataPrismOrchestrator, type EventBus, type EventHandler, type Logger, type OrchestratorOptions } from '@dataprism/orchestration';

const live: DataPrismOrchestrator[] = [];

function orchestrator(options: OrchestratorOptions = {}): DataPrismOrchestrator {
  const o = new DataPrismOrchestrator({ logger: recordingLogger().logger, engineOptions: { mode: 'blocking' }, ...options });
  live.push(o);
  return o;
}

afterEach(async () => {
  await Promise.all(live.splice(0).map((o) => o.shutdown()));
});

function recordingLogger(): { logger: Logger; debug: string[] } {
  const debug: string[] = [];
  return { debug, logger: { debug: (message) => void debug.push(message), info() {}, warn() {}, error() {} } };
}

/** A bus with exactly the spec's seven methods and no wildcard: a handler on '*' is an ordinary event name. */
class SpecShapedBus implements EventBus {
  readonly handlers = new Map<string, Array<EventHandler>>();
  on(event: string, handler: EventHandler): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }
  off(event: string, handler: EventHandler): void {
    this.handlers.set(event, (this.handlers.get(event) ?? []).filter((h) => h !== handler));
  }
  once(event: string, handler: EventHandler): void {
    const wrapper: EventHandler = (data, name) => {
      this.off(event, wrapper);
      return handler(data, name);
    };
    this.on(event, wrapper);
  }
  emit(event: string, data?: unknown): void {
    for (const handler of this.handlers.get(event) ?? []) void handler(data, event);
  }
  listEvents(): string[] {
    return [...this.handlers.keys()].filter((e) => this.hasListeners(e));
  }
  hasListeners(event: string): boolean {
    return (this.handlers.get(event)?.length ?? 0) > 0;
  }
  removeAllListeners(event?: string): void {
    if (event === undefined) this.handlers.clear();
    else this.handlers.delete(event);
  }
}

const counters = (o: DataPrismOrchestrator) => o.getPerformanceMonitor().getMetrics().counters;
const gauge = (o: DataPrismOrchestrator) => o.getPerformanceMonitor().getMetrics().gauges.memory_usage;

describe('internal wiring off the public bus', () => {
  it('a fresh orchestrator’s bus lists no listener of the library, before and after initialize()', async () => {
    const o = orchestrator({ enableEventLogging: true });
    expect(o.getEventBus().listEvents()).toEqual([]);
    expect(o.getEventBus().hasListeners('*')).toBe(false);
    expect(o.getEventBus().hasListeners('resource:allocated')).toBe(false);
    await o.initialize();
    expect(o.getEventBus().listEvents()).toEqual([]);
  });

  it('removeAllListeners() stops neither the memory_usage gauge nor the event counters', async () => {
    const o = orchestrator();
    await o.initialize();
    expect(counters(o)['events.engine:ready']).toBe(1);
    o.getEventBus().on('resource:allocated', () => {});
    o.getEventBus().removeAllListeners();
    const resources = o.getResourceManager();
    const handle = await resources.allocate(4096, 'buffer');
    expect(gauge(o)).toBe(4096);
    expect(counters(o)['events.resource:allocated']).toBe(1);
    await resources.free(handle);
    expect(gauge(o)).toBe(0);
    expect(counters(o)['events.resource:freed']).toBe(1);
  });

  it('a user bus with only the spec’s seven methods gets event logging, counters, the gauge and every event', async () => {
    const bus = new SpecShapedBus();
    const { logger, debug } = recordingLogger();
    const seen: string[] = [];
    bus.on('engine:ready', () => void seen.push('engine:ready'));
    bus.on('orchestrator:initialized', () => void seen.push('orchestrator:initialized'));
    const o = orchestrator({ eventBus: bus, enableEventLogging: true, logger });
    expect(o.getEventBus()).toBe(bus);
    await o.initialize();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual(['engine:ready', 'orchestrator:initialized']);
    expect(debug).toEqual(expect.arrayContaining(['[event] engine:ready', '[event] orchestrator:initialized']));
    // Nothing of ours subscribed to the user's bus (no '*' it does not know).
    expect([...bus.handlers.keys()].sort()).toEqual(['engine:ready', 'orchestrator:initialized']);
    const handle = await o.getResourceManager().allocate(1000, 'buffer');
    expect(gauge(o)).toBe(1000);
    expect(counters(o)['events.resource:allocated']).toBe(1);
    expect(debug).toContain('[event] resource:allocated');
    await o.getResourceManager().free(handle);
    expect(gauge(o)).toBe(0);
  });

  it('with enableEventLogging: false nothing is logged, and counting still works', async () => {
    const { logger, debug } = recordingLogger();
    const o = orchestrator({ logger });
    await o.initialize();
    expect(debug.filter((line) => line.startsWith('[event]'))).toEqual([]);
    expect(counters(o)['events.orchestrator:initialized']).toBe(1);
  });
});
