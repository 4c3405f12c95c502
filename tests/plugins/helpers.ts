/** Small builders shared by the plugin tests: no-op plugins and an event recorder. */
import type { EventBus } from '../../src/events/EventBus.js';
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
