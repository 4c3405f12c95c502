/**
 * The language of emitted events of a machine: explores the machine (with the
 * same engine and fault model as `checkMachine`) and keeps, for every transition,
 * the list of events it emitted. `accepts(sequence)` then says whether an event
 * log observed from a real actor is a path of the machine — a prefix of the
 * emissions along some run, since a run may still be going on.
 */
import type { AnyStateMachine } from 'xstate';
import { machineIds } from './machineIds.js';
import { resolveFaultModel } from './faults.js';
import { createMachineModel, type MachineState } from './machineModel.js';
import type { CheckOptions } from './types.js';

/** An automaton over emitted event types. */
export interface EmissionAutomaton {
  /** Distinct states of the automaton. */
  readonly states: number;
  /** True when `sequence` (event types in order) is emitted along some run, up to its end. */
  accepts(sequence: readonly string[]): boolean;
  /** The first index at which `sequence` leaves every run, or −1 when it is accepted. */
  firstRejected(sequence: readonly string[]): number;
}

interface Edge {
  emitted: readonly string[];
  to: number;
}

/**
 * Builds the emission automaton of `machine` from `options.input`, with the
 * environment moves of `options.events` and the fault model (invokes succeed or
 * fail). Throws when the state space exceeds `options.maxStates` (default 100 000):
 * an incomplete automaton would reject real logs.
 */
export function buildEmissionAutomaton(machine: AnyStateMachine, options: CheckOptions = {}): EmissionAutomaton {
  const model = createMachineModel({
    machine,
    starts: [{ variant: 'input', input: options.input, disposed: false }],
    faults: resolveFaultModel({ permanent: 0, timeout: 0, memory: 0, shutdown: 0, ...options.faults }, 0),
    machineIds: () => machineIds(options),
    invariants: [],
    cache: true,
    replay: true,
    ...(options.events ? { events: options.events } : {}),
  });
  const maxStates = options.maxStates ?? 100_000;
  const ids = new Map<string, number>();
  const edges: Edge[][] = [];
  const queue: MachineState[] = [];
  const initialEmitted: string[][] = [];
  const add = (state: MachineState): number => {
    const key = model.key(state);
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      if (id >= maxStates) throw new Error(`the emission automaton of '${machine.id}' has more than ${maxStates} states; abstract the context (contextKeys/abstract) or bound the events`);
      ids.set(key, id);
      edges.push([]);
      queue.push(state);
    }
    return id;
  };
  const starts = model.initialStates().map((s) => {
    initialEmitted.push(s.state.emitted);
    return add(s.state);
  });
  for (let cursor = 0; cursor < queue.length; cursor++) {
    const state = queue[cursor]!;
    if (model.isTerminal(state)) continue;
    const out = edges[cursor]!;
    model.expand(state, (_event, next) => {
      out.push({ emitted: next.emitted, to: add(next) });
    });
  }

  /** Positions: (state, index into the emitted list of the edge being walked, or −1 at the state). */
  const run = (sequence: readonly string[]): number => {
    // A configuration is `state` (at the state) or `edge` mid-way through an edge's emissions.
    type Config = { state: number; edge?: Edge; at: number };
    const keyOf = (c: Config) => (c.edge ? `${c.state}>${c.edge.to}:${c.edge.emitted.join(',')}@${c.at}` : `${c.state}`);
    const closure = (configs: Config[]): Config[] => {
      const seen = new Map<string, Config>();
      const stack = [...configs];
      while (stack.length > 0) {
        const c = stack.pop()!;
        const k = keyOf(c);
        if (seen.has(k)) continue;
        seen.set(k, c);
        if (c.edge && c.at === c.edge.emitted.length) {
          stack.push({ state: c.edge.to, at: 0 });
          continue;
        }
        if (!c.edge) {
          for (const e of edges[c.state]!) stack.push({ state: c.state, edge: e, at: 0 });
        }
      }
      return [...seen.values()];
    };
    let current = closure(starts.map((s, i) => ({ state: s, edge: { emitted: initialEmitted[i]!, to: s }, at: 0 })));
    for (let i = 0; i < sequence.length; i++) {
      const next: Config[] = [];
      for (const c of current) {
        if (c.edge && c.at < c.edge.emitted.length && c.edge.emitted[c.at] === sequence[i]) next.push({ state: c.state, edge: c.edge, at: c.at + 1 });
      }
      if (next.length === 0) return i;
      current = closure(next);
    }
    return -1;
  };

  return {
    states: ids.size,
    accepts: (sequence) => run(sequence) < 0,
    firstRejected: run,
  };
}
