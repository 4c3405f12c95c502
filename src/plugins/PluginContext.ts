/**
 * Builds the PluginContext a plugin receives: a frozen view of its config
 * section, the event bus namespaced for emitting, a prefixed logger, and the
 * engine and resources behind its declared permissions. Each start of a plugin
 * gets a fresh context; `revoke()` ends it (subscriptions removed, resources
 * freed, later calls refused), which is what "restart from a clean state" means.
 */
import { freeze } from 'immer';
import { EngineError } from '../errors/EngineError.js';
import { defineSignal, LazySignal, refuseAborted, withSignal } from './hookSignal.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { PluginError } from '../errors/PluginError.js';
import { QueryError } from '../errors/QueryError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { toError } from '../errors/DataPrismError.js';
import type { EventHandler, Logger } from '../events/types.js';
import { FULL_ACCESS, type StatementAccess } from '../engine/access.js';
import { accessOf, refusalReason } from './sqlGuard.js';
import { listenerErrorReporter } from './guardedSignal.js';
import type {
  DataPrismPlugin,
  EngineLike,
  PluginContext,
  PluginPermission,
  PluginQueryOptions,
  PluginServices,
  QueryResultLike,
  ResourceHandleLike,
} from './types.js';

/** A context and the means to end it. */
export interface PluginContextLease {
  context: PluginContext;
  /** Removes the plugin's subscriptions, frees what it allocated and refuses later calls. */
  revoke(): Promise<void>;
  /**
   * The same as `revoke()`, but returns a promise only when there is something
   * to wait for (the resources the plugin allocated, when a ResourceManager is
   * attached); otherwise the context is ended when it returns.
   */
  revokeNow(): Promise<void> | undefined;
  /** Aborts `context.signal` with `reason` (the hook's budget ran out, or shutdown began); later calls are refused. */
  abort(reason: Error): void;
  /** Reports an abort listener's failure (see guardedSignal.ts), for the signals of this start's execute calls. */
  readonly reportListenerError: (error: Error) => void;
  /**
   * Runs `listener` once, when `context.signal` aborts (at once if it has);
   * `reason()` gives the abort's reason. Unlike listening on the signal, this
   * does not make the signal, which is made only when a hook reads it.
   */
  onAbort(listener: (reason: () => unknown) => void): void;
}

/** The owner name under which a plugin's resources are allocated. */
export function ownerOf(name: string): string {
  return `plugin:${name}`;
}

/** Creates a prefixed logger: `[plugin:<name>] message`. */
export function prefixedLogger(logger: Logger, name: string): Logger {
  const prefix = `[plugin:${name}]`;
  return {
    debug: (message, ...args) => logger.debug(`${prefix} ${message}`, ...args),
    info: (message, ...args) => logger.info(`${prefix} ${message}`, ...args),
    warn: (message, ...args) => logger.warn(`${prefix} ${message}`, ...args),
    error: (message, ...args) => logger.error(`${prefix} ${message}`, ...args),
  };
}

