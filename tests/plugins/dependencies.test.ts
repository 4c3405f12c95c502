// Dependency resolution and ordering: diamonds, optional, missing, version mismatch, cycles, parallel order.
import { describe, expect, test } from 'vitest';
import { findCycle, formatCycle, PluginRegistry, topologicalOrder } from '../../src/plugins/index.js';
import { PluginError } from '../../src/errors/PluginError.js';
import { dep, gate, testPlugin } from './helpers.js';

describe('graph algorithms', () => {
  test('findCycle returns the path of the cycle', () => {
    const graph: Record<string, string[]> = { a: ['b'], b: ['c', 'd'], c: ['a'], d: [] };
    expect(formatCycle(findCycle('a', (n) => graph[n] ?? [])!)).toBe('a → b → c → a');
    expect(findCycle('d', (n) => graph[n] ?? [])).toBeNull();
  });

  test('topologicalOrder puts dependencies first and reports blocked nodes', () => {
    const graph: Record<string, string[]> = { top: ['l', 'r'], l: ['base'], r: ['base'], base: [], x: ['y'], y: ['x'] };
    const { order, blocked } = topologicalOrder(Object.keys(graph), (n) => graph[n] ?? []);
    expect(order.indexOf('base')).toBeLessThan(order.indexOf('l'));
    expect(order.indexOf('l')).toBeLessThan(order.indexOf('top'));
    expect(order.indexOf('r')).toBeLessThan(order.indexOf('top'));
    expect(blocked.sort()).toEqual(['x', 'y']);
  });
});

describe('resolveDependencies', () => {
  test('reports missing and mismatched dependencies; optional ones may be absent', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('base', { version: '1.5.0' }));
    const plugin = testPlugin('p', {
      dependencies: [dep('base', '^2.0.0'), dep('ghost', '^1.0.0'), dep('maybe', '^1.0.0', true)],
    });
    const error = await registry.resolveDependencies(plugin).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/'base' is at 1\.5\.0, which does not satisfy \^2\.0\.0/);
    expect((error as Error).message).toMatch(/'ghost' \(\^1\.0\.0\) is not registered/);
    expect((error as Error).message).not.toMatch(/maybe/);
    await expect(registry.resolveDependencies(testPlugin('q', { dependencies: [dep('base', '~1.5'), dep('maybe', '^1', true)] }))).resolves.toBeUndefined();
  });

  test('finds a cycle through an unregistered plugin with its path', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('a', { dependencies: [dep('b')] }));
    await registry.register(testPlugin('b', { dependencies: [dep('c')] }));
    await expect(registry.resolveDependencies(testPlugin('c', { dependencies: [dep('a')] }))).rejects.toThrow('c → a → b → c');
  });
});

