/**
 * ResourceManager throughput: `allocate` + `free` pairs per second (validation,
 * first-fit placement, frozen handle, events on a bus without listeners) against a
 * plain Map set/delete with a byte counter. Measured with an empty budget and with
 * 1000 live handles already placed. Run alone with `npx tsx bench/resources.bench.ts`.
 */
import { compareMs, runWhenMain, type BenchRow } from './harness.js';
import { ResourceManager } from '../src/resources/index.js';
import { createEventBus } from '../src/events/index.js';

const PAIRS = 100_000;

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // Warm the JIT on both paths first, so the first configuration measured is not the cold one.
  const warm = new ResourceManager({ memoryLimit: 1024 ** 3 });
  for (let i = 0; i < PAIRS; i++) await warm.free(await warm.allocate(4096, 'warmup', { owner: 'bench' }));
  for (const background of [0, 1000]) {
    const rm = new ResourceManager({ memoryLimit: 1024 ** 3, bus: createEventBus() });
    for (let i = 0; i < background; i++) await rm.allocate(1024, 'background');
    const map = new Map<number, number>();
    let used = 0;
    const t = await compareMs(
      async () => {
        for (let i = 0; i < PAIRS; i++) {
          const handle = await rm.allocate(4096, 'buffer', { owner: 'bench' });
          await rm.free(handle);
        }
      },
      async () => {
        for (let i = 0; i < PAIRS; i++) {
          map.set(i, 4096);
          used += 4096;
          await Promise.resolve();
          used -= map.get(i)!;
          map.delete(i);
          await Promise.resolve();
        }
      },
      5,
    );
    if (used !== 0 || rm.getUsage().allocated !== background * 1024) throw new Error('the benchmark leaked');
    const ours = PAIRS / (t.ours / 1000);
    rows.push({
      name: `ResourceManager allocate+free pairs (${background} live handles)`,
      baselineName: 'Map set/delete + counter (async)',
      ours,
      baseline: PAIRS / (t.baseline / 1000),
      unit: 'pairs/s',
      higherIsBetter: true,
      target: '≥ 200000 pairs/s',
      met: ours >= 200_000,
    });
  }
  return rows;
}

runWhenMain(import.meta.url, run);
