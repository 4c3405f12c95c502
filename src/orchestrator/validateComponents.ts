/**
 * Checks the components a user hands the orchestrator (`eventBus`, `errorHandler`,
 * `pluginRegistry`) at construction: each either works fully or is refused here
 * with a ValidationError naming what is missing — never a TypeError deep inside a
 * later call.
 */
import { ValidationError, type ValidationIssue } from '../errors/ValidationError.js';
import { PluginRegistry } from '../plugins/PluginRegistry.js';
import type { OrchestratorOptions } from './options.js';

/** The spec's EventBus methods: a user bus needs exactly these. */
const EVENT_BUS_METHODS = ['on', 'off', 'once', 'emit', 'listEvents', 'hasListeners', 'removeAllListeners'] as const;
/** The spec's ErrorHandler methods: a user handler may give any subset of them. */
const ERROR_HANDLER_METHODS = ['handle', 'recover', 'categorize', 'report'] as const;
/** The spec's PluginRegistry methods. */
const SPEC_REGISTRY_METHODS = ['register', 'unregister', 'get', 'list', 'resolveDependencies', 'checkConflicts', 'initializeAll', 'shutdownAll'] as const;
/** What the orchestrator also needs of a registry: binding to its actors and engine, running, restarting and asking plugins. */
const RUNTIME_REGISTRY_METHODS = ['attach', 'execute', 'restart', 'stateOf', 'dependentsOf'] as const;

/** Throws a ValidationError listing every problem of the user-supplied components in `options` (`enablePlugins`: the option in effect). */
export function validateComponents(options: OrchestratorOptions, enablePlugins: boolean): void {
  const issues: ValidationIssue[] = [];
  const { eventBus, errorHandler, pluginRegistry } = options as Record<string, unknown>;
  if (eventBus !== undefined) {
    issues.push(...missingMethods('eventBus', eventBus, EVENT_BUS_METHODS, "the spec's EventBus methods"));
  }
  if (errorHandler !== undefined) {
    if (!isObject(errorHandler)) issues.push({ path: 'errorHandler', message: `must be an object with any of ${ERROR_HANDLER_METHODS.join(', ')}, got ${describe(errorHandler)}` });
    else {
      for (const name of ERROR_HANDLER_METHODS) {
        const method = (errorHandler as Record<string, unknown>)[name];
        if (method !== undefined && typeof method !== 'function') issues.push({ path: `errorHandler.${name}`, message: `must be a function when given, got ${describe(method)}` });
      }
    }
  }
  if (pluginRegistry !== undefined && !(pluginRegistry instanceof PluginRegistry)) {
    const spec = missingMethods('pluginRegistry', pluginRegistry, SPEC_REGISTRY_METHODS, "the spec's PluginRegistry methods");
    const runtime = isObject(pluginRegistry) ? missingMethods('pluginRegistry', pluginRegistry, RUNTIME_REGISTRY_METHODS, '') : [];
    issues.push(...spec);
    if (runtime.length > 0) {
      issues.push({
        path: 'pluginRegistry',
        message: `lacks ${runtime.map((i) => `${i.path.slice('pluginRegistry.'.length)}()`).join(', ')}, which the orchestrator runs plugins through; pass a PluginRegistry from @dataprism/orchestration (register your plugins on it), or omit the option`,
      });
    }
  }
  if (pluginRegistry instanceof PluginRegistry && !enablePlugins && pluginRegistry.list().length > 0) {
    issues.push({
      path: 'pluginRegistry',
      message: `holds plugins (${pluginRegistry.list().map((p) => p.name).join(', ')}) but enablePlugins is false, so none of their hooks may run; pass an empty registry or enablePlugins: true`,
    });
  }
  if (issues.length > 0) {
    throw ValidationError.fromResult('the orchestrator options', { valid: false, errors: issues, warnings: [] }, { component: 'orchestrator' });
  }
}

function missingMethods(path: string, value: unknown, names: readonly string[], what: string): ValidationIssue[] {
  if (!isObject(value)) return [{ path, message: `must be an object with ${what}, got ${describe(value)}` }];
  return names
    .filter((name) => typeof (value as Record<string, unknown>)[name] !== 'function')
    .map((name) => ({ path: `${path}.${name}`, message: 'is missing (must be a function)' }));
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
