/**
 * Every error the orchestrator meets reaches ErrorHandler.handle with a full
 * ErrorContext, on the real DuckDB-WASM engine: a failed query, DuckDB running
 * out of memory, the ResourceManager's budget, a plugin's MemoryError (kept a
 * MemoryError across the plugin boundary), an event handler and a config error.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  DataPrismOrchestrator,
  MemoryError,
  QueryError,
  type DataPrismPlugin,
  type ErrorContext,
  type Logger,
  type OrchestratorOptions,
} from '@dataprism/orchestration';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const live: DataPrismOrchestrator[] = [];
const OOM_SQL = 'SELECT list(range) FROM range(50000000) GROUP BY range % 1000000';

interface Handled {
  error: Error;
  context: ErrorContext;
}

function orchestrator(options: OrchestratorOptions = {}): { o: DataPrismOrchestrator; handled: Handled[] } {
  const handled: Handled[] = [];
  const user = options.errorHandler;
  const o = new DataPrismOrchestrator({
    logger: quiet,
    engineOptions: { mode: 'blocking' },
    ...options,
    errorHandler: {
      ...user,
      handle: async (error, context) => {
        handled.push({ error, context });
        await user?.handle?.(error, context);
      },
    },
  });
  live.push(o);
  return { o, handled };
}

afterEach(async () => {
  await Promise.all(live.splice(0).map((o) => o.shutdown()));
});

/** What `promise` rejected with (the test fails if it resolves). */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as Error;
}

function expectContext(context: ErrorContext, component: string, operation: string): void {
  expect(context.component).toBe(component);
  expect(context.operation).toBe(operation);
  expect(typeof context.timestamp).toBe('number');
  expect(Math.abs(context.timestamp - Date.now())).toBeLessThan(60_000);
}

