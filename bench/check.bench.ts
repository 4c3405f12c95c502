/**
 * Model checker throughput: distinct states per second of `checkStrategy` against
 * `getAdjacencyMap` from xstate/graph walking the very same composed space (the
 * strategy's machine with the same fault model, through `modelAsActorLogic`, with
 * the checker's own compact state key as its serializer — which favours the
 * baseline), from 1k to 100k states, plus a 1M-state space checked alone.
 *
 * Two kinds of space:
 * - "product": the built-in retry strategy under a fault model with per-kind
 *   budgets; the environment (faults used, pending delays) multiplies the
 *   machine's own states, which is what fault models do to real strategies;
 * - "distinct": a retry that counts each kind of fault in its context, so every
 *   state is a new machine state and XState's transition runs for every edge.
 *
 * Run alone: `npx tsx bench/check.bench.ts`.
 */
import { getAdjacencyMap } from 'xstate/graph';
import { checkStrategy, strategyModelConfig } from '../src/check/checkMachine.js';
import { modelAsActorLogic } from '../src/check/modelAsActorLogic.js';
import type { CheckableStrategy, StrategyCheckOptions } from '../src/check/types.js';
import { retryStrategy } from '../src/errors/recovery/index.js';
import { countingRetry } from '../examples/strategies/countingRetry.js';
import { runWhenMain, type BenchRow } from './harness.js';

interface Space {
  label: string;
  strategy: CheckableStrategy;
  options: StrategyCheckOptions;
  /** Measured runs (the median is reported). */
  runs: number;
}

/** The built-in retry under budgets of `k` faults of each kind. */
function productSpace(maxAttempts: number, k: number, runs = 1): Space {
  return {
    runs,
    label: `product (retry maxAttempts=${maxAttempts}, ≤${k} faults/kind)`,
    strategy: retryStrategy({ maxAttempts, jitter: 0, factor: 1, initialDelayMs: 10 }),
    // One start (no input domain): xstate/graph walks from one initial state.
    options: { faults: { transient: k, timeout: k, memory: k, permanent: 1, shutdown: 1 }, inputs: {} },
  };
}

function distinctSpace(maxAttempts: number, runs = 1): Space {
  return { label: `distinct (counting retry maxAttempts=${maxAttempts})`, strategy: countingRetry(maxAttempts), options: { inputs: {} }, runs };
}

function measureOurs(space: Space): { states: number; ms: number; machineStates: number; xstateCalls: number } {
  const started = performance.now();
  const result = checkStrategy(space.strategy, space.options);
  const ms = performance.now() - started;
  if (result.violations.length > 0 || !result.complete) throw new Error(`benchmark space ${space.label} is not a clean pass`);
  return { states: result.statesExplored, ms, machineStates: result.machineStates, xstateCalls: result.machineTransitions };
}

function measureGraph(space: Space): { states: number; ms: number } {
  const { config } = strategyModelConfig(space.strategy, space.options);
  const composed = modelAsActorLogic(config);
  const started = performance.now();
  const adjacency = getAdjacencyMap(composed.logic, { events: composed.events, serializeState: composed.serializeState });
  const ms = performance.now() - started;
  return { states: Object.keys(adjacency).length, ms };
}

function row(space: Space, log: (line: string) => void): BenchRow {
  // Each side runs in blocks (A A B B B B A A): the model code both share is then
  // optimized for one side at a time, as it would be in one user's process,
  // instead of re-optimized on every switch, which swamped the spaces measured in
  // milliseconds. The ABBA order keeps drift of the shared machine fair.
  const block = Math.max(1, Math.ceil(space.runs / 2));
  const ours: number[] = [];
  const graph: number[] = [];
  let oursStates = 0;
  let graphStates = 0;
  let detail = '';
  const runGraph = () => {
    for (let i = 0; i < block; i++) {
      const g = measureGraph(space);
      graph.push((g.states / g.ms) * 1000);
      graphStates = g.states;
    }
  };
  const runOurs = () => {
    for (let i = 0; i < block; i++) {
      const o = measureOurs(space);
      ours.push((o.states / o.ms) * 1000);
      oursStates = o.states;
      detail = `${o.machineStates} machine states, ${o.xstateCalls} XState transitions`;
    }
  };
  runGraph();
  runOurs();
  runOurs();
  runGraph();
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  if (oursStates !== graphStates) log(`  note: ${space.label}: checker ${oursStates} states, graph ${graphStates} states`);
  const o = median(ours);
  const b = median(graph);
  log(`  ${space.label}: ${oursStates} states (${detail}); ours ${o.toFixed(0)} states/s, xstate/graph ${b.toFixed(0)} states/s, ×${(o / b).toFixed(1)}`);
  return {
    name: `check ${space.label}: ${oursStates} states`,
    baselineName: 'xstate/graph getAdjacencyMap, same space',
    ours: o,
    baseline: b,
    unit: 'states/s',
    higherIsBetter: true,
    target: '≥ 100k states/s and ≥ 5× baseline',
    met: o >= 100_000 && o >= 5 * b,
  };
}

/** The 1M-state run: time and peak heap, against the 60 s / 4 GB budget. */
function millionRow(log: (line: string) => void): BenchRow[] {
  const space = productSpace(162, 55);
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  const result = checkStrategy(space.strategy, { ...space.options, maxStates: 2_000_000 });
  const ms = performance.now() - started;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  log(`  1M run: ${space.label}: ${result.statesExplored} states, ${result.transitions} transitions in ${(ms / 1000).toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB, complete=${result.complete}, violations=${result.violations.length}`);
  return [
    {
      name: `check ${result.statesExplored} states (${space.label}): wall time`,
      baselineName: 'budget 60 s',
      ours: ms,
      baseline: 60_000,
      unit: 'ms',
      higherIsBetter: false,
      target: '≤ 60 s',
      met: ms <= 60_000 && result.statesExplored >= 1_000_000,
    },
    {
      name: `check ${result.statesExplored} states: peak RSS`,
      baselineName: 'budget 4 GB',
      ours: peak / 2 ** 20,
      baseline: 4096,
      unit: 'MB',
      higherIsBetter: false,
      target: '≤ 4096 MB',
      met: peak / 2 ** 20 <= 4096,
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  const log = (line: string) => console.log(line);
  // The 1M run first, so its peak RSS is its own and not the baseline's maps.
  const rows: BenchRow[] = [...millionRow(log)];
  // Warm both paths up on a small space of each kind before measuring.
  for (const space of [productSpace(8, 3), distinctSpace(6)]) {
    measureOurs(space);
    measureGraph(space);
  }
  // Spaces measured in milliseconds get more runs: a single run of them is mostly noise.
  for (const space of [productSpace(12, 4, 9), productSpace(32, 11, 5), productSpace(75, 25, 3), distinctSpace(12, 9), distinctSpace(28, 5), distinctSpace(45, 3)]) {
    rows.push(row(space, log));
  }
  return rows;
}

runWhenMain(import.meta.url, run);
