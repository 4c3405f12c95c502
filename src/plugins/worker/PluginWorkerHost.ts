/**
 * Runs a plugin's hooks in a worker of its own (`isolation: 'worker'`): a
 * `worker_threads` Worker in Node, a module Web Worker in the browser. The
 * worker imports the plugin's module (`module`: an absolute path or URL whose
 * default export, or `plugin` export, has the three hooks); its PluginContext is
 * a proxy whose calls come here as messages and are answered by the plugin's
 * real context, so permissions, namespaces and resources are enforced on this
 * side exactly as for an in-process plugin.
 *
 * Each hook call has the plugin's time budget. A hook still running when it
 * ends (a synchronous loop included: the host's thread is free, the worker's is
 * not) is ended by terminating the worker; every call in flight fails, the
 * failure reaches the supervisor like any hook failure, and the plugin's next
 * start (a restart by its recovery policy, or `registry.restart`) gets a new worker.
 */
import { LifecycleError } from '../../errors/LifecycleError.js';
import { PluginError } from '../../errors/PluginError.js';
import { TimeoutError } from '../../errors/TimeoutError.js';
import { toError } from '../../errors/DataPrismError.js';
import type { EventHandler, Logger } from '../../events/types.js';
import type { DataPrismPlugin, PluginContext, ResourceHandleLike } from '../types.js';
import { platform } from '../../platform/host.js';
import type { ScriptWorkerHooks } from '../../platform/types.js';
import { WORKER_SOURCE } from './workerMain.js';

/** What the host needs of a worker plugin's declaration. */
export interface WorkerPluginSource {
  readonly name: string;
  /** Absolute path or URL of the ES module that exports the plugin's hooks. */
  readonly module: string;
  /** Time budget of each hook call, in ms. */
  readonly timeoutMs: number;
}

/** The hooks of a plugin whose code runs in a worker. */
export type WorkerHooks = Pick<DataPrismPlugin, 'initialize' | 'execute' | 'dispose'>;

/** A serialized error, as it crosses the worker boundary. */
interface WireError {
  name: string;
  message: string;
  stack?: string;
}

/** Messages the worker sends (see workerMain.ts). */
type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; error: WireError }
  | { type: 'hookDone'; id: number; ok: boolean; value?: unknown; error?: WireError }
  | { type: 'call'; id: number; op: 'query' | 'loadData' | 'allocate' | 'free'; args: unknown[] }
  | { type: 'subscribe' | 'unsubscribe'; event: string }
  | { type: 'emit'; event: string; data: unknown }
  | { type: 'log'; level: keyof Logger; message: string; args: unknown[] };

/** The platform's worker, reduced to what the host uses. */
interface WorkerLike {
  post(message: unknown): void;
  terminate(): void;
}

interface Hooks {
  message(message: FromWorker): void;
  died(error: Error): void;
}

/** Starts a worker running WORKER_SOURCE: worker_threads where there is no Web Worker, a module Web Worker otherwise. */
async function startWorker(hooks: Hooks): Promise<WorkerLike> {
  const WebWorker = (globalThis as { Worker?: new (url: string, options: { type: 'module'; name?: string }) => Worker }).Worker;
  if (WebWorker !== undefined) {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new WebWorker(url, { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) => hooks.message(event.data));
    worker.addEventListener('error', (event: ErrorEvent) => hooks.died(new Error(event.message || 'the worker failed')));
    return {
      post: (message) => worker.postMessage(message),
      terminate: () => {
        worker.terminate();
        URL.revokeObjectURL(url);
      },
    };
  }
  // worker_threads live in the Node host module, which browser builds never see.
  return platform.startScriptWorker(WORKER_SOURCE, hooks as ScriptWorkerHooks);
}

/** The module specifier the worker imports: a URL as given, an absolute path as a file: URL. */
export function workerModuleUrl(module: string): string | undefined {
  if (/^(file|https?|data|blob):/i.test(module)) return module;
  if (module.startsWith('/')) return `file://${encodeURI(module)}`;
  if (/^[A-Za-z]:[\\/]/.test(module)) return `file:///${encodeURI(module.replace(/\\/g, '/'))}`;
  return undefined;
}

interface PendingHook {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One plugin's worker across its starts: a new worker per start, ended at dispose or when a hook overruns. */
export class PluginWorkerHost {
  private worker: WorkerLike | undefined;
  private context: PluginContext | undefined;
  private readonly hooks = new Map<number, PendingHook>();
  private readonly subscriptions = new Map<string, EventHandler>();
  private readonly handles = new Map<string, ResourceHandleLike>();
  private ready: PendingHook | undefined;
  /** Why the current worker is gone, once it is. */
  private dead: Error | undefined;
  private seq = 0;

