/**
 * `isolation: 'worker'` against in-process: registry.execute round trips to the
 * same echo plugin, once with its hooks in a worker of its own (a message each way
 * plus structured clones) and once in-process, sequential calls, µs per call.
 */
import { PluginRegistry } from '../src/plugins/PluginRegistry.js';
import { workerPlugin } from '../src/plugins/worker/workerPlugin.js';
import type { DataPrismPlugin } from '../src/plugins/types.js';
import { compareMs, runWhenMain, type BenchRow } from './harness.js';

const CALLS = 5_000;

const declaration = { version: '1.0.0', description: 'echoes its params', capabilities: ['echo'] };
/** The worker's module, inline: the benchmark runs from source and from dist alike. */
const ECHO_MODULE = `data:text/javascript,${encodeURIComponent('export default { initialize() {}, execute(_action, params) { return params; }, dispose() {} };')}`;

export async function run(): Promise<BenchRow[]> {
  const inProcess: DataPrismPlugin = {
    ...declaration,
    name: 'echo-local',
    initialize() {},
    execute: (_action, params) => params,
    dispose() {},
  };
  const inWorker = workerPlugin({ ...declaration, name: 'echo-worker', module: ECHO_MODULE });
  const registry = new PluginRegistry();
  await registry.register(inProcess);
  await registry.register(inWorker);
  await registry.initializeAll();
  const params = { id: 1, filter: 'region = ?', values: ['north'] };
  try {
    const times = await compareMs(
      async () => {
        for (let i = 0; i < CALLS; i++) await registry.execute('echo-worker', 'echo', params);
      },
      async () => {
        for (let i = 0; i < CALLS; i++) await registry.execute('echo-local', 'echo', params);
      },
      5,
      1,
    );
    const ours = (times.ours * 1000) / CALLS;
    return [
      {
        name: "registry.execute round trip, isolation: 'worker'",
        baselineName: 'the same plugin in-process',
        ours,
        baseline: (times.baseline * 1000) / CALLS,
        unit: 'µs/op',
        higherIsBetter: false,
        target: '≤ 200 µs per call',
        met: ours <= 200,
      },
    ];
  } finally {
    await registry.shutdownAll();
  }
}

runWhenMain(import.meta.url, run);
