// The checker on small machines whose state spaces are known by hand: counts,
// liveness (deadlock vs livelock), limits, abstraction, invariants and bad input.
import { describe, expect, it } from 'vitest';
import { assign, fromPromise, setup } from 'xstate';
import { checkMachine, checkStrategy } from '../../src/check/index.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { retryStrategy } from '../../src/errors/recovery/index.js';
import { circuitBreakerMachine } from '../../machines/circuitBreaker.machine.js';

/** A counter that goes up to `max` on INC and finishes on STOP. */
const counter = setup({
  types: {} as { context: { n: number; noise: number }; events: { type: 'INC' } | { type: 'STOP' }; input: { max: number } },
}).createMachine({
  id: 'counter',
  context: () => ({ n: 0, noise: 0 }),
  initial: 'counting',
  states: {
    counting: {
      on: {
        INC: { guard: ({ context }) => context.n < 5, actions: assign({ n: ({ context }) => context.n + 1, noise: ({ context }) => context.noise + 1 }) },
        STOP: 'done',
      },
    },
    done: { type: 'final' },
  },
});

describe('checkMachine', () => {
  it('explores exactly the reachable states and edges', () => {
    const result = checkMachine(counter, { events: [{ type: 'INC' }, { type: 'STOP' }] });
    // n = 0..5 while counting, plus `done` reached from each (same context ⇒ 6 done states).
    expect(result.statesExplored).toBe(12);
    // each counting state: INC (except n=5, where INC is ignored) and STOP.
    expect(result.transitions).toBe(5 + 6);
    expect(result.ok).toBe(true);
  });

  it('a state abstraction merges states: contextKeys [] leaves the state value only', () => {
    const result = checkMachine(counter, { events: [{ type: 'INC' }, { type: 'STOP' }], contextKeys: [] });
    expect(result.statesExplored).toBe(2);
  });

  it('finds a livelock: a cycle with no way to a final state', () => {
    const pingPong = setup({ types: {} as { events: { type: 'GO' } | { type: 'END' } } }).createMachine({
      id: 'pingPong',
      initial: 'a',
      states: {
        a: { on: { GO: 'b', END: 'end' } },
        b: { on: { GO: 'c' } },
        c: { on: { GO: 'b' } },
        end: { type: 'final' },
      },
    });
    const result = checkMachine(pingPong, { events: [{ type: 'GO' }, { type: 'END' }] });
    expect(result.violations.map((v) => v.property)).toEqual(['final-reachable']);
    const v = result.violations[0]!;
    expect(v.message).toMatch(/livelock/);
    expect(v.trace.map((s) => s.state)).toEqual(['a', 'b']);
  });

  it('stops at maxStates and reports the exploration incomplete, not ok', () => {
    const result = checkMachine(counter, { events: [{ type: 'INC' }, { type: 'STOP' }], maxStates: 4 });
    expect(result.statesExplored).toBe(4);
    expect(result.complete).toBe(false);
    expect(result.ok).toBe(false);
    // the cut-off part is not mistaken for a deadlock
    expect(result.violations).toEqual([]);
  });

  it('checks invariants and gives the shortest trace to the first bad state', () => {
    const result = checkMachine(counter, {
      events: [{ type: 'INC' }, { type: 'STOP' }],
      invariants: [{ name: 'n-below-3', check: (s) => (s.context as { n: number }).n < 3 || `n is ${(s.context as { n: number }).n}` }],
    });
    const v = result.violations.find((x) => x.property === 'n-below-3')!;
    expect(v.message).toBe('n is 3');
    expect(v.trace).toHaveLength(4);
  });

  it('checks a real lifecycle machine: the circuit breaker keeps its trial only while half-open', () => {
    const result = checkMachine(circuitBreakerMachine, {
      input: { name: 'engine', threshold: 3, openMs: 1000 },
      events: [{ type: 'SUCCESS' }, { type: 'FAILURE' }, { type: 'ACQUIRE' }, { type: 'RESET' }],
      // failures keeps counting while open; beyond the threshold the count changes nothing.
      abstract: (s) => {
        const c = s.context as { failures: number; trialInFlight: boolean };
        return [Math.min(c.failures, 3), c.trialInFlight];
      },
      maxStates: 10_000,
      invariants: [
        { name: 'trial-only-half-open', check: (s) => !(s.context as { trialInFlight: boolean }).trialInFlight || s.value === 'halfOpen' },
        { name: 'closed-below-threshold', check: (s) => s.value !== 'closed' || (s.context as { failures: number }).failures < 3 },
      ],
    });
    expect(result.violations).toEqual([]);
    expect(result.complete).toBe(true);
    expect(result.statesExplored).toBeGreaterThan(4);
  });

  it('reports an XState error status (a throwing assign) as no-error-status', () => {
    // Custom actions are returned, not run, by pure transitions; an assign runs.
    const throwing = setup({ types: {} as { events: { type: 'BOOM' }; context: { n: number } } }).createMachine({
      context: { n: 0 },
      id: 'throwing',
      initial: 'idle',
      states: {
        idle: {
          on: {
            BOOM: {
              target: 'done',
              actions: assign(() => {
                throw new Error('kaboom');
              }),
            },
          },
        },
        done: { type: 'final' },
      },
    });
    const result = checkMachine(throwing, { events: [{ type: 'BOOM' }] });
    expect(result.violations.map((v) => v.property)).toContain('no-error-status');
  });

  it('rejects what is not a machine with a ValidationError that says what to pass', () => {
    expect(() => checkMachine({} as never)).toThrow(ValidationError);
    expect(() => checkStrategy({ name: 'x' } as never)).toThrow(/defineRecoveryStrategy/);
    expect(() => checkMachine(counter, { maxStates: 0 })).toThrow(/maxStates/);
    expect(() => checkStrategy({ name: 'x', machine: counter })).toThrow(/not a recovery strategy: states\.recovered/);
    expect(() => checkStrategy(retryStrategy(), { faults: { transient: -1 } })).toThrow(/faults.transient/);
  });
});

describe('fault model', () => {
  const oneShot = setup({
    types: {} as { context: { attempts: number; maxAttempts: number; error: Error }; input: { error: Error } },
    actors: { attempt: fromPromise(async () => 1) },
  }).createMachine({
    id: 'oneShot',
    initial: 'attempting',
    context: ({ input }) => ({ attempts: 1, maxAttempts: 1, error: input.error }),
    output: ({ event }) => (event as { output?: unknown }).output,
    states: {
      attempting: { invoke: { id: 'attempt', src: 'attempt', onDone: 'recovered', onError: 'escalated' } },
      recovered: { type: 'final', output: { success: true } },
      escalated: { type: 'final', output: { success: false } },
    },
  });

  it('budgets bound each fault: with every fault off, only success remains', () => {
    const all = checkStrategy({ name: 'oneShot', machine: oneShot }, { faults: { shutdown: 0 } });
    const none = checkStrategy({ name: 'oneShot', machine: oneShot }, { faults: { transient: 0, permanent: 0, timeout: 0, memory: 0, shutdown: 0 } });
    expect(all.transitions).toBe(5); // success + 4 kinds of failure
    expect(none.transitions).toBe(1);
  });

  it('a machine that never emits error:recovered violates recovered-event-iff-recovered', () => {
    const result = checkStrategy({ name: 'oneShot', machine: oneShot }, { faults: { shutdown: 0 } });
    expect(result.violations.map((v) => v.property)).toEqual(['recovered-event-iff-recovered']);
    expect(result.violations[0]!.trace.map((s) => s.event.type)).toEqual(['start', 'done']);
  });
});
