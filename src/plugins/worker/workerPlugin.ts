/**
 * `workerPlugin(declaration)`: the typed way to declare a plugin whose hooks run
 * in a worker of its own. The declaration is the plugin's data plus `module`,
 * the ES module (absolute path or URL) that exports its hooks:
 *
 * ```ts
 * // heavy.plugin.js
 * export default { async initialize(context) {}, async execute(action, params, context) {}, async dispose() {} };
 * // host
 * await orchestrator.registerPlugin(workerPlugin({
 *   name: 'heavy', version: '1.0.0', description: 'crunches', capabilities: ['crunch'],
 *   permissions: ['engine:read'], timeoutMs: 5_000,
 *   module: new URL('./heavy.plugin.js', import.meta.url).href,
 * }));
 * ```
 */
import { DEFAULT_TIMEOUT_MS } from '../PluginRegistry.js';
import type { DataPrismPlugin } from '../types.js';
import { workerHooks } from './PluginWorkerHost.js';

/** A worker plugin's declaration: a plugin's data without hooks, plus the module that has them. */
export type WorkerPluginDeclaration = Omit<DataPrismPlugin, 'initialize' | 'execute' | 'dispose' | 'isolation' | 'module'> & {
  /** Absolute path or URL of the ES module whose default export (or `plugin` export) has the hooks. */
  readonly module: string;
};

/** A plugin with `isolation: 'worker'`; its hooks run `declaration.module` in a worker of its own. */
export function workerPlugin(declaration: WorkerPluginDeclaration): DataPrismPlugin {
  const timeoutMs = declaration.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return { ...declaration, isolation: 'worker', ...workerHooks({ name: declaration.name, module: declaration.module, timeoutMs }) };
}