describe('one error path through ErrorHandler.handle', () => {
  it('a failed query is handled as the engine’s QueryError, with the SQL in metadata, before the caller sees it', async () => {
    const { o, handled } = orchestrator();
    await o.initialize();
    const failure = await failureOf(o.getEngine().query('SELECT * FROM no_such_table'));
    expect(failure).toBeInstanceOf(QueryError);
    expect(handled).toHaveLength(1);
    expect(handled[0]!.error).toBe(failure);
    expectContext(handled[0]!.context, 'engine', 'query');
    expect(handled[0]!.context.metadata).toEqual({ sql: 'SELECT * FROM no_such_table' });
    expect(o.getErrorHandler().getHistory().map((r) => r.error)).toContain(failure);
  });

  it('DuckDB running out of memory is handled as a MemoryError of the engine, and recovery cleans up', async () => {
    const { o, handled } = orchestrator({ memoryLimit: 20 * 1024 * 1024 });
    await o.initialize();
    const cleanup = vi.spyOn(o.getResourceManager(), 'cleanup');
    const failure = await failureOf(o.getEngine().query(OOM_SQL));
    expect(failure).toBeInstanceOf(MemoryError);
    expect(failure.name).toBe('MemoryError');
    expect((failure as MemoryError).category).toBe('resource');
    expect(handled.map((h) => h.error)).toEqual([failure]);
    expectContext(handled[0]!.context, 'engine', 'query');
    // resource → cleanup_and_retry: the cleanup frees memory (that is the recovery), but a
    // query is never re-run behind the caller's back: the caller has the error to act on.
    await vi.waitFor(() => expect(o.getErrorHandler().getHistory().at(-1)?.recovery).toMatchObject({ success: true, strategy: 'cleanup_and_retry' }));
    expect(cleanup).toHaveBeenCalledTimes(1);
    // The engine is still usable, and the cleanup's own queries were not reported as failures.
    expect((await o.getEngine().query('SELECT 42 AS x')).data).toEqual([{ x: 42 }]);
    expect(handled).toHaveLength(1);
  });

  it('with enableErrorRecovery: false the error is handled but nothing recovers', async () => {
    const { o, handled } = orchestrator({ memoryLimit: 20 * 1024 * 1024, enableErrorRecovery: false });
    await o.initialize();
    const cleanup = vi.spyOn(o.getResourceManager(), 'cleanup');
    await expect(o.getEngine().query(OOM_SQL)).rejects.toBeInstanceOf(MemoryError);
    expect(handled).toHaveLength(1);
    expect(cleanup).not.toHaveBeenCalled();
  });

  it('a ResourceManager MemoryError is handled with component resources, operation allocate', async () => {
    const { o, handled } = orchestrator({ memoryLimit: 64 * 1024 * 1024 });
    const failure = await failureOf(o.getResourceManager().allocate(65 * 1024 * 1024, 'buffer'));
    expect(failure).toBeInstanceOf(MemoryError);
    expect(handled.map((h) => h.error)).toEqual([failure]);
    expectContext(handled[0]!.context, 'resources', 'allocate');
    expect(handled[0]!.context.metadata).toEqual({ size: 65 * 1024 * 1024, type: 'buffer' });
  });

  it('a plugin’s MemoryError keeps its name and category across the plugin boundary, its cause chain kept', async () => {
    const { o, handled } = orchestrator({ memoryLimit: 20 * 1024 * 1024 });
    await o.initialize();
    const queried: Error[] = [];
    const hungry: DataPrismPlugin = {
      name: 'hungry',
      version: '1.0.0',
      description: 'asks for more memory than there is',
      capabilities: ['eat', 'hoard'],
      permissions: ['engine:read', 'resources'],
      async initialize() {},
      async execute(action, _params, context) {
        if (action === 'eat') {
          try {
            return await context.query(OOM_SQL);
          } catch (error) {
            queried.push(error as Error);
            throw error;
          }
        }
        return context.allocate(64 * 1024 * 1024, 'cache');
      },
      async dispose() {},
    };
    const registry = o.getPluginRegistry();
    await registry.register(hungry);
    await registry.initializeAll();
    const eaten = await failureOf(o.getEngine().executePlugin('hungry', 'eat', {}));
    expect(eaten.name).toBe('MemoryError');
    expect(eaten).toBeInstanceOf(MemoryError);
    expect((eaten as MemoryError).category).toBe('resource');
    expect(eaten.cause).toBe(queried[0]);
    expect(queried[0]).toBeInstanceOf(MemoryError);
    // resource → cleanup, then the call ran once more (and ran out of memory again).
    expect(queried).toHaveLength(2);
    expect(eaten.message).toMatch(/plugin 'hungry' failed in execute\('eat'\)/);
    // Reported once, at the plugin boundary (not a second time as an engine query).
    expect(handled.map((h) => h.error)).toEqual([eaten]);
    expectContext(handled[0]!.context, 'plugin:hungry', 'execute');

    const hoarded = await failureOf(o.getEngine().executePlugin('hungry', 'hoard', {}));
    expect(hoarded).toBeInstanceOf(MemoryError);
    expect((hoarded.cause as Error).message).toMatch(/Cannot allocate 67108864 bytes of 'cache'/);
    expect(handled.map((h) => h.error)).toEqual([eaten, hoarded]);
  });

  it('an event handler that throws is handled with component events', async () => {
    const { o, handled } = orchestrator();
    const boom = new Error('handler bug');
    o.getEventBus().on('custom:event', () => {
      throw boom;
    });
    o.getEventBus().emit('custom:event', {});
    await vi.waitFor(() => expect(handled.map((h) => h.error)).toEqual([boom]));
    expectContext(handled[0]!.context, 'events', 'handler:custom:event');
  });

  it('a config error of the constructor is handled with component config before it is thrown', async () => {
    const handled: Handled[] = [];
    const make = () =>
      new DataPrismOrchestrator({
        logger: quiet,
        maxConcurrency: -3,
        errorHandler: { handle: async (error, context) => void handled.push({ error, context }) },
      });
    const failure = (() => {
      try {
        make();
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(ConfigError);
    await vi.waitFor(() => expect(handled.map((h) => h.error)).toEqual([failure]));
    expectContext(handled[0]!.context, 'config', 'load');
  });
});
