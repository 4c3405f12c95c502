/**
 * The code that runs inside a plugin's worker (a `worker_threads` Worker in Node,
 * a module Web Worker in the browser). It imports the plugin's module, builds a
 * PluginContext whose every method is a message to the host (PluginWorkerHost),
 * and runs the hooks the host asks for.
 *
 * `workerMain` is shipped as source text (`WORKER_SOURCE`), so it must stand
 * alone: no imports, no references outside its own body. The message shapes it
 * speaks are the ones typed in workerProtocol.ts.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- this body is serialized and runs without the module's types */
export function workerMain(): void {
  const g = globalThis as any;
  const inNode = typeof g.process === 'object' && typeof g.process?.versions?.node === 'string' && typeof g.require === 'function';
  let post: (message: unknown) => void;
  let listen: (handler: (message: any) => void) => void;
  if (inNode) {
    const { parentPort } = g.require('node:worker_threads');
    post = (message) => parentPort.postMessage(message);
    listen = (handler) => parentPort.on('message', handler);
  } else {
    post = (message) => g.postMessage(message);
    listen = (handler) => g.addEventListener('message', (event: any) => handler(event.data));
  }

  const asError = (value: any) => {
    if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
    return { name: 'Error', message: typeof value === 'string' ? value : 'the plugin threw a value that is not an Error' };
  };
  const deepFreeze = (value: any): any => {
    if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
      Object.freeze(value);
      for (const key of Object.keys(value)) deepFreeze(value[key]);
    }
    return value;
  };

  // Through Function so that no transpiler rewrites this import() for its own module system.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fixed source text, not data
  const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;
  let plugin: any;
  let context: any;
  const controller = new AbortController();
  const calls = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const handlers = new Map<string, Set<(data: unknown, event: string) => unknown>>();
  let seq = 0;
  const call = (op: string, args: unknown[]) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      calls.set(id, { resolve, reject });
      try {
        post({ type: 'call', id, op, args });
      } catch (error) {
        calls.delete(id);
        reject(new TypeError(`the arguments of ${op}() cannot be sent to the host (${(error as Error).message}); pass plain data`));
      }
    });

  const buildContext = (init: any) => {
    const namespace = `${init.name}:`;
    const subscribe = (event: string, handler: any, once: boolean) => {
      if (typeof handler !== 'function') throw new TypeError(`the handler for '${event}' must be a function`);
      let set = handlers.get(event);
      if (set === undefined) {
        handlers.set(event, (set = new Set()));
        post({ type: 'subscribe', event });
      }
      const wrapped = once
        ? (data: unknown, name: string) => {
            off(event, wrapped);
            return handler(data, name);
          }
        : handler;
      set.add(wrapped);
    };
    const off = (event: string, handler: any) => {
      const set = handlers.get(event);
      if (set === undefined) return;
      set.delete(handler);
      if (set.size === 0) {
        handlers.delete(event);
        post({ type: 'unsubscribe', event });
      }
    };
    const log = (level: string) => (message: unknown, ...args: unknown[]) => {
      try {
        post({ type: 'log', level, message: String(message), args });
      } catch {
        post({ type: 'log', level, message: String(message), args: [] });
      }
    };
    return Object.freeze({
      name: init.name,
      config: deepFreeze(init.config ?? {}),
      permissions: Object.freeze([...init.permissions]),
      signal: controller.signal,
      events: Object.freeze({
        on: (event: string, handler: any) => subscribe(event, handler, false),
        once: (event: string, handler: any) => subscribe(event, handler, true),
        off,
        emit(event: string, data?: unknown) {
          // The host checks again with the real context; this answers the plugin at once.
          if (typeof event !== 'string' || !event.startsWith(namespace) || event.length === namespace.length) {
            throw new Error(`plugin '${init.name}' may only emit events named '${namespace}<event>', not '${String(event)}'`);
          }
          if (!init.permissions.includes('events')) {
            throw new Error(`plugin '${init.name}' may not emit '${event}': it lacks the 'events' permission; declare it in the plugin's permissions`);
          }
          post({ type: 'emit', event, data });
        },
      }),
      logger: Object.freeze({ debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }),
      query: (sql: string, params?: unknown[]) => call('query', params === undefined ? [sql] : [sql, params]),
      queryArrow: () =>
        Promise.reject(new Error(`queryArrow() is not available to a plugin in a worker (an Arrow table cannot cross to it); use query()`)),
      loadData: (data: unknown, tableName: string, options?: unknown) => call('loadData', options === undefined ? [data, tableName] : [data, tableName, options]),
      allocate: (size: number, type: string) => call('allocate', [size, type]),
      free: (handle: { id: string }) => call('free', [handle?.id]),
    });
  };

  const runHook = async (message: any) => {
    try {
      let value: unknown;
      if (message.hook === 'initialize') value = await plugin.initialize(context);
      else if (message.hook === 'execute') value = await plugin.execute(message.action, message.params, context);
      else {
        controller.abort();
        value = await plugin.dispose();
      }
      try {
        post({ type: 'hookDone', id: message.id, ok: true, value: message.hook === 'execute' ? value : undefined });
      } catch (error) {
        post({ type: 'hookDone', id: message.id, ok: false, error: { name: 'TypeError', message: `its result cannot be sent to the host (${(error as Error).message}); return plain data` } });
      }
    } catch (error) {
      post({ type: 'hookDone', id: message.id, ok: false, error: asError(error) });
    }
  };

  listen((message: any) => {
    switch (message?.type) {
      case 'init':
        importModule(message.module).then(
          (mod: any) => {
            const found = mod?.default ?? mod?.plugin;
            const missing = ['initialize', 'execute', 'dispose'].filter((h) => typeof found?.[h] !== 'function');
            if (missing.length > 0) {
              post({ type: 'failed', error: { name: 'TypeError', message: `module ${message.module} exports no plugin hooks (${missing.join(', ')} missing); export default { initialize, execute, dispose }` } });
              return;
            }
            plugin = found;
            context = buildContext(message);
            post({ type: 'ready' });
          },
          (error: unknown) => post({ type: 'failed', error: asError(error) }),
        );
        return;
      case 'hook':
        void runHook(message);
        return;
      case 'answer': {
        const pending = calls.get(message.id);
        if (pending === undefined) return;
        calls.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
        return;
      }
      case 'event':
        for (const handler of [...(handlers.get(message.event) ?? [])]) {
          try {
            const result = handler(message.data, message.event);
            if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, (error) => post({ type: 'log', level: 'error', message: `a handler of '${message.event}' failed: ${asError(error).message}`, args: [] }));
          } catch (error) {
            post({ type: 'log', level: 'error', message: `a handler of '${message.event}' threw: ${asError(error).message}`, args: [] });
          }
        }
        return;
      default:
        return;
    }
  });
}

/**
 * `workerMain` as the source of a worker. The `__name` shim keeps it runnable when a
 * transpiler that preserves function names (esbuild's keepNames) wrapped its inner functions.
 */
export const WORKER_SOURCE = `var __name = (f) => f;\n(${workerMain.toString()})();\n`;
