// A plugin's listener on context.signal that throws (or rejects) when the signal
// aborts must not crash the process: Node reports a throwing EventTarget listener
// as an uncaught exception. The runtime aborts the signal (budget, restart,
// dispose, shutdown); the listener's error reaches the ErrorHandler instead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginError } from '../../src/errors/PluginError.js';
import { PluginRegistry } from '../../src/plugins/PluginRegistry.js';
import type { PluginContext } from '../../src/plugins/types.js';
import { gate, testPlugin } from './helpers.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let uncaught: unknown[];
const onUncaught = (error: unknown) => void uncaught.push(error);
beforeEach(() => {
  uncaught = [];
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});
afterEach(() => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
});

/** A registry whose plugin errors are collected. */
function registry(): { registry: PluginRegistry; handled: { error: Error; context: unknown }[] } {
  const handled: { error: Error; context: unknown }[] = [];
  const errors = { handle: (error: Error, context?: unknown) => void handled.push({ error, context }) };
  return { registry: new PluginRegistry({ logger: quiet, errors }), handled };
}

/** Lets the event loop run the ticks where Node would throw a listener's error. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('a throwing abort listener on context.signal', () => {
  it("an execute call's signal, aborted by its budget: the listener's error is reported, the process goes on", async () => {
    const { registry: r, handled } = registry();
    const held = gate();
    await r.register(
      testPlugin('thrower', {
        timeoutMs: 20,
        execute: async (_action, _params, context) => {
          context.signal.addEventListener('abort', () => {
            throw new Error('listener blew up');
          });
          context.signal.addEventListener('abort', { handleEvent: () => { throw new Error('object listener blew up'); } });
          context.signal.addEventListener('abort', async () => {
            throw new Error('async listener blew up');
          });
          await held.promise;
        },
      }),
    );
    await r.initializeAll();
    await expect(r.execute('thrower', 'run')).rejects.toThrow(/thrower/);
    await settle();
    held.open();
    expect(uncaught).toEqual([]);
    const messages = handled.map((h) => h.error.message);
    for (const what of ['listener blew up', 'object listener blew up', 'async listener blew up']) {
      expect(messages.some((m) => m.includes("plugin 'thrower'") && m.includes('context.signal') && m.includes(what)), what).toBe(true);
    }
    const listenerErrors = handled.filter((h) => h.error.message.includes('listener blew up'));
    for (const h of listenerErrors) {
      expect(h.error).toBeInstanceOf(PluginError);
      expect(h.context).toMatchObject({ plugin: 'thrower', operation: 'abort listener' });
    }
    await r.shutdownAll();
  });

  it("the plugin's own signal, aborted at dispose: onabort and addEventListener throwing are reported; removed listeners are not called", async () => {
    const { registry: r, handled } = registry();
    let removedCalled = false;
    let context: PluginContext | undefined;
    await r.register(
      testPlugin('disposer', {
        initialize: (c) => {
          context = c;
          c.signal.onabort = () => {
            throw new Error('onabort blew up');
          };
          const removed = () => void (removedCalled = true);
          c.signal.addEventListener('abort', removed);
          c.signal.removeEventListener('abort', removed);
          c.signal.addEventListener('abort', function (this: unknown, event) {
            // A listener still sees the signal as `this` and the abort event.
            if (this !== c.signal || event.type !== 'abort') throw new Error('wrong this or event');
            throw new Error('listener blew up');
          });
        },
      }),
    );
    await r.initializeAll();
    expect(typeof context!.signal.onabort).toBe('function');
    await r.unregister('disposer');
    await settle();
    expect(uncaught).toEqual([]);
    expect(removedCalled).toBe(false);
    const messages = handled.map((h) => h.error.message);
    expect(messages.some((m) => m.includes('onabort blew up'))).toBe(true);
    expect(messages.some((m) => m.includes('listener blew up'))).toBe(true);
    expect(messages.some((m) => m.includes('wrong this'))).toBe(false);
  });

  it('without an ErrorHandler the error goes to the logger', async () => {
    const logged: string[] = [];
    const logger = { ...quiet, error: (message: string) => void logged.push(message) };
    const r = new PluginRegistry({ logger });
    await r.register(
      testPlugin('logged', {
        initialize: (c) => {
          c.signal.addEventListener('abort', () => {
            throw new Error('listener blew up');
          });
        },
      }),
    );
    await r.initializeAll();
    await r.unregister('logged');
    await settle();
    expect(uncaught).toEqual([]);
    expect(logged.some((m) => m.includes("plugin 'logged'") && m.includes('listener blew up'))).toBe(true);
  });
});
