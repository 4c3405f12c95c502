/** Small builders shared by the plugin tests: no-op plugins and an event recorder. */
import { createErrorHandler, createStandaloneRecoveryHost, type RecoveryStrategy } from '../../src/errors/index.js';
import { createEventBus, type EventBus } from '../../src/events/EventBus.js';
import type { Logger } from '../../src/events/types.js';
import { PluginRegistry } from '../../src/plugins/PluginRegistry.js';
import type { DataPrismPlugin, PluginContext, PluginDependency } from '../../src/plugins/types.js';

export interface TestPluginOptions extends Partial<Omit<DataPrismPlugin, 'initialize' | 'execute' | 'dispose'>> {
  initialize?: (context: PluginContext) => void | Promise<void>;
  execute?: (action: string, params: unknown, context: PluginContext) => unknown;
  dispose?: () => void | Promise<void>;
}

/** A plugin that does nothing unless told to. */
export function testPlugin(name: string, options: TestPluginOptions = {}): DataPrismPlugin {
  return {
    name,
    version: options.version ?? '1.0.0',
    description: options.description ?? `test plugin ${name}`,
    dependencies: options.dependencies ?? [],
    capabilities: options.capabilities ?? ['run'],
    permissions: options.permissions ?? [],
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.configSchema === undefined ? {} : { configSchema: options.configSchema }),
    initialize: options.initialize ?? (() => undefined),
    execute: options.execute ?? ((action, params) => ({ action, params })),
    dispose: options.dispose ?? (() => undefined),
  };
}

/** Shorthand for a required dependency. */
export function dep(name: string, range = '^1.0.0', optional = false): PluginDependency {
  return { name, range, optional };
}

/** Records every event of the bus as `type name` strings (plus payloads). */
export function recordEvents(bus: EventBus): { log: string[]; payloads: { type: string; data: Record<string, unknown> }[] } {
  const log: string[] = [];
  const payloads: { type: string; data: Record<string, unknown> }[] = [];
  bus.on('*', (raw: unknown, type: string) => {
    const data = raw as Record<string, unknown> | undefined;
    log.push(`${type} ${String(data?.name ?? '')}`);
    payloads.push({ type, data: data ?? {} });
  });
  return { log, payloads };
}

/** A promise plus its resolver, to hold a hook open. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A registry whose plugin errors go to a real ErrorHandler that restarts or retries through real recovery actors. */
export function supervised(options: { maxConcurrency: number; timeoutMs?: number; strategies?: RecoveryStrategy[] }): { registry: PluginRegistry; errors: ReturnType<typeof createErrorHandler>; bus: EventBus } {
  const bus = createEventBus();
  const holder: { registry?: PluginRegistry } = {};
  const host = createStandaloneRecoveryHost({
    bus,
    logger: quiet,
    restartPlugin: (name, request) => holder.registry!.restartForRecovery(name, request),
    restartLog: (name) => holder.registry!.restartLog(name),
    dependentsOf: (name) => holder.registry!.dependentsOf(name),
    pluginState: (name) => holder.registry!.stateOf(name),
  });
  const errors = createErrorHandler({ host, bus, logger: quiet, ...(options.strategies ? { strategies: options.strategies } : {}) });
  const registry = new PluginRegistry({
    bus,
    errors,
    logger: quiet,
    maxConcurrency: options.maxConcurrency,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  holder.registry = registry;
  return { registry, errors, bus };
}