describe('initializeAll', () => {
  test('a diamond initializes in dependency order, independent plugins in parallel', async () => {
    const log: string[] = [];
    const registry = new PluginRegistry({ maxConcurrency: 4 });
    const held = gate();
    const plugin = (name: string, deps: string[]) =>
      testPlugin(name, {
        dependencies: deps.map((d) => dep(d)),
        initialize: async () => {
          log.push(`start ${name}`);
          // left and right wait for each other's start: only possible if they run in parallel.
          if (name === 'left' || name === 'right') {
            if (log.includes('start left') && log.includes('start right')) held.open();
            await held.promise;
          }
          await new Promise((r) => setTimeout(r, 5));
          log.push(`end ${name}`);
        },
      });
    // Registered in reverse order on purpose: order comes from dependencies, not registration.
    await registry.register(plugin('top', ['left', 'right']));
    await registry.register(plugin('left', ['base']));
    await registry.register(plugin('right', ['base']));
    await registry.register(plugin('base', []));
    const report = await registry.initializeAll({ onFailure: 'report' });
    expect(report.failed).toEqual([]);
    expect(report.initialized.sort()).toEqual(['base', 'left', 'right', 'top']);
    const at = (entry: string) => log.indexOf(entry);
    expect(at('end base')).toBeLessThan(at('start left'));
    expect(at('end base')).toBeLessThan(at('start right'));
    expect(at('end left')).toBeLessThan(at('start top'));
    expect(at('end right')).toBeLessThan(at('start top'));
    expect(at('start right')).toBeLessThan(at('end left'));
    expect(registry.list().every((p) => p.state === 'initialized')).toBe(true);
    await registry.shutdownAll();
  });

  test('never runs more initializations at once than maxConcurrency', async () => {
    const registry = new PluginRegistry({ maxConcurrency: 3 });
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 12; i++) {
      await registry.register(
        testPlugin(`p${i}`, {
          initialize: async () => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, 2));
            running--;
          },
        }),
      );
    }
    await registry.initializeAll();
    expect(peak).toBe(3);
    await registry.shutdownAll();
  });

  test('a missing dependency fails its plugin and the plugins that need it, nothing else', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('lonely'));
    await registry.register(testPlugin('needsGhost', { dependencies: [dep('ghost')] }));
    await registry.register(testPlugin('needsNeedsGhost', { dependencies: [dep('needsGhost')] }));
    await registry.register(testPlugin('optionalGhost', { dependencies: [dep('ghost', '^1', true)] }));
    const report = await registry.initializeAll({ onFailure: 'report' });
    expect(report.initialized.sort()).toEqual(['lonely', 'optionalGhost']);
    const failures = Object.fromEntries(report.failed.map((f) => [f.name, f.error.message]));
    expect(failures.needsGhost).toMatch(/needs plugin 'ghost'.*not registered/);
    expect(failures.needsNeedsGhost).toMatch(/dependency 'needsGhost' failed/);
    expect(registry.stateOf('needsGhost')).toBe('error');
    expect(registry.stateOf('needsNeedsGhost')).toBe('error');
    await registry.shutdownAll();
  });

  test('a failing plugin fails only its dependents, with a PluginError naming it', async () => {
    const registry = new PluginRegistry();
    const started: string[] = [];
    const mk = (name: string, deps: string[], fail = false) =>
      testPlugin(name, {
        dependencies: deps.map((d) => dep(d)),
        initialize: () => {
          started.push(name);
          if (fail) throw new Error(`${name} cannot start`);
        },
      });
    await registry.register(mk('base', []));
    await registry.register(mk('broken', ['base'], true));
    await registry.register(mk('sibling', ['base']));
    await registry.register(mk('child', ['broken']));
    await registry.register(mk('grandchild', ['child', 'sibling']));
    const report = await registry.initializeAll({ onFailure: 'report' });
    expect(report.initialized.sort()).toEqual(['base', 'sibling']);
    expect(started).not.toContain('child');
    expect(started).not.toContain('grandchild');
    const byName = Object.fromEntries(report.failed.map((f) => [f.name, f.error]));
    expect(byName.broken).toBeInstanceOf(PluginError);
    expect(byName.broken!.message).toMatch(/broken cannot start/);
    expect(byName.child).toBeInstanceOf(PluginError);
    expect(byName.child!.message).toMatch(/dependency 'broken' failed/);
    expect(byName.grandchild!.message).toMatch(/dependency 'child' failed/);
    expect(registry.stateOf('grandchild')).toBe('error');
    expect(registry.dependentsOf('broken')).toEqual(['child', 'grandchild']);
    await registry.shutdownAll();
  });

  test('a version mismatch that appears later fails at initialize', async () => {
    const registry = new PluginRegistry();
    await registry.register(testPlugin('p', { dependencies: [dep('lib', '^2.0.0')] }));
    // Registering lib@1 is refused: p already needs ^2.
    await expect(registry.register(testPlugin('lib', { version: '1.0.0' }))).rejects.toThrow(/needs 'lib' \^2\.0\.0/);
    await registry.register(testPlugin('lib', { version: '2.1.0' }));
    const report = await registry.initializeAll({ onFailure: 'report' });
    expect(report.initialized).toEqual(['lib', 'p']);
    await registry.shutdownAll();
  });

  test('shutdownAll disposes dependents before their dependencies, even when a dispose throws', async () => {
    const registry = new PluginRegistry();
    const disposed: string[] = [];
    const mk = (name: string, deps: string[], fail = false) =>
      testPlugin(name, {
        dependencies: deps.map((d) => dep(d)),
        dispose: () => {
          disposed.push(name);
          if (fail) throw new Error(`${name} dispose failed`);
        },
      });
    await registry.register(mk('base', []));
    await registry.register(mk('mid', ['base'], true));
    await registry.register(mk('top', ['mid']));
    await registry.register(mk('side', ['base']));
    await registry.initializeAll();
    await registry.shutdownAll();
    expect(disposed.indexOf('top')).toBeLessThan(disposed.indexOf('mid'));
    expect(disposed.indexOf('mid')).toBeLessThan(disposed.indexOf('base'));
    expect(disposed.indexOf('side')).toBeLessThan(disposed.indexOf('base'));
    expect(disposed).toHaveLength(4);
    expect(registry.list()).toEqual([]);
  });
});
