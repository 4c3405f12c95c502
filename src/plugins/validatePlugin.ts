/**
 * Checks that a value is a well-formed DataPrismPlugin: every problem is listed
 * with its field, so one call tells a plugin author everything to fix.
 */
import type { ValidationIssue, ValidationResult } from '../errors/ValidationError.js';
import { RESERVED_NAMESPACES, reservedNamespaceOf } from '../events/reservedNamespaces.js';
import { compileConfigSchema } from './configSchema.js';
import { PLUGIN_PERMISSIONS, type DataPrismPlugin } from './types.js';
import { workerModuleUrl } from './worker/PluginWorkerHost.js';
import { isValidRange, isValidVersion } from './versions.js';

/** Names end up in actor ids and event namespaces, so they stay simple. */
export const PLUGIN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const HOOKS = ['initialize', 'execute', 'dispose'] as const;

/** Validates `value` as a plugin. Never throws; `valid` is false when `errors` is not empty. */
export function validatePlugin(value: unknown): ValidationResult {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const issue = (path: string, message: string) => errors.push({ path, message });

  if (typeof value !== 'object' || value === null) {
    issue('', `a plugin must be an object, got ${value === null ? 'null' : typeof value}`);
    return { valid: false, errors, warnings };
  }
  const p = value as Partial<Record<keyof DataPrismPlugin, unknown>>;

  if (typeof p.name !== 'string' || !PLUGIN_NAME_PATTERN.test(p.name)) {
    issue('name', `must be a non-empty string of letters, digits, '.', '_' or '-' starting with a letter or digit, got ${JSON.stringify(p.name)}`);
  } else {
    checkReservedName(p.name, issue);
  }
  if (typeof p.version !== 'string' || !isValidVersion(p.version)) {
    issue('version', `must be a semver version such as '1.0.0', got ${JSON.stringify(p.version)}`);
  }
  if (typeof p.description !== 'string') {
    issue('description', `must be a string saying what the plugin does, got ${typeof p.description}`);
  } else if (p.description.trim() === '') {
    warnings.push({ path: 'description', message: 'is empty' });
  }

  checkDependencies(p.dependencies, typeof p.name === 'string' ? p.name : undefined, issue);
  checkCapabilities(p.capabilities, issue);
  checkPermissions(p.permissions, issue);

  if (p.timeoutMs !== undefined && !(typeof p.timeoutMs === 'number' && p.timeoutMs > 0 && Number.isFinite(p.timeoutMs))) {
    issue('timeoutMs', `must be a positive, finite number of milliseconds, got ${String(p.timeoutMs)}`);
  }
  if (p.configSchema !== undefined) {
    if (typeof p.configSchema !== 'object' || p.configSchema === null || Array.isArray(p.configSchema)) {
      issue('configSchema', 'must be a JSON schema object');
    } else {
      const compiled = compileConfigSchema(p.configSchema as Record<string, unknown>);
      if (typeof compiled === 'string') issue('configSchema', `is not a valid JSON schema: ${compiled}`);
    }
  }
  if (p.isolation !== undefined && p.isolation !== 'inProcess' && p.isolation !== 'worker') {
    issue('isolation', `must be 'inProcess' or 'worker', got ${JSON.stringify(p.isolation)}`);
  }
  if (p.isolation === 'worker') {
    // Its hooks come from the module, run in the worker.
    if (typeof p.module !== 'string' || workerModuleUrl(p.module) === undefined) {
      issue(
        'module',
        `with isolation 'worker' must be an absolute path or a URL of an ES module exporting the plugin's hooks (such as new URL('./my-plugin.js', import.meta.url).href), got ${JSON.stringify(p.module)}`,
      );
    }
    return { valid: errors.length === 0, errors, warnings };
  }
  if (p.module !== undefined) warnings.push({ path: 'module', message: "is only used with isolation: 'worker'" });
  for (const hook of HOOKS) {
    if (typeof p[hook] !== 'function') issue(hook, `must be a function (the plugin's ${hook} hook), got ${typeof p[hook]}`);
  }
  return { valid: errors.length === 0, errors, warnings };
}

// A plugin emits `<name>:*`; under a library namespace its events would pass for the library's own.
function checkReservedName(name: string, issue: (path: string, message: string) => void): void {
  const reserved = reservedNamespaceOf(name);
  if (reserved === undefined) return;
  issue(
    'name',
    `'${name}' is reserved: the library emits its own '${reserved}:*' events, and a plugin of that name could forge them; ` +
      `pick another name (such as 'my-${reserved}'); reserved names are ${RESERVED_NAMESPACES.join(', ')}`,
  );
}

function checkDependencies(deps: unknown, self: string | undefined, issue: (path: string, message: string) => void): void {
  if (deps === undefined) return;
  if (!Array.isArray(deps)) {
    issue('dependencies', 'must be an array of { name, range, optional? }');
    return;
  }
  const seen = new Set<string>();
  deps.forEach((d: unknown, i) => {
    const path = `dependencies[${i}]`;
    if (typeof d !== 'object' || d === null) {
      issue(path, 'must be an object { name, range, optional? }');
      return;
    }
    const dep = d as Record<string, unknown>;
    if (typeof dep.name !== 'string' || !PLUGIN_NAME_PATTERN.test(dep.name)) {
      issue(`${path}.name`, `must be a plugin name, got ${JSON.stringify(dep.name)}`);
    } else {
      if (dep.name === self) issue(`${path}.name`, 'a plugin cannot depend on itself');
      if (seen.has(dep.name)) issue(`${path}.name`, `'${dep.name}' is listed twice; merge the two entries`);
      seen.add(dep.name);
    }
    if (typeof dep.range !== 'string' || !isValidRange(dep.range)) {
      issue(`${path}.range`, `must be a semver range such as '^1.0.0', got ${JSON.stringify(dep.range)}`);
    }
    if (dep.optional !== undefined && typeof dep.optional !== 'boolean') {
      issue(`${path}.optional`, `must be a boolean, got ${typeof dep.optional}`);
    }
  });
}

function checkCapabilities(caps: unknown, issue: (path: string, message: string) => void): void {
  if (!Array.isArray(caps)) {
    issue('capabilities', 'must be an array of the action names the plugin answers');
    return;
  }
  const seen = new Set<string>();
  caps.forEach((c: unknown, i) => {
    if (typeof c !== 'string' || c.trim() === '') {
      issue(`capabilities[${i}]`, `must be a non-empty action name, got ${JSON.stringify(c)}`);
    } else if (seen.has(c)) {
      issue(`capabilities[${i}]`, `action '${c}' is declared twice`);
    } else {
      seen.add(c);
    }
  });
}

function checkPermissions(perms: unknown, issue: (path: string, message: string) => void): void {
  if (perms === undefined) return;
  if (!Array.isArray(perms)) {
    issue('permissions', `must be an array of ${PLUGIN_PERMISSIONS.join(', ')}`);
    return;
  }
  perms.forEach((perm: unknown, i) => {
    if (!PLUGIN_PERMISSIONS.includes(perm as never)) {
      issue(`permissions[${i}]`, `unknown permission ${JSON.stringify(perm)}; use one of ${PLUGIN_PERMISSIONS.join(', ')}`);
    }
  });
}