  constructor(private readonly source: WorkerPluginSource) {}

  /** The hooks the registry runs. */
  hooksFor(): WorkerHooks {
    return {
      initialize: (context) => this.initialize(context),
      execute: (action, params) => this.run('execute', { action, params }),
      dispose: () => this.dispose(),
    };
  }

  private async initialize(context: PluginContext): Promise<void> {
    this.end(undefined);
    this.context = context;
    this.dead = undefined;
    const url = workerModuleUrl(this.source.module)!;
    // Each worker's messages and death count only while it is the current one: a terminated
    // worker's late 'exit' must not end its successor.
    // Assigned once below, after the worker whose callbacks read it has started.
    // eslint-disable-next-line prefer-const
    let current: WorkerLike | undefined;
    const started = await startWorker({
      message: (m) => {
        if (current !== undefined && this.worker === current) this.received(m);
      },
      died: (e) => {
        if (current !== undefined && this.worker === current) this.died(e);
      },
    });
    if (this.context !== context) {
      started.terminate();
      return;
    }
    current = started;
    this.worker = started;
    const loaded = new Promise<unknown>((resolve, reject) => (this.ready = { resolve, reject }));
    this.post({ type: 'init', module: url, name: this.source.name, config: context.config, permissions: [...context.permissions] });
    await this.withinBudget(loaded, 'loading its module');
    await this.run('initialize', {});
  }

  private async dispose(): Promise<void> {
    if (this.worker === undefined) return;
    try {
      if (this.dead === undefined) await this.run('dispose', {});
    } finally {
      this.end(undefined);
    }
  }

  /** Runs one hook in the worker under the plugin's budget. */
  private run(hook: 'initialize' | 'execute' | 'dispose', fields: { action?: string; params?: unknown }): Promise<unknown> {
    if (this.worker === undefined || this.dead !== undefined) {
      return Promise.reject(
        this.dead ??
          new LifecycleError(`plugin '${this.source.name}' has no worker running; initialize it first`, { component: `plugin:${this.source.name}`, state: 'disposed' }),
      );
    }
    const id = ++this.seq;
    const done = new Promise<unknown>((resolve, reject) => this.hooks.set(id, { resolve, reject }));
    try {
      this.post({ type: 'hook', id, hook, ...fields });
    } catch (error) {
      this.hooks.delete(id);
      return Promise.reject(
        new PluginError(`the params of '${fields.action ?? hook}' cannot be sent to plugin '${this.source.name}' in its worker (${toError(error).message}); pass plain data`, {
          plugin: this.source.name,
          phase: hook,
        }),
      );
    }
    return this.withinBudget(done, fields.action === undefined ? hook : `${hook}('${fields.action}')`);
  }

