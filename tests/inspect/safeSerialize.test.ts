/** The relay's serializer turns anything found in a snapshot into bounded, plain JSON. */
import { describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { safeSerialize, serializeError } from '../../src/inspect/index.js';
import { PluginError } from '../../src/errors/index.js';

describe('safeSerialize', () => {
  it('keeps plain data as it is', () => {
    const value = { a: 1, b: 'x', c: [true, null, { d: 2.5 }] };
    expect(safeSerialize(value)).toEqual(value);
  });

  it('turns errors into { name, message } and keeps a DataPrism category and component', () => {
    expect(safeSerialize({ lastError: new RangeError('too big') })).toEqual({ lastError: { name: 'RangeError', message: 'too big' } });
    expect(serializeError(new PluginError('hook failed', { plugin: 'viz', phase: 'execute' }))).toMatchObject({
      name: 'PluginError',
      message: 'hook failed',
      category: 'plugin',
    });
    expect(serializeError('plain string')).toEqual({ name: 'Error', message: 'plain string' });
  });

  it('replaces actor refs, functions, bigint, symbols, dates, maps, sets and typed arrays with readable stand-ins', () => {
    const actor = createActor(createMachine({ id: 'm' }), { id: 'child' });
    const out = safeSerialize({
      ref: actor,
      fn: function namedThing() {},
      big: 2n ** 70n,
      sym: Symbol('s'),
      when: new Date(Date.UTC(2024, 0, 2)),
      map: new Map<unknown, unknown>([['k', 1], [3, 'three']]),
      set: new Set([1, 2]),
      bytes: new Uint8Array(16),
      nan: Number.NaN,
      missing: undefined,
    });
    expect(out).toEqual({
      ref: { $actor: actor.sessionId, id: 'child' },
      fn: '[Function namedThing]',
      big: '1180591620717411303424n',
      sym: 'Symbol(s)',
      when: '2024-01-02T00:00:00.000Z',
      map: { k: 1, '3': 'three' },
      set: [1, 2],
      bytes: '[Uint8Array 16 bytes]',
      nan: 'NaN',
    });
  });

  it('cuts cycles but keeps shared (non-cyclic) references', () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic['self'] = cyclic;
    expect(safeSerialize(cyclic)).toEqual({ shared: { n: 1 }, again: { n: 1 }, self: '[Circular]' });
  });

  it('bounds depth, array length, key count and string length', () => {
    const deep = { a: { b: { c: { d: [1] } } } };
    expect(safeSerialize(deep, { maxDepth: 3 })).toEqual({ a: { b: { c: '[Object]' } } });
    expect(safeSerialize(Array.from({ length: 10 }, (_, i) => i), { maxArrayItems: 3 })).toEqual([0, 1, 2, '…7 more items']);
    const wide = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, i]));
    expect(safeSerialize(wide, { maxKeys: 2 })).toEqual({ k0: 0, k1: 1, '…': '3 more keys' });
    expect(safeSerialize('x'.repeat(20), { maxStringLength: 5 })).toBe('xxxxx…(20 chars)');
  });

  it('survives getters that throw', () => {
    const hostile = Object.defineProperty({}, 'bad', { enumerable: true, get: () => { throw new Error('nope'); } });
    expect(safeSerialize(hostile)).toEqual({ bad: '[getter threw: nope]' });
  });

  it('always produces something JSON.stringify accepts', () => {
    const value = { big: 1n, self: undefined as unknown };
    value.self = value;
    expect(() => JSON.stringify(safeSerialize(value))).not.toThrow();
  });

  it('keeps an own __proto__ key (as JSON.parse makes it) as data, never as the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
    const out = safeSerialize(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true},"a":1}');
    const map = safeSerialize(new Map([['__proto__', { polluted: true }]])) as Record<string, unknown>;
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(JSON.stringify(map)).toBe('{"__proto__":{"polluted":true}}');
  });
});
