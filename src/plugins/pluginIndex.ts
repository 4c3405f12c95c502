/**
 * The registered plugins by name, with the two reverse indexes the registry's
 * questions need without scanning every plugin: who declares a dependency on a
 * name (registered or not yet), and which plugins answer an action. Answers
 * the graph questions (dependencies, dependents, cycles) and the conflict and
 * resolution checks of `checkConflicts` / `resolveDependencies`.
 */
import type { ValidationIssue, ValidationResult } from '../errors/ValidationError.js';
import { findCycle, formatCycle } from './dependencyGraph.js';
import type { Entry } from './pluginEntry.js';
import type { DataPrismPlugin } from './types.js';
import { satisfiesRange } from './versions.js';

function addTo(index: Map<string, Set<string>>, key: string, name: string): void {
  const set = index.get(key);
  if (set) set.add(name);
  else index.set(key, new Set([name]));
}

function deleteFrom(index: Map<string, Set<string>>, key: string, name: string): void {
  const set = index.get(key);
  set?.delete(name);
  if (set?.size === 0) index.delete(key);
}

export class PluginIndex {
  private readonly entries = new Map<string, Entry>();
  /** dependency name → names of registered plugins that declare it (registered or not yet). */
  private readonly declaredBy = new Map<string, Set<string>>();
  /** action → names of registered plugins answering it (for conflict checks without scanning every plugin). */
  private readonly actionOwners = new Map<string, Set<string>>();

  get size(): number {
    return this.entries.size;
  }

  get(name: string): Entry | undefined {
    return this.entries.get(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): IterableIterator<string> {
    return this.entries.keys();
  }

  values(): IterableIterator<Entry> {
    return this.entries.values();
  }

  /** True when `entry` is the one registered under its name (not one unregistered meanwhile). */
  isCurrent(entry: Entry): boolean {
    return this.entries.get(entry.plugin.name) === entry;
  }

  add(entry: Entry): void {
    const name = entry.plugin.name;
    this.entries.set(name, entry);
    for (const action of entry.actions) addTo(this.actionOwners, action, name);
    for (const dep of entry.plugin.dependencies ?? []) addTo(this.declaredBy, dep.name, name);
  }

  /** Removes `entry` if it is the registered one; false when it was not. */
  delete(entry: Entry): boolean {
    if (!this.isCurrent(entry)) return false;
    const name = entry.plugin.name;
    this.entries.delete(name);
    for (const action of entry.actions) deleteFrom(this.actionOwners, action, name);
    for (const dep of entry.plugin.dependencies ?? []) deleteFrom(this.declaredBy, dep.name, name);
    return true;
  }

  /** Names of the plugins declaring `name` as a dependency, registered or not. */
  declaring(name: string): ReadonlySet<string> {
    return this.declaredBy.get(name) ?? new Set();
  }

  /** Dependencies of a registered plugin that are registered too. */
  dependencyNames(name: string): string[] {
    const deps = this.entries.get(name)?.plugin.dependencies;
    if (!deps) return [];
    const names: string[] = [];
    for (const d of deps) if (this.entries.has(d.name)) names.push(d.name);
    return names;
  }

  /** Registered plugins that declare `name` as a dependency. */
  registeredDependents(name: string): string[] {
    const set = this.declaredBy.get(name);
    if (!set) return [];
    const names: string[] = [];
    for (const d of set) if (this.entries.has(d)) names.push(d);
    return names;
  }

  /** The dependency cycle registering `plugin` would close, or null. */
  cycleThrough(plugin: DataPrismPlugin): string[] | null {
    // With no registered plugin naming it as a dependency, no cycle can pass through it.
    if ((this.declaredBy.get(plugin.name)?.size ?? 0) === 0) return null;
    // Declared names, registered or not: the edge back to `plugin` is to a name not registered yet.
    return findCycle(plugin.name, (n) =>
      (n === plugin.name ? plugin.dependencies ?? [] : this.entries.get(n)?.plugin.dependencies ?? []).map((d) => d.name),
    );
  }

  /** What `resolveDependencies(plugin)` complains about: missing or mismatched dependencies, a cycle. */
  unresolved(plugin: DataPrismPlugin): string[] {
    const problems: string[] = [];
    for (const dep of plugin.dependencies ?? []) {
      const found = this.entries.get(dep.name);
      if (!found) {
        if (!dep.optional) problems.push(`'${dep.name}' (${dep.range}) is not registered; register it first`);
      } else if (!satisfiesRange(found.plugin.version, dep.range)) {
        problems.push(`'${dep.name}' is at ${found.plugin.version}, which does not satisfy ${dep.range}`);
      }
    }
    const cycle = this.cycleThrough(plugin);
    if (cycle) problems.push(`dependency cycle ${formatCycle(cycle)}`);
    return problems;
  }

  /** See `PluginRegistry.checkConflicts`. */
  conflicts(plugin: DataPrismPlugin, actionConflicts: 'warn' | 'error'): ValidationResult {
    const errors: ValidationIssue[] = [];
    const warnings: ValidationIssue[] = [];
    const existing = this.entries.get(plugin.name);
    if (existing) {
      errors.push({
        path: 'name',
        message: `a plugin named '${plugin.name}' (version ${existing.plugin.version}) is already registered; unregister it first or pick another name`,
      });
    }
    (plugin.dependencies ?? []).forEach((dep, i) => {
      const found = this.entries.get(dep.name);
      if (found && !satisfiesRange(found.plugin.version, dep.range)) {
        errors.push({
          path: `dependencies[${i}]`,
          message: `needs '${dep.name}' ${dep.range}, but version ${found.plugin.version} is registered`,
        });
      }
    });
    for (const dependentName of this.declaredBy.get(plugin.name) ?? []) {
      const dependent = this.entries.get(dependentName);
      const dep = dependent?.plugin.dependencies?.find((d) => d.name === plugin.name);
      if (dep && !satisfiesRange(plugin.version, dep.range)) {
        errors.push({
          path: 'version',
          message: `registered plugin '${dependentName}' needs '${plugin.name}' ${dep.range}, which ${plugin.version} does not satisfy`,
        });
      }
    }
    for (const [action, other, count] of this.actionClashes(plugin)) {
      const others = count > 1 ? ` and ${count - 1} other plugin${count > 2 ? 's' : ''}` : '';
      const issue = {
        path: 'capabilities',
        message: `action '${action}' is also answered by plugin '${other}'${others}; call it as execute('${plugin.name}', '${action}', ...)`,
      };
      if (actionConflicts === 'error') errors.push(issue);
      else warnings.push(issue);
    }
    return { valid: errors.length === 0, errors, warnings };
  }

  /** The registered names for an error message: all of them when few, none when many. */
  knownNames(): string {
    if (this.entries.size === 0) return ' (none is)';
    if (this.entries.size > 10) return '';
    return ` (registered: ${[...this.entries.keys()].join(', ')})`;
  }

  /** Per clashing action: one other plugin answering it, and how many do in all (O(1) per action). */
  private actionClashes(plugin: DataPrismPlugin): [action: string, other: string, count: number][] {
    const clashes: [string, string, number][] = [];
    for (const action of plugin.capabilities) {
      const owners = this.actionOwners.get(action);
      if (!owners) continue;
      const count = owners.size - (owners.has(plugin.name) ? 1 : 0);
      if (count === 0) continue;
      for (const owner of owners) {
        if (owner === plugin.name) continue;
        clashes.push([action, owner, count]);
        break;
      }
    }
    return clashes;
  }
}
