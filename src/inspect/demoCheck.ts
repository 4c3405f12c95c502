/**
 * The model-checker report the visualizer's demo offers at `/api/check`: the demo's
 * own recovery strategy checked with the real checker — as it is (every property
 * holds), and against two promises it does not keep, each with a counterexample to
 * step through: that it always ends recovered when no shutdown comes and the failed
 * call can be re-run, as in the demo (three failures in a row escalate), and that it
 * waits 200 ms between tries (it starts at 50 ms). Each
 * result carries its machine's statechart, so the page draws the trace on it.
 * Same shape as `dataprism check FILE --json`, plus `chart`.
 */
import { checkStrategy } from '../check/checkMachine.js';
import type { CheckResult } from '../check/types.js';
import { chartFromMachine, type ChartNode } from './chartDefinition.js';
import { flakyRetry } from './demo.js';

/** One checked strategy of the demo report. */
export interface DemoCheckEntry {
  export: string;
  kind: 'strategy';
  result: CheckResult;
  /** The strategy machine's statechart. */
  chart: ChartNode | undefined;
}

/** The demo report: `{ ok, file, results }` like the CLI's JSON. */
export interface DemoCheckReport {
  ok: boolean;
  file: string;
  results: DemoCheckEntry[];
}

/** Runs the demo's checks (a few milliseconds: the strategy machine is small). */
export function demoCheckReport(): DemoCheckReport {
  const strategy = flakyRetry();
  const chart = chartFromMachine(strategy.machine);
  const results: DemoCheckEntry[] = [
    { export: strategy.name, kind: 'strategy', result: checkStrategy(strategy), chart },
    { export: `${strategy.name}, promised to always recover`, kind: 'strategy', result: checkStrategy(strategy, { finalStates: ['recovered'], faults: { shutdown: 0, permanent: 0 }, inputs: { hasOperation: [true] } }), chart },
    { export: `${strategy.name}, promised 200 ms between tries`, kind: 'strategy', result: checkStrategy(strategy, { minBackoffMs: 200 }), chart },
  ];
  return { ok: results.every((r) => r.result.ok), file: 'dataprism visualize --demo', results };
}
