// Attacks between plugins through shared values: a subscriber of
// `plugin:executed` rewriting another plugin's result before its caller sees it,
// and one subscriber changing an event's payload for the next. Payloads and
// results are deep-frozen, so each attempt fails in the attacker's own handler
// and the victims receive what was sent.
import { describe, expect, test } from 'vitest';
import { PluginRegistry } from '../../src/plugins/index.js';
import { PluginError } from '../../src/errors/PluginError.js';
import type { EventBus } from '../../src/events/EventBus.js';
import { createEventBus } from '../../src/events/EventBus.js';
import { freezePayload } from '../../src/events/freezePayload.js';
import type { EventHandler } from '../../src/events/types.js';
import type { PluginContext } from '../../src/plugins/types.js';
import { testPlugin } from '../plugins/helpers.js';

/** A plugin that, once initialized, tampers with every `plugin:executed` it sees, and records whether it could. */
function tamperer(attempts: string[]) {
  return testPlugin('tamper', {
    initialize: (context: PluginContext) => {
      context.events.on('plugin:executed', (e) => {
        if (e.name === 'tamper') return;
        const result = e.result as { rows: { a: number }[]; total: number; meta: Map<string, string> };
        const tries: [string, () => void][] = [
          ['total', () => (result.total = 0)],
          ['push', () => result.rows.push({ a: 666 })],
          ['row', () => (result.rows[0]!.a = 666)],
          ['delete', () => delete (result as Partial<typeof result>).total],
          ['map', () => result.meta.set('owner', 'tamper')],
          ['event', () => ((e as { result: unknown }).result = 'replaced')],
        ];
        for (const [what, attempt] of tries) {
          try {
            attempt();
            attempts.push(`${what}: changed`);
          } catch (error) {
            attempts.push(`${what}: ${(error as Error).constructor.name}`);
          }
        }
      });
    },
  });
}

const victimResult = () => ({ rows: [{ a: 1 }, { a: 2 }], total: 2, meta: new Map([['owner', 'victim']]) });

async function registryWith(bus?: EventBus) {
  const attempts: string[] = [];
  const registry = new PluginRegistry(bus ? { bus } : {});
  await registry.register(tamperer(attempts));
  await registry.register(testPlugin('victim', { execute: () => victimResult() }));
  await registry.initializeAll();
  return { registry, attempts };
}

describe("a subscriber cannot change another plugin's result for its caller", () => {
  test('every tampering attempt in a plugin:executed handler fails, and the caller receives the result as returned', async () => {
    const { registry, attempts } = await registryWith();
    const result = (await registry.execute('victim', 'run')) as ReturnType<typeof victimResult>;
    expect(result.rows).toEqual([{ a: 1 }, { a: 2 }]);
    expect(result.total).toBe(2);
    expect(result.meta.get('owner')).toBe('victim');
    expect(attempts).toHaveLength(6);
    expect(attempts.filter((a) => a.endsWith('changed'))).toEqual([]);
    await registry.shutdownAll();
  });

  test('also with a user-supplied bus that does not freeze anything itself', async () => {
    const handlers = new Map<string, EventHandler[]>();
    const plainBus: EventBus = {
      on: (event, handler) => void handlers.set(event, [...(handlers.get(event) ?? []), handler as EventHandler]),
      off: (event, handler) => void handlers.set(event, (handlers.get(event) ?? []).filter((h) => h !== handler)),
      once: (event, handler) => void handlers.set(event, [...(handlers.get(event) ?? []), handler as EventHandler]),
      emit: (event, data) => {
        for (const h of [...(handlers.get(event) ?? []), ...(handlers.get('*') ?? [])]) {
          try {
            void h(data, event);
          } catch {
            // a tampering handler's TypeError stays with it
          }
        }
      },
      listEvents: () => [...handlers.keys()],
      hasListeners: (event) => (handlers.get(event)?.length ?? 0) > 0,
      removeAllListeners: () => handlers.clear(),
    };
    const { registry, attempts } = await registryWith(plainBus);
    const result = (await registry.execute('victim', 'run')) as ReturnType<typeof victimResult>;
    expect(result).toEqual(victimResult());
    expect(attempts.filter((a) => a.endsWith('changed'))).toEqual(['event: changed']); // its own copy of the event object only
    await registry.shutdownAll();
  });

  test('a result frozen only at its top (Object.freeze) is frozen all the way down', async () => {
    const attempts: string[] = [];
    const registry = new PluginRegistry();
    await registry.register(tamperer(attempts));
    await registry.register(testPlugin('victim', { execute: () => Object.freeze(victimResult()) }));
    await registry.initializeAll();
    const result = (await registry.execute('victim', 'run')) as ReturnType<typeof victimResult>;
    expect(result.rows[0]).toEqual({ a: 1 });
    expect(result.rows).toHaveLength(2);
    expect(attempts.filter((a) => a.endsWith('changed'))).toEqual([]);
    await registry.shutdownAll();
  });

  test('results that are not plain data pass unchanged: typed arrays, class instances, cycles, primitives', async () => {
    class Table {
      constructor(public numRows: number) {}
      grow() {
        this.numRows++;
      }
    }
    const cyclic: { self?: unknown; n: number } = { n: 1 };
    cyclic.self = cyclic;
    const values: Record<string, unknown> = { bytes: new Uint8Array([1, 2, 3]), table: new Table(3), cyclic, n: 42, s: 'x', none: null };
    const registry = new PluginRegistry();
    await registry.register(testPlugin('kinds', { execute: (action) => values[action], capabilities: Object.keys(values) }));
    await registry.initializeAll();
    const bytes = (await registry.execute('kinds', 'bytes')) as Uint8Array;
    bytes[0] = 9; // a typed array cannot be frozen: it arrives as returned
    expect(bytes[0]).toBe(9);
    const table = (await registry.execute('kinds', 'table')) as Table;
    table.grow();
    expect(table.numRows).toBe(4);
    const cycle = (await registry.execute('kinds', 'cyclic')) as typeof cyclic;
    expect(Object.isFrozen(cycle)).toBe(true);
    expect(cycle.self).toBe(cycle);
    await expect(registry.execute('kinds', 'n')).resolves.toBe(42);
    await expect(registry.execute('kinds', 'none')).resolves.toBeNull();
    await registry.shutdownAll();
  });
});

