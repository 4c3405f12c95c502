/**
 * The ConfigManager's costs against doing the same by hand: `get` of an option
 * (the orchestrator may read one per query) vs reading a property of a plain
 * object, and loading a YAML file (read, parse, check keys, validate, freeze)
 * vs `readFile` + `YAML.parse` alone. Run alone with `npx tsx bench/config.bench.ts`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compareMs, runWhenMain, type BenchRow } from './harness.js';
import { ConfigManager } from '../src/config/index.js';

const GETS = 1_000_000;
const LOADS = 200;

const YAML_TEXT = `orchestrator:
  maxConcurrency: 8
  memoryLimit: 536870912
  timeoutMs: 15000
  enableEventLogging: true
engine:
  mode: blocking
  threads: 2
  settings:
    preserve_insertion_order: false
    default_order: desc
plugins:
  viz:
    width: 800
    colors: [red, green, blue]
`;

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  {
    const config = ConfigManager.fromOptions({ timeoutMs: 15_000 });
    const plain = { orchestrator: { timeoutMs: 15_000 } } as Record<string, Record<string, number>>;
    let sink = 0;
    const t = await compareMs(
      () => {
        for (let i = 0; i < GETS; i++) sink += config.get('orchestrator.timeoutMs');
      },
      () => {
        for (let i = 0; i < GETS; i++) sink += plain['orchestrator']!['timeoutMs']!;
      },
    );
    if (sink === 0) throw new Error('unreachable: keeps the loops from being optimised away');
    rows.push({
      name: "config.get('orchestrator.timeoutMs')",
      baselineName: 'plain object property read',
      ours: (GETS / t.ours) * 1000,
      baseline: (GETS / t.baseline) * 1000,
      unit: 'ops/s',
      higherIsBetter: true,
    });
  }

  {
    const dir = await mkdtemp(join(tmpdir(), 'dataprism-config-bench-'));
    try {
      const file = join(dir, 'config.yaml');
      await writeFile(file, YAML_TEXT);
      const t = await compareMs(
        async () => {
          for (let i = 0; i < LOADS; i++) await new ConfigManager().load({ type: 'file', source: file });
        },
        async () => {
          for (let i = 0; i < LOADS; i++) parseYaml(await readFile(file, 'utf8'));
        },
        5,
      );
      rows.push({
        name: 'config.load(yaml file), validated',
        baselineName: 'readFile + YAML.parse',
        ours: (t.ours / LOADS) * 1000,
        baseline: (t.baseline / LOADS) * 1000,
        unit: 'µs/op',
        higherIsBetter: false,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return rows;
}

runWhenMain(import.meta.url, run);
