// No silent abstraction: Map, Set, Date, arrays and class instances in the
// context tell states apart; what cannot be encoded is an error naming the field
// and how to supply an abstraction, and a supplied abstraction is used.
import { describe, expect, it } from 'vitest';
import { assign, fromPromise, setup } from 'xstate';
import { checkMachine, checkStrategy, formatCheckResult } from '../../src/check/index.js';
import { defaultContextKey, encodeField } from '../../src/check/abstraction.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { kindAwareRetry } from '../../examples/strategies/brokenData.js';

class Counter {
  constructor(readonly n: number) {}
}

describe('the default encoding', () => {
  it.each([
    ['Map', new Map([['a', 1]]), new Map([['a', 2]])],
    ['Map order', new Map([['a', 1], ['b', 2]]), new Map([['b', 2], ['a', 1]])],
    ['Set', new Set([1]), new Set([2])],
    ['Date', new Date(0), new Date(1)],
    ['class instance', new Counter(1), new Counter(2)],
    ['nested array', [[1], { x: 1 }], [[1], { x: 2 }]],
    ['deep object', { a: { b: { c: { d: { e: 1 } } } } }, { a: { b: { c: { d: { e: 2 } } } } }],
    ['typed array', new Uint8Array([1]), new Uint8Array([2])],
  ])('tells two %s values apart', (_what, a, b) => {
    expect(defaultContextKey({ f: a })).not.toBe(defaultContextKey({ f: b }));
  });

  it('encodes equal values alike, whatever object holds them', () => {
    expect(defaultContextKey({ m: new Map([['a', new Set([new Date(5)])]]) })).toBe(defaultContextKey({ m: new Map([['a', new Set([new Date(5)])]]) }));
    expect(defaultContextKey({ c: new Counter(3) })).toBe(defaultContextKey({ c: new Counter(3) }));
  });

  it('tells functions apart by identity', () => {
    const f = () => 1;
    expect(defaultContextKey({ f })).toBe(defaultContextKey({ f }));
    expect(defaultContextKey({ f })).not.toBe(defaultContextKey({ f: () => 1 }));
  });

  it.each([
    ['a WeakMap', { cache: new WeakMap() }, "context field 'cache'", 'a WeakMap'],
    ['a Promise deep inside', { jobs: [{ pending: Promise.resolve(1) }] }, "context field 'jobs[0].pending'", 'a Promise'],
    ['a Map value that is a WeakSet', { m: new Map([['k', new WeakSet()]]) }, 'context field \'m.get("k")\'', 'a WeakSet'],
  ])('refuses %s, naming the field and the abstractions to supply', (_what, context, field, what) => {
    let error: unknown;
    try {
      defaultContextKey(context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toContain(field);
    expect(message).toContain(what);
    expect(message).toMatch(/abstractions: \{ fieldName: \(value\) => \.\.\. \}.*contextKeys.*abstract.*--abstraction/);
  });

  it('refuses a cycle instead of cutting it off', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => encodeField(loop, 'loop')).toThrow(/context field 'loop\.self\.self.*nested more than 32 levels deep \(a cycle\?\)/);
  });
});

describe('in a check', () => {
  it('a bug that only a Map in the context reveals is found, not merged away into a false livelock', () => {
    const result = checkStrategy(kindAwareRetry);
    expect(result.violations.map((v) => v.property)).toEqual(['shutdown-accepted']);
    expect(result.violations[0]!.message).toMatch(/'pausing'/);
  });

  const holding = setup({
    types: {} as { context: { n: number; cache: WeakMap<object, number> }; events: { type: 'INC' } },
  }).createMachine({
    id: 'holding',
    initial: 'counting',
    context: { n: 0, cache: new WeakMap() },
    states: { counting: { on: { INC: { guard: ({ context }) => context.n < 2, actions: assign({ n: ({ context }) => context.n + 1 }) } } } },
  });

  it('an unencodable field stops the check with the error, and an abstraction for it lets it run', () => {
    expect(() => checkMachine(holding, { events: [{ type: 'INC' }] })).toThrow(/context field 'cache'.*a WeakMap/);
    const result = checkMachine(holding, { events: [{ type: 'INC' }], abstractions: { cache: () => 'any' } });
    if (!result.ok) throw new Error(formatCheckResult(result));
    expect(result.statesExplored).toBe(3);
  });

  it('class instances count by their own fields: equal instances are one state, different ones two', () => {
    const machine = setup({
      types: {} as { context: { c: Counter } },
      actors: { step: fromPromise(async () => 1) },
    }).createMachine({
      id: 'classy',
      initial: 'a',
      context: { c: new Counter(0) },
      states: {
        a: { invoke: { id: 'step', src: 'step', onDone: { target: 'a', reenter: true, actions: assign({ c: ({ context }) => new Counter(Math.min(2, context.c.n + 1)) }) }, onError: 'done' } },
        done: { type: 'final' },
      },
    });
    // c.n = 0, 1, 2 in `a` and in `done`: six states, though every step makes a new instance
    // (at n = 2 each step builds another Counter(2): the same state, or the space would never end).
    expect(checkMachine(machine, { liveness: false }).statesExplored).toBe(6);
  });
});
