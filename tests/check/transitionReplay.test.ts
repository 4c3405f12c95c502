// Transition replay answers most edges without XState's microstep, so it must be
// indistinguishable from XState: every replayed edge is also run through XState
// here (verifyReplay) and compared, and the whole exploration (states, edges,
// violations and their traces) must equal the one that calls XState every time.
import { describe, expect, it } from 'vitest';
import { and, assign, emit, fromPromise, not, setup, type AnyStateMachine } from 'xstate';
import { machineModelConfig, strategyModelConfig } from '../../src/check/checkMachine.js';
import { explore, type ExploreResult } from '../../src/check/explore.js';
import { createMachineModel, type MachineModelConfig } from '../../src/check/machineModel.js';
import type { CheckOptions } from '../../src/check/types.js';
import { countingRetry } from '../../examples/strategies/countingRetry.js';
import { impatientRetry, missedEscalation, restartDisposed, unboundedRetry } from '../../examples/strategies/broken.js';
import { patientRetry } from '../../examples/strategies/patientRetry.js';
import { builtins } from './strategyFixtures.js';

const LIMITS = { maxStates: 50_000, maxDepth: Infinity, liveness: true, livenessProperty: 'final-reachable' };

/** Explores `config` with replay (each replayed edge checked against XState) and without; returns the replayed run's counts. */
function exploreBoth(config: MachineModelConfig): { result: ExploreResult; replayed: number; xstate: number } {
  const replaying = createMachineModel({ ...config, replay: true, verifyReplay: true });
  const withReplay = explore(replaying, LIMITS);
  const withoutReplay = explore(createMachineModel({ ...config, replay: false }), LIMITS);
  expect(withReplay).toEqual(withoutReplay);
  return { result: withReplay, replayed: replaying.replayedTransitions(), xstate: replaying.machineTransitions() };
}

const userStrategies = [
  ['patient retry', patientRetry],
  ['counting retry', countingRetry(6)],
  ['unbounded retry (broken)', unboundedRetry],
  ['missed escalation (broken)', missedEscalation],
  ['restart of a disposed plugin (broken)', restartDisposed],
  ['impatient retry (broken)', impatientRetry],
] as const;

describe('transition replay equals XState', () => {
  it.each(builtins)('built-in strategy: %s', (_name, make) => {
    const { result } = exploreBoth(strategyModelConfig(make()).config);
    expect(result.states).toBeGreaterThan(0);
  });

  it.each(userStrategies)('user strategy: %s', (_name, strategy) => {
    const { result, replayed } = exploreBoth(strategyModelConfig(strategy).config);
    expect(result.states).toBeGreaterThan(0);
    expect(replayed).toBeGreaterThan(0);
  });

  it('answers almost every edge of a space where every state is new by replay', () => {
    const { result, replayed, xstate } = exploreBoth(strategyModelConfig(countingRetry(12)).config);
    expect(result.states).toBe(2184);
    // One XState call per shape (a handful), every other edge replayed.
    expect(xstate).toBeLessThan(20);
    expect(replayed).toBeGreaterThan(result.transitions - 20);
  });

  it('replays nested states, re-entry, ancestor and targetless transitions, named actions, delays and a final output', () => {
    const { result, replayed, xstate } = exploreBoth(machineModelConfig(features, featureOptions).config);
    expect(result.complete).toBe(true);
    expect(result.states).toBeGreaterThan(300);
    // XState runs once per shape (and for the edges into an unhandled error); everything else is replayed.
    expect(xstate).toBeLessThan(20);
    expect(replayed).toBeGreaterThan(20 * xstate);
  });

  it('sends what it cannot replay to XState: parallel states and eventless transitions', () => {
    const { replayed, result } = exploreBoth(machineModelConfig(parallel, { events: [{ type: 'TICK' }, { type: 'STOP' }] }).config);
    expect(result.states).toBeGreaterThan(3);
    expect(replayed).toBe(0);
  });

  it('an assign that spawns goes to XState, and the spawned child is in the snapshot', () => {
    const config = machineModelConfig(spawning, { events: [{ type: 'SPAWN' }, { type: 'BUMP' }] }).config;
    const { result } = exploreBoth(config);
    expect(result.complete).toBe(true);
  });

  it('a throwing guard ends in the same error status, with XState\'s message', () => {
    const { result } = exploreBoth(machineModelConfig(throwsAt2('guard'), { events: [{ type: 'INC' }] }).config);
    expect(result.violations.map((v) => v.property)).toEqual(['no-error-status']);
    expect(result.violations[0]!.message).toContain("Unable to evaluate guard in transition for event 'INC'");
  });

  it('a throwing assign ends in the same error status with or without replay', () => {
    const { result } = exploreBoth(machineModelConfig(throwsAt2('assign'), { events: [{ type: 'INC' }] }).config);
    expect(result.violations.map((v) => v.property)).toEqual(['no-error-status']);
    expect(result.violations[0]!.trace.map((s) => s.event.type)).toEqual(['start', 'send', 'send', 'send']);
  });
});

