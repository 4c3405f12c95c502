// Machine state ids decide which snapshots are the same state, so they must
// agree exactly with the documented abstraction: two snapshots of one
// configuration get one id exactly when their contexts encode alike
// (defaultContextKey). Checked on generated contexts full of the cases where
// hashing and encoding could part ways: -0 and 0, NaN, a bigint and a number
// that print alike, equal errors in different objects, fields the encoding
// skips (functions, symbols, class instances), nested values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { defaultContextKey } from '../../src/check/abstraction.js';
import { machineIds } from '../../src/check/machineIds.js';

class Instance {
  constructor(readonly n: number) {}
}
const fn = () => 1;

const value = fc.constantFrom<unknown>(
  0, -0, 1, 2.5, NaN, 2 ** 40, 1n, 2n ** 70n, 'a', '1', '', true, false, undefined, null, fn, Symbol.for('s'),
  new Error('boom'), Object.assign(new Error('boom'), { extra: 1 }), new TypeError('boom'), new Error('other'),
  [], [fn], [1, 'a'], [1, 'a'], { a: 1 }, { a: 1 }, { a: { b: { c: { d: 1 } } } }, new Instance(1),
);
const context = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), value), { maxLength: 4 }).map((fields) => {
  const record: Record<string, unknown> = {};
  for (const [k, v] of fields) record[k] = v;
  return record;
});

const snapshot = (ctx: unknown, value = 'waiting', children: Record<string, unknown> = {}): AnyMachineSnapshot =>
  ({ value, children, status: 'active', context: ctx }) as unknown as AnyMachineSnapshot;

describe('machineIds (default abstraction)', () => {
  it('gives two snapshots one id exactly when their contexts encode alike', () => {
    fc.assert(
      fc.property(fc.array(context, { minLength: 2, maxLength: 12 }), (contexts) => {
        const ids = machineIds({});
        const got = contexts.map((c) => ids.id(snapshot(c)));
        for (let i = 0; i < contexts.length; i++) {
          for (let j = 0; j < contexts.length; j++) {
            expect(got[i] === got[j]).toBe(defaultContextKey(contexts[i]) === defaultContextKey(contexts[j]));
          }
        }
        expect(ids.count()).toBe(new Set(contexts.map((c) => defaultContextKey(c))).size);
      }),
      { numRuns: 500 },
    );
  });

  it('tells configurations apart: state value, running children and status', () => {
    const ids = machineIds({});
    const ctx = { n: 1 };
    const a = ids.id(snapshot(ctx, 'waiting'));
    expect(ids.id(snapshot({ n: 1 }, 'waiting'))).toBe(a);
    expect(ids.id(snapshot(ctx, 'attempting'))).not.toBe(a);
    expect(ids.id(snapshot(ctx, 'waiting', { attempt: {} }))).not.toBe(a);
    expect(ids.id(snapshot(ctx, 'waiting', { attempt: {} }))).toBe(ids.id(snapshot({ n: 1 }, 'waiting', { attempt: {} })));
    expect(ids.id({ ...snapshot(ctx, 'waiting'), status: 'done' } as AnyMachineSnapshot)).not.toBe(a);
    expect(ids.count()).toBe(4);
  });

  it('with contextKeys, only those fields count', () => {
    const ids = machineIds({ contextKeys: ['n'] });
    expect(ids.id(snapshot({ n: 1, noise: 1 }))).toBe(ids.id(snapshot({ n: 1, noise: 2 })));
    expect(ids.id(snapshot({ n: 2, noise: 1 }))).not.toBe(ids.id(snapshot({ n: 1, noise: 1 })));
  });
});