describe('one subscriber cannot change a payload for the next', () => {
  test("a plugin's own event reaches every subscriber as emitted", async () => {
    const registry = new PluginRegistry();
    const seen: unknown[] = [];
    const errors: string[] = [];
    await registry.register(
      testPlugin('source', {
        permissions: ['events'],
        execute: (_a, _p, context) => context.events.emit('source:data', { list: [1, 2], nested: { ok: true } }),
      }),
    );
    await registry.register(
      testPlugin('first', {
        initialize: (context) =>
          context.events.on('source:data', (data) => {
            const d = data as { list: number[]; nested: { ok: boolean } };
            try {
              d.list.push(3);
            } catch (error) {
              errors.push((error as Error).constructor.name);
            }
            try {
              d.nested.ok = false;
            } catch (error) {
              errors.push((error as Error).constructor.name);
            }
          }),
      }),
    );
    await registry.register(testPlugin('second', { initialize: (context) => context.events.on('source:data', (data) => void seen.push(structuredClone(data))) }));
    await registry.initializeAll();
    await registry.execute('source', 'run');
    expect(errors).toEqual(['TypeError', 'TypeError']);
    expect(seen).toEqual([{ list: [1, 2], nested: { ok: true } }]);
    await registry.shutdownAll();
  });

  test('the bus freezes object payloads deeply before the first handler, and leaves primitives alone', () => {
    const bus = createEventBus();
    const payload = { a: { b: [1, { c: 2 }] }, m: new Map([['k', { v: 1 }]]), s: new Set([1]) };
    let frozenInHandler = false;
    bus.on('x:y', (data) => {
      const d = data as typeof payload;
      frozenInHandler = Object.isFrozen(d) && Object.isFrozen(d.a.b) && Object.isFrozen(d.a.b[1]) && Object.isFrozen(d.m.get('k'));
    });
    bus.emit('x:y', payload);
    expect(frozenInHandler).toBe(true);
    expect(() => payload.m.set('k', { v: 2 })).toThrow();
    expect(() => payload.s.add(2)).toThrow();
    bus.emit('x:z', 5);
    expect(freezePayload('text')).toBe('text');
  });
});

describe('a result that cannot be frozen', () => {
  test('a throwing getter or a hostile Proxy fails that call with the error, and the plugin keeps answering', async () => {
    const registry = new PluginRegistry();
    const hostile: Record<string, () => unknown> = {
      getter: () => ({
        get boom(): never {
          throw new Error('getter says no');
        },
      }),
      proxy: () =>
        new Proxy(
          {},
          {
            getPrototypeOf() {
              throw new Error('proxy says no');
            },
          },
        ),
      fine: () => ({ ok: true }),
    };
    await registry.register(testPlugin('hostile', { capabilities: Object.keys(hostile), execute: (action) => hostile[action]!() }));
    await registry.initializeAll();
    const error = await registry.execute('hostile', 'getter').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).message).toMatch(/plugin 'hostile' returned a result from 'getter' that cannot be read to be frozen \(getter says no\); return plain data/);
    await expect(registry.execute('hostile', 'proxy')).rejects.toThrow(PluginError);
    await expect(registry.execute('hostile', 'fine')).resolves.toEqual({ ok: true });
    await registry.shutdownAll();
  });
});
