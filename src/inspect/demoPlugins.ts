/**
 * The two plugins of the visualizer demo. `sales-summary` is steady: it
 * aggregates the demo table with real SQL and holds a buffer from the
 * ResourceManager between calls, so resource usage moves. `flaky-report` fails
 * its first two calls of every round (`arm()` starts a round) and succeeds on
 * the third, so the orchestrator's error recovery can be watched retrying it.
 */
import { PluginError } from '../errors/PluginError.js';
import type { DataPrismPlugin, PluginContext, ResourceHandleLike } from '../plugins/types.js';

/** The steady plugin: `summarize` runs a GROUP BY over the demo table. */
export function createSalesSummaryPlugin(table: string): DataPrismPlugin {
  let buffer: ResourceHandleLike | undefined;
  return {
    name: 'sales-summary',
    version: '1.0.0',
    description: 'Aggregates the demo sales table by region.',
    capabilities: ['summarize'],
    permissions: ['engine:read', 'resources'],
    initialize() {},
    async execute(_action: string, _params: unknown, context: PluginContext) {
      // Hold a differently sized buffer each call so the usage chart has something to show.
      if (buffer) await context.free(buffer);
      buffer = await context.allocate((1 + Math.floor(Math.random() * 16)) * 1024 * 1024, 'buffer');
      const result = await context.query(`SELECT region, count(*) AS orders, round(sum(amount), 2) AS revenue FROM ${table} GROUP BY region ORDER BY region`);
      return result.data;
    },
    dispose() {
      buffer = undefined;
    },
  };
}

/** Marks the flaky plugin's failures in messages, so logs can tell them from real ones. */
export const PLANNED_FAILURE = 'simulated upstream outage';

/** The flaky plugin and the switch that makes its next two calls fail. */
export interface FlakyPlugin {
  plugin: DataPrismPlugin;
  /** Makes the next `failures` calls (default 2) fail, then lets calls succeed again. */
  arm(failures?: number): void;
  /** Calls made so far, failed or not. */
  calls(): number;
}

/** The flaky plugin: `report` counts rows of the demo table, after failing while armed. */
export function createFlakyReportPlugin(table: string): FlakyPlugin {
  let failuresLeft = 0;
  let armed = 0;
  let calls = 0;
  const plugin: DataPrismPlugin = {
    name: 'flaky-report',
    version: '1.0.0',
    description: 'Reports the row count of the demo table; fails twice per round on purpose.',
    capabilities: ['report'],
    permissions: ['engine:read'],
    initialize() {},
    async execute(action: string, _params: unknown, context: PluginContext) {
      calls++;
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new PluginError(`flaky-report: ${PLANNED_FAILURE}, failure ${armed - failuresLeft} of ${armed} this round; retrying recovers it`, {
          plugin: 'flaky-report',
          phase: 'execute',
          action,
        });
      }
      const result = await context.query(`SELECT count(*) AS n FROM ${table}`);
      return result.data[0];
    },
    dispose() {},
  };
  return {
    plugin,
    arm(failures = 2) {
      failuresLeft = failures;
      armed = failures;
    },
    calls: () => calls,
  };
}
