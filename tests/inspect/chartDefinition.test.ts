/** Statecharts are extracted from live machines (toJSON) and from raw configs (Stately's wire format). */
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { chartFromMachine, chartFromMachineConfig, chartFromMachineJson, type ChartNode } from '../../src/inspect/index.js';
import { pluginMachine } from '../../machines/plugin.machine.js';

function find(node: ChartNode, path: string): ChartNode | undefined {
  if (node.path === path) return node;
  for (const child of node.states) {
    const found = find(child, path);
    if (found) return found;
  }
  return undefined;
}

const nested = setup({ guards: { ok: () => true } }).createMachine({
  id: 'job',
  initial: 'idle',
  states: {
    idle: { on: { START: 'running' } },
    running: {
      initial: 'fetching',
      states: {
        fetching: { on: { FETCHED: 'parsing', FAIL: { target: '#job.failed', guard: 'ok' } } },
        parsing: { always: '#job.done' },
      },
      on: { CANCEL: '.fetching' },
    },
    failed: { on: { RETRY: 'running' } },
    done: { type: 'final' },
  },
});

describe('chartFromMachine / chartFromMachineJson', () => {
  it('draws the real plugin machine: every lifecycle state and its transitions', () => {
    const chart = chartFromMachineJson(pluginMachine.toJSON())!;
    expect(chart.initial).toBe('plugin.registered');
    expect(chart.states.map((s) => s.key)).toEqual(
      expect.arrayContaining(['registered', 'loading', 'loaded', 'initializing', 'initialized', 'executing', 'disposing', 'disposed', 'error']),
    );
    expect(find(chart, 'registered')!.transitions).toEqual([{ event: 'LOAD', targets: ['plugin.loading'] }]);
    expect(find(chart, 'disposed')!.type).toBe('final');
    expect(find(chart, 'loading')!.invokes).toEqual(['loadPlugin']);
  });

  it('keeps nesting, initial states, guards, eventless transitions and absolute targets', () => {
    const chart = chartFromMachine(nested)!;
    const running = find(chart, 'running')!;
    expect(running.type).toBe('compound');
    expect(running.initial).toBe('job.running.fetching');
    expect(find(chart, 'running.fetching')!.transitions).toEqual([
      { event: 'FETCHED', targets: ['job.running.parsing'] },
      { event: 'FAIL', targets: ['job.failed'], guarded: true },
    ]);
    expect(find(chart, 'running.parsing')!.transitions.map((t) => t.targets)).toContainEqual(['job.done']);
    // The chart is plain JSON: it crosses the WebSocket unchanged.
    expect(JSON.parse(JSON.stringify(chart))).toEqual(chart);
  });

  it('returns undefined for something that is not a machine definition', () => {
    expect(chartFromMachineJson(undefined)).toBeUndefined();
    expect(chartFromMachineJson({ nope: true })).toBeUndefined();
  });
});

describe('chartFromMachineConfig', () => {
  it('resolves relative, child and #id targets of a raw config to the same ids as toJSON', () => {
    const fromConfig = chartFromMachineConfig(nested.config)!;
    const fromJson = chartFromMachine(nested)!;
    const targets = (chart: ChartNode) =>
      [chart, ...chart.states, ...chart.states.flatMap((s) => s.states)].flatMap((n) => n.transitions.map((t) => `${n.path}:${t.event}->${t.targets.join(',')}`));
    expect(targets(fromConfig).sort()).toEqual(targets(fromJson).sort());
    expect(find(fromConfig, 'running')!.initial).toBe('job.running.fetching');
    expect(find(fromConfig, 'done')!.type).toBe('final');
  });
});