  /** `work`, or — when the budget ends first — the worker terminated and a TimeoutError. */
  private withinBudget<T>(work: Promise<T>, what: string): Promise<T> {
    const { timeoutMs, name } = this.source;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new TimeoutError(
          `plugin '${name}' ${what} ran in its worker for longer than ${timeoutMs} ms; the worker was terminated and the plugin restarts by its recovery policy (or registry.restart('${name}'))`,
          { timeoutMs, operation: `plugin:${name}.${what}`, component: `plugin:${name}` },
        );
        this.end(error);
        reject(error);
      }, timeoutMs);
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(toError(error));
        },
      );
    });
  }

  private post(message: unknown): void {
    this.worker!.post(message);
  }

  /** Terminates the current worker (if any); every call in flight fails with `why`. */
  private end(why: Error | undefined): void {
    const worker = this.worker;
    this.worker = undefined;
    const reason =
      why ?? new LifecycleError(`plugin '${this.source.name}' was stopped while a call was running in its worker`, { component: `plugin:${this.source.name}`, state: 'disposing' });
    this.dead = why;
    this.failAll(reason);
    for (const [event, handler] of this.subscriptions) this.context?.events.off(event, handler);
    this.subscriptions.clear();
    this.handles.clear();
    worker?.terminate();
  }

  private died(error: Error): void {
    const reason = new PluginError(`the worker of plugin '${this.source.name}' stopped (${error.message}); it restarts by its recovery policy (or registry.restart('${this.source.name}'))`, {
      plugin: this.source.name,
      phase: 'worker',
      cause: error,
    });
    this.end(reason);
  }

  private failAll(error: Error): void {
    const pending = [...this.hooks.values()];
    this.hooks.clear();
    if (this.ready !== undefined) pending.push(this.ready);
    this.ready = undefined;
    for (const p of pending) p.reject(error);
  }

  private received(message: FromWorker): void {
    const context = this.context;
    if (context === undefined) return;
    switch (message.type) {
      case 'ready':
        this.ready?.resolve(undefined);
        this.ready = undefined;
        return;
      case 'failed':
        this.ready?.reject(
          new PluginError(`plugin '${this.source.name}' could not load its module ${this.source.module} in its worker: ${message.error.message}`, {
            plugin: this.source.name,
            phase: 'initialize',
          }),
        );
        this.ready = undefined;
        return;
      case 'hookDone': {
        const pending = this.hooks.get(message.id);
        if (pending === undefined) return;
        this.hooks.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(fromWire(message.error));
        return;
      }
      case 'call':
        void this.answer(context, message);
        return;
      case 'subscribe': {
        if (this.subscriptions.has(message.event)) return;
        const handler: EventHandler = (data, event) => this.forward(event, data);
        this.subscriptions.set(message.event, handler);
        context.events.on(message.event, handler);
        return;
      }
      case 'unsubscribe': {
        const handler = this.subscriptions.get(message.event);
        this.subscriptions.delete(message.event);
        if (handler) context.events.off(message.event, handler);
        return;
      }
      case 'emit':
        try {
          context.events.emit(message.event, message.data);
        } catch (error) {
          context.logger.warn(`an event from its worker was refused: ${toError(error).message}`);
        }
        return;
      case 'log': {
        const log = context.logger[message.level]?.bind(context.logger);
        if (typeof log === 'function') log(message.message, ...(Array.isArray(message.args) ? message.args : []));
        return;
      }
    }
  }

  private forward(event: string, data: unknown): void {
    if (this.worker === undefined) return;
    try {
      this.post({ type: 'event', event, data });
    } catch (error) {
      this.context?.logger.warn(`event '${event}' could not be sent to its worker (${toError(error).message})`);
    }
  }

  /** Answers one context call of the worker with the real context's outcome. */
  private async answer(context: PluginContext, message: Extract<FromWorker, { type: 'call' }>): Promise<void> {
    let reply: { ok: true; value: unknown } | { ok: false; error: WireError };
    try {
      reply = { ok: true, value: await this.perform(context, message) };
    } catch (error) {
      const e = toError(error);
      reply = { ok: false, error: { name: e.name, message: e.message } };
    }
    if (this.context !== context || this.worker === undefined) return;
    try {
      this.post({ type: 'answer', id: message.id, ...reply });
    } catch (error) {
      this.post({ type: 'answer', id: message.id, ok: false, error: { name: 'TypeError', message: `the answer cannot be sent to the worker (${toError(error).message})` } });
    }
  }

  private async perform(context: PluginContext, { op, args }: Extract<FromWorker, { type: 'call' }>): Promise<unknown> {
    switch (op) {
      case 'query':
        return args.length > 1 ? context.query(args[0] as string, args[1] as unknown[]) : context.query(args[0] as string);
      case 'loadData':
        return (context.loadData as (...a: unknown[]) => Promise<unknown>)(...args);
      case 'allocate': {
        const handle = await context.allocate(args[0] as number, args[1] as string);
        this.handles.set(handle.id, handle);
        return { id: handle.id, size: handle.size, type: handle.type };
      }
      case 'free': {
        const handle = this.handles.get(args[0] as string);
        if (handle === undefined) throw new PluginError(`plugin '${this.source.name}' freed a handle it does not hold`, { plugin: this.source.name, phase: 'resources' });
        this.handles.delete(handle.id);
        return context.free(handle);
      }
      default:
        throw new PluginError(`plugin '${this.source.name}' asked its context for an unknown operation`, { plugin: this.source.name, phase: 'worker' });
    }
  }
}

function fromWire(error: WireError | undefined): Error {
  const e = new Error(error?.message ?? 'the hook failed in the worker');
  if (error?.name) e.name = error.name;
  if (error?.stack) e.stack = error.stack;
  return e;
}

/** The hooks of a plugin declared with `isolation: 'worker'`: each registration gets a host of its own. */
export function workerHooks(source: WorkerPluginSource): WorkerHooks {
  return new PluginWorkerHost(source).hooksFor();
}
