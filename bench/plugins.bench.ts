/**
 * What the plugin runtime costs.
 *
 * - lifecycle: register + initializeAll + shutdownAll of N no-op plugins in a
 *   random DAG (each depends on up to 3 earlier ones, registered dependencies
 *   first), every plugin a real actor. The 1k row is compared with calling the
 *   same hooks directly in a Kahn order (no actors, no registry); the 10k row
 *   with 10 × our 1k time, i.e. with linear scaling. Targets: 10k ≤ 3 s and
 *   time(10k) / time(1k) ≤ 12.
 * - execute: `registry.execute(name, action, params)` against awaiting the
 *   plugin's own `execute` directly, per call. Target: ≤ 50 µs added per call.
 *   Once sequentially (a slot always free) and once with 8 callers on 2 slots,
 *   where most calls wait in the supervisor's queue (two supervisor events a call).
 *
 * Run alone: `npx tsx bench/plugins.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { PluginRegistry } from '../src/plugins/PluginRegistry.js';
import { topologicalOrder } from '../src/plugins/dependencyGraph.js';
import type { DataPrismPlugin, PluginContext } from '../src/plugins/types.js';
import { compareMs, formatTable, medianMs, type BenchRow } from './harness.js';
import { seededRandom } from '../machines/random.js';

function noopPlugin(name: string, dependencies: string[]): DataPrismPlugin {
  return {
    name,
    version: '1.0.0',
    description: 'no-op',
    dependencies: dependencies.map((d) => ({ name: d, range: '^1.0.0' })),
    capabilities: ['run'],
    initialize() {},
    execute: (_action: string, params: unknown) => params,
    dispose() {},
  };
}

/** N plugins; plugin i depends on up to 3 distinct earlier plugins, chosen at random. */
function randomDag(n: number, seed = 42): DataPrismPlugin[] {
  const next = seededRandom(seed);
  const plugins: DataPrismPlugin[] = [];
  for (let i = 0; i < n; i++) {
    const deps = new Set<string>();
    const count = i === 0 ? 0 : Math.floor(next() * 4);
    for (let k = 0; k < count; k++) deps.add(`p${Math.floor(next() * i)}`);
    plugins.push(noopPlugin(`p${i}`, [...deps]));
  }
  return plugins;
}

async function lifecycle(plugins: DataPrismPlugin[]): Promise<void> {
  const registry = new PluginRegistry({ maxConcurrency: 4 });
  for (const p of plugins) await registry.register(p);
  const report = await registry.initializeAll();
  if (report.failed.length > 0) throw new Error(`bench: ${report.failed.length} plugins failed to initialize`);
  await registry.shutdownAll();
}

/** The same hooks, called directly in dependency order: what the work costs without the runtime. */
async function directLifecycle(plugins: DataPrismPlugin[]): Promise<void> {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const { order } = topologicalOrder(byName.keys(), (n) => (byName.get(n)!.dependencies ?? []).map((d) => d.name));
  for (const name of order) await byName.get(name)!.initialize({} as PluginContext);
  for (let i = order.length - 1; i >= 0; i--) await byName.get(order[i]!)!.dispose();
}

/** A per-call overhead row: µs per call of both sides, against the ≤ 50 µs target. */
function overheadRow(timed: { ours: number; baseline: number }, calls: number, name: string, baselineName: string): BenchRow {
  const ours = (timed.ours * 1000) / calls;
  const baseline = (timed.baseline * 1000) / calls;
  return { name, baselineName, ours, baseline, unit: 'µs/op', higherIsBetter: false, target: '≤ 50 µs added per call', met: ours - baseline <= 50 };
}

/** registry.execute against the plugin's own execute, µs per sequential call. */
async function executeOverhead(): Promise<BenchRow> {
  const registry = new PluginRegistry({ maxConcurrency: 4 });
  const plugin = noopPlugin('echo', []);
  await registry.register(plugin);
  await registry.initializeAll();
  const calls = 20_000;
  const context = {} as PluginContext;
  const timed = await compareMs(
    async () => {
      for (let i = 0; i < calls; i++) await registry.execute('echo', 'run', i);
    },
    async () => {
      for (let i = 0; i < calls; i++) await plugin.execute('run', i, context);
    },
    7,
    1,
  );
  await registry.shutdownAll();
  return overheadRow(timed, calls, 'registry.execute, one plugin, sequential calls', "awaiting the plugin's execute directly");
}

/** registry.execute with 8 callers at once on 2 slots, so most calls wait in the supervisor's queue: µs per call. */
async function queuedExecuteOverhead(): Promise<BenchRow> {
  const registry = new PluginRegistry({ maxConcurrency: 2 });
  const plugin = noopPlugin('echo', []);
  await registry.register(plugin);
  await registry.initializeAll();
  const calls = 20_000;
  const width = 8;
  const context = {} as PluginContext;
  const callers = async (call: (i: number) => Promise<unknown>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < calls) await call(next++);
      }),
    );
  };
  const timed = await compareMs(
    () => callers((i) => registry.execute('echo', 'run', i)),
    () => callers(async (i) => plugin.execute('run', i, context)),
    7,
    1,
  );
  await registry.shutdownAll();
  return overheadRow(timed, calls, 'registry.execute, 8 callers on 2 slots (queued by the supervisor)', "8 callers awaiting the plugin's execute directly");
}

export async function run(): Promise<BenchRow[]> {
  // The hot path first, before thousands of actors have grown the heap.
  const executeRow = await executeOverhead();
  const queuedRow = await queuedExecuteOverhead();
  const rows: BenchRow[] = [];
  const dag1k = randomDag(1_000);
  const dag10k = randomDag(10_000);

  const small = await compareMs(() => lifecycle(dag1k), () => directLifecycle(dag1k), 5, 1);
  rows.push({
    name: 'register + initializeAll + shutdownAll, 1k plugins (random DAG)',
    baselineName: 'the same hooks called directly in Kahn order',
    ours: small.ours,
    baseline: small.baseline,
    unit: 'ms',
    higherIsBetter: false,
    target: 'reported (an actor per plugin)',
  });

  const big = await medianMs(() => lifecycle(dag10k), 3, 1);
  rows.push({
    name: 'register + initializeAll + shutdownAll, 10k plugins (random DAG)',
    baselineName: '10 × our 1k time (linear)',
    ours: big,
    baseline: 10 * small.ours,
    unit: 'ms',
    higherIsBetter: false,
    target: '≤ 3000 ms and time(10k)/time(1k) ≤ 12',
    met: big <= 3000 && big / small.ours <= 12,
  });
  rows.push(executeRow, queuedRow);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await run();
  console.log(formatTable(rows));
  const big = rows[1]!;
  console.log(`time(10k)/time(1k) = ${(big.ours / (big.baseline / 10)).toFixed(2)}`);
}