/** Creates the context of one start of `plugin`, with `config` as its section. */
export function createPluginContext(plugin: DataPrismPlugin, config: unknown, services: PluginServices): PluginContextLease {
  const name = plugin.name;
  const permissions: readonly PluginPermission[] = Object.freeze([...(plugin.permissions ?? [])]);
  const granted = new Set(permissions);
  const subscriptions: { event: string; handler: EventHandler }[] = [];
  let revoked = false;
  // Aborted when the start this context belongs to ends or is told to stop.
  const reportListenerError = listenerErrorReporter(name, services);
  // Its AbortSignal, made when a hook reads it, has its listeners guarded.
  const life = new LazySignal(reportListenerError);

  const refuse = (what: string, permission: PluginPermission, hint = ''): PluginError =>
    new PluginError(`plugin '${name}' may not ${what}: it lacks the '${permission}' permission; declare it in the plugin's permissions${hint}`, {
      plugin: name,
      phase: 'permission',
    });
  const alive = (what: string) => {
    refuseAborted(life, name, what);
    if (revoked) {
      throw new LifecycleError(`plugin '${name}' used its context (${what}) after it was disposed; keep no references to the context past dispose()`, {
        component: ownerOf(name),
        state: 'disposed',
      });
    }
  };
  const engine = (): EngineLike => {
    const e = services.engine?.();
    if (!e) {
      throw new EngineError(`plugin '${name}' needs the engine, but none is attached; pass \`engine\` to the PluginRegistry or use it inside an initialized orchestrator`, {
        component: ownerOf(name),
      });
    }
    return e;
  };
  const declared = accessOf(granted);
  const readOnly = Object.freeze({ ...declared, write: false });
  // The engine enforces the rights (DataPrismEngine.queryAs); this only picks them and explains DuckDB's refusals.
  const run = async <T>(
    what: string,
    sql: string,
    options: PluginQueryOptions | undefined,
    plain: (e: EngineLike) => Promise<T> | undefined,
    restricted: (e: EngineLike, access: StatementAccess) => Promise<T> | undefined,
  ): Promise<T> => {
    alive(what);
    if (typeof sql !== 'string') throw new QueryError(`plugin '${name}' passed a ${typeof sql} as SQL; pass a string`, { component: ownerOf(name) });
    if (!granted.has('engine:read')) throw refuse('query the engine', 'engine:read');
    const access = options?.readOnly === true ? readOnly : declared;
    const e = engine();
    const full = access.write && access.files;
    const pending = full && typeof e.queryAs !== 'function' ? plain(e) : restricted(e, full ? FULL_ACCESS : access);
    if (pending === undefined) {
      throw new EngineError(
        `plugin '${name}' cannot ${what}: the attached engine does not enforce plugin permissions (it has no ${what}As()); attach a DataPrismEngine`,
        { component: ownerOf(name) },
      );
    }
    try {
      return await pending;
    } catch (error) {
      throw explain(error, sql, access);
    }
  };
  const explain = (error: unknown, sql: string, access: StatementAccess): unknown => {
    if (!(error instanceof QueryError)) return error;
    const reason = refusalReason(sql, error.message, access);
    if (reason === null) return error;
    const rights = access.write ? '' : access === readOnly && granted.has('engine:write') ? ' (this query runs read-only)' : " (it lacks the 'engine:write' permission)";
    return new PluginError(`plugin '${name}' may only run ${access.write ? 'single statements' : 'read-only queries'}${rights}, and this statement is refused because ${reason}`, {
      plugin: name,
      phase: 'permission',
      cause: error,
    });
  };

  const bus = services.bus;
  const namespace = `${name}:`;
  const events = Object.freeze({
    on(event: string, handler: EventHandler): void {
      alive('events.on');
      bus.on(event, handler);
      subscriptions.push({ event, handler });
    },
    once(event: string, handler: EventHandler): void {
      alive('events.once');
      bus.once(event, handler);
      subscriptions.push({ event, handler });
    },
    off(event: string, handler: EventHandler): void {
      bus.off(event, handler);
      const i = subscriptions.findIndex((s) => s.event === event && s.handler === handler);
      if (i >= 0) subscriptions.splice(i, 1);
    },
    emit(event: string, data?: unknown): void {
      alive('events.emit');
      if (typeof event !== 'string' || !event.startsWith(namespace) || event.length === namespace.length) {
        throw new PluginError(`plugin '${name}' may only emit events named '${namespace}<event>', not '${String(event)}'`, {
          plugin: name,
          phase: 'events',
        });
      }
      if (!granted.has('events')) throw refuse(`emit '${event}'`, 'events');
      bus.emit(event, data);
    },
  });

  const fields: Omit<PluginContext, 'signal'> = {
    name,
    config: frozenCopy(config ?? {}),
    permissions,
    events,
    logger: prefixedLogger(services.logger, name),
    query(sql: string, params?: readonly unknown[], options?: PluginQueryOptions): Promise<QueryResultLike> {
      return run(
        'query',
        sql,
        options,
        (e) => (params === undefined ? e.query(sql) : e.query(sql, params)),
        (e, access) => e.queryAs?.(access, sql, params),
      );
    },
    queryArrow(sql: string, options?: PluginQueryOptions): Promise<unknown> {
      return run(
        'queryArrow',
        sql,
        options,
        (e) => e.queryArrow?.(sql),
        (e, access) => e.queryArrowAs?.(access, sql),
      );
    },
    async loadData(data: unknown, tableName: string, options?: unknown) {
      alive('loadData');
      if (!granted.has('engine:write')) throw refuse(`load data into '${tableName}'`, 'engine:write');
      const e = engine();
      if (typeof e.loadData !== 'function') {
        throw new EngineError(`the attached engine has no loadData(); create the table with SQL instead`, { component: ownerOf(name) });
      }
      return e.loadData(data, tableName, options);
    },
    async loadFile(source: unknown, tableName: string, options?: unknown) {
      alive('loadFile');
      if (!granted.has('engine:write')) throw refuse(`load a file into '${tableName}'`, 'engine:write');
      // A path or URL reaches outside the process; bytes the plugin already holds do not.
      if ((typeof source === 'string' || source instanceof URL) && !granted.has('engine:files')) {
        throw refuse(`load ${String(source)} into '${tableName}'`, 'engine:files');
      }
      const e = engine();
      if (typeof e.loadFileAs !== 'function') {
        throw new EngineError(`plugin '${name}' cannot load files: the attached engine does not enforce plugin permissions (it has no loadFileAs()); attach a DataPrismEngine`, {
          component: ownerOf(name),
        });
      }
      try {
        // The download ends when the plugin is told to stop (budget, restart, dispose, shutdown).
        return await e.loadFileAs(declared, source, tableName, withSignal(options, life.signal));
      } catch (error) {
        if (error instanceof ValidationError && error.message.startsWith('Permission Error:')) {
          throw new PluginError(`plugin '${name}' may not load this file: ${error.message.slice('Permission Error: '.length)}`, { plugin: name, phase: 'permission', cause: error });
        }
        throw error;
      }
    },
    async allocate(size: number, type: string): Promise<ResourceHandleLike> {
      alive('allocate');
      if (!granted.has('resources')) throw refuse(`allocate ${size} bytes of '${type}'`, 'resources');
      const resources = services.resources;
      if (!resources) {
        throw new PluginError(`plugin '${name}' asked for resources, but no ResourceManager is attached; use the plugin inside an orchestrator or pass \`resources\` to the PluginRegistry`, {
          plugin: name,
          phase: 'resources',
        });
      }
      return resources.allocate(size, type, { owner: ownerOf(name) });
    },
    async free(handle: ResourceHandleLike): Promise<void> {
      if (!services.resources) return;
      await services.resources.free(handle);
    },
  };
  const context = Object.freeze(defineSignal(fields, life));

  const revokeNow = (): Promise<void> | undefined => {
    if (revoked) return undefined;
    revoked = true;
    life.abortLazily(() => new LifecycleError(`plugin '${name}' was disposed`, { component: ownerOf(name), state: 'disposed' }));
    for (const { event, handler } of subscriptions.splice(0)) bus.off(event, handler);
    const resources = services.resources;
    if (!resources) return undefined;
    return (async () => {
      try {
        await resources.freeAllOwnedBy(ownerOf(name));
      } catch (error) {
        services.logger.warn(`[plugin:${name}] freeing its resources failed: ${toError(error).message}`);
      }
    })();
  };

  return {
    context,
    revokeNow,
    reportListenerError,
    abort: (reason) => life.abort(reason),
    onAbort: (listener) => life.onAbort(listener),
    async revoke() {
      await revokeNow();
    },
  };
}

/** What every plugin without a config section gets: nothing to copy, and frozen, so one can be shared. */
const EMPTY_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({});

// The config section belongs to the ConfigManager: freeze a copy, never the original.
function frozenCopy(config: unknown): Readonly<Record<string, unknown>> {
  // Most plugins have no section: a clone and a deep freeze of `{}` per start was a visible share of a lifecycle.
  if (isEmptyPlainObject(config)) return EMPTY_CONFIG;
  return freeze(structuredCloneIfPlain(config), true) as Readonly<Record<string, unknown>>;
}

function isEmptyPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && Reflect.ownKeys(value).length === 0;
}

function structuredCloneIfPlain(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}
