/**
 * What the enforced plugin query path costs: a read-only plugin's
 * `context.query('SELECT 1')` (the statement check, a READ ONLY transaction, one
 * prepared statement inside FROM (...), rollback) against the host's own
 * `engine.query('SELECT 1')` on the same engine, in blocking and worker mode
 * (five DuckDB calls instead of one).
 * Reported, not capped: the extra DuckDB round trips are the price of letting
 * DuckDB refuse what a plugin may not do.
 */
import { createEngine } from '../src/engine/createEngine.js';
import { PluginRegistry } from '../src/plugins/PluginRegistry.js';
import type { PluginContext } from '../src/plugins/types.js';
import { compareMs, runWhenMain, type BenchRow } from './harness.js';

const QUERIES = 1_000;

async function enforcedPath(mode: 'blocking' | 'worker'): Promise<BenchRow> {
  const engine = await createEngine({ mode });
  const registry = new PluginRegistry({ engine });
  let context: PluginContext | undefined;
  await registry.register({
    name: 'reader',
    version: '1.0.0',
    description: 'reads',
    capabilities: ['run'],
    permissions: ['engine:read'],
    initialize: (c) => {
      context = c;
    },
    execute: (_action, sql, c) => c.query(sql as string),
    dispose: () => undefined,
  });
  await registry.initializeAll();
  const reader = context!;
  try {
    const direct = await compareMs(
      async () => {
        for (let i = 0; i < QUERIES; i++) await reader.query('SELECT 1');
      },
      async () => {
        for (let i = 0; i < QUERIES; i++) await engine.query('SELECT 1');
      },
      5,
      1,
    );
    return {
      name: `read-only plugin context.query SELECT 1 ×${QUERIES} (${mode}): DuckDB-enforced path`,
      baselineName: "the host's engine.query, same engine",
      ours: direct.ours,
      baseline: direct.baseline,
      unit: 'ms',
      higherIsBetter: false,
      target: 'reported (READ ONLY transaction + prepared statement)',
    };
  } finally {
    await registry.shutdownAll();
    await engine.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  return [await enforcedPath('blocking'), await enforcedPath('worker')];
}

runWhenMain(import.meta.url, run);
