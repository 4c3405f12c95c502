// Property: for any DAG and any set of plugins whose initialize fails, initializeAll
// starts a plugin only after all its dependencies finished, never starts a plugin
// that (transitively) needs a failed one, and initializes every other plugin.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { PluginRegistry } from '../../src/plugins/index.js';
import { dep, testPlugin } from './helpers.js';

const dagArbitrary = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.record({
    deps: fc.tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => j), { maxLength: Math.min(3, i) }))),
    failing: fc.subarray(Array.from({ length: n }, (_, i) => i), { maxLength: Math.min(2, n) }),
    concurrency: fc.integer({ min: 1, max: 4 }),
    order: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
  }),
);

test('initializeAll respects dependencies and isolates failures, for any DAG', async () => {
  await fc.assert(
    fc.asyncProperty(dagArbitrary, async ({ deps, failing, concurrency, order }) => {
      const registry = new PluginRegistry({ maxConcurrency: concurrency });
      const log: string[] = [];
      // Registered in a random order: dependencies may come after their dependents.
      for (const i of order) {
        await registry.register(
          testPlugin(`p${i}`, {
            dependencies: deps[i]!.map((j) => dep(`p${j}`)),
            initialize: async () => {
              log.push(`start p${i}`);
              await new Promise((r) => setTimeout(r, (i * 7) % 3));
              log.push(`end p${i}`);
              if (failing.includes(i)) throw new Error(`p${i} fails`);
            },
          }),
        );
      }
      const report = await registry.initializeAll({ onFailure: 'report' });
      const doomed = new Set<number>(failing);
      for (let i = 0; i < deps.length; i++) if (deps[i]!.some((j) => doomed.has(j))) doomed.add(i);
      for (let i = 0; i < deps.length; i++) {
        const started = log.indexOf(`start p${i}`);
        if (doomed.has(i) && !failing.includes(i)) expect(started).toBe(-1);
        for (const j of deps[i]!) if (started >= 0) expect(log.indexOf(`end p${j}`)).toBeLessThan(started);
        expect(registry.stateOf(`p${i}`)).toBe(doomed.has(i) ? 'error' : 'initialized');
      }
      expect(report.initialized.length + report.failed.length).toBe(deps.length);
      await registry.shutdownAll();
      expect(registry.list()).toEqual([]);
    }),
    { numRuns: 40 },
  );
});