/** Nested compound states with entry/exit on parents, re-entering and targetless transitions, named parameterized actions, emits, delays and a root output. */
const features: AnyStateMachine = setup({
  types: {} as { context: { log: number; hits: number; phase: string }; events: { type: 'POKE' } | { type: 'RESET' } | { type: 'JUMP' } | { type: 'FINISH' } },
  actors: { work: fromPromise(async () => 1) },
  delays: { cool: ({ context }) => 100 + context.hits * 10 },
  actions: {
    note: assign({ log: ({ context }, params: { by: number }) => (context.log * 2 + params.by) % 13 }),
    announce: emit(({ context }) => ({ type: 'feature:phase', phase: context.phase })),
    sideEffect: () => {},
  },
  guards: { small: ({ context }) => context.hits < 3, atLeast: ({ context }, params: { n: number }) => context.hits >= params.n },
}).createMachine({
  id: 'features',
  context: { log: 0, hits: 0, phase: 'start' },
  initial: 'outer',
  output: ({ context }) => ({ hits: context.hits, log: context.log }),
  on: { FINISH: { target: '.done', guard: and([({ context }) => context.hits >= 2, not('small')]) } },
  states: {
    outer: {
      entry: [{ type: 'note', params: { by: 1 } }, 'announce'],
      exit: [{ type: 'note', params: ({ context }) => ({ by: context.hits }) }],
      initial: 'idle',
      on: {
        // From an ancestor: exits and re-enters the children, not `outer`.
        RESET: { target: '.idle', actions: assign({ phase: 'reset' }) },
      },
      states: {
        idle: {
          entry: assign({ phase: 'idle' }),
          on: {
            POKE: [
              { guard: 'small', target: 'busy', actions: [assign({ hits: ({ context }) => context.hits + 1 }), 'sideEffect'] },
              { actions: assign({ log: ({ context }) => (context.log + 5) % 13 }) },
            ],
            JUMP: { target: 'idle', reenter: true, guard: { type: 'atLeast', params: { n: 1 } }, actions: { type: 'note', params: { by: 7 } } },
          },
        },
        busy: {
          entry: ['announce'],
          initial: 'spinning',
          states: {
            spinning: {
              invoke: { id: 'work', src: 'work', onDone: { target: '#features.outer.busy.cooling' }, onError: { target: '#features.outer.idle', actions: assign({ phase: 'failed' }) } },
            },
            cooling: { after: { cool: '#features.outer.idle', 500: '#features.outer.idle' } },
          },
        },
      },
    },
    done: { type: 'final', entry: emit({ type: 'feature:done' }) },
  },
});
const featureOptions: CheckOptions = { events: [{ type: 'POKE' }, { type: 'RESET' }, { type: 'JUMP' }, { type: 'FINISH' }], faults: { transient: 1, timeout: 1 } };

const parallel: AnyStateMachine = setup({ types: {} as { context: { n: number } } }).createMachine({
  id: 'parallel',
  context: { n: 0 },
  type: 'parallel',
  states: {
    a: { initial: 'x', states: { x: { on: { TICK: { target: 'y', actions: assign({ n: ({ context }) => Math.min(3, context.n + 1) }) } } }, y: { always: { target: 'x', guard: ({ context }) => context.n < 3 } } } },
    b: { initial: 'on', states: { on: { on: { STOP: 'off' } }, off: {} } },
  },
});

const spawning: AnyStateMachine = setup({
  types: {} as { context: { spawned: number; bumps: number } },
  actors: { helper: fromPromise(async () => 0) },
}).createMachine({
  id: 'spawning',
  context: { spawned: 0, bumps: 0 },
  initial: 'on',
  states: {
    on: {
      on: {
        SPAWN: { guard: ({ context }) => context.spawned < 2, actions: assign(({ context, spawn }) => ({ spawned: context.spawned + 1, child: spawn('helper', { id: `h${context.spawned}` }) })) },
        BUMP: { guard: ({ context }) => context.bumps < 2, actions: assign({ bumps: ({ context }) => context.bumps + 1 }) },
      },
    },
  },
});

/** A counter on INC whose assign or guard throws once n reaches 2. */
function throwsAt2(where: 'assign' | 'guard'): AnyStateMachine {
  const nextOrThrow = (n: number): number => {
    if (n === 2) throw new Error('n reached 2');
    return n + 1;
  };
  return setup({ types: {} as { context: { n: number } } }).createMachine({
    id: `throwing_${where}`,
    context: { n: 0 },
    initial: 'on',
    states: {
      on: {
        on: {
          INC:
            where === 'assign'
              ? { actions: assign({ n: ({ context }) => nextOrThrow(context.n) }) }
              : { guard: ({ context }) => nextOrThrow(context.n) > 0, actions: assign({ n: ({ context }) => context.n + 1 }) },
        },
      },
    },
  });
}
