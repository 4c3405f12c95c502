// The ErrorHandler as users see it: reporting and history, categorization, the
// merge of a user's partial handler (the spec's examples), and recovery disabled.
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  LifecycleError,
  MemoryError,
  PluginError,
  QueryError,
  TimeoutError,
  ValidationError,
  categorizeError,
  createErrorHandler,
  type ErrorContext,
} from '../../src/errors/index.js';
import { ResourceManager } from '../../src/resources/index.js';
import { fakeHost, quietLogger, recordingBus } from './support.js';

describe('categorize', () => {
  it('keeps the category of the library errors', () => {
    expect(categorizeError(new MemoryError('full'))).toBe('resource');
    expect(categorizeError(new TimeoutError('slow', { timeoutMs: 5, operation: 'query' }))).toBe('transient');
    expect(categorizeError(new PluginError('bad', { plugin: 'p', phase: 'execute' }))).toBe('plugin');
    expect(categorizeError(new QueryError('Parser Error: x'))).toBe('query');
    expect(categorizeError(new ConfigError('bad key'))).toBe('configuration');
    expect(categorizeError(new ValidationError('bad value'))).toBe('validation');
    expect(categorizeError(new LifecycleError('too early'))).toBe('usage');
  });

  it('categorizes raw errors by name, code and message', () => {
    const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });
    expect(categorizeError(named('MemoryError'))).toBe('resource');
    expect(categorizeError(new Error('Out of Memory Error: failed to allocate data of size 4.0 MiB'))).toBe('resource');
    expect(categorizeError(named('TimeoutError'))).toBe('transient');
    expect(categorizeError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(categorizeError(new Error('connect ETIMEDOUT 10.0.0.1:443'))).toBe('transient');
    expect(categorizeError(named('PluginError'))).toBe('plugin');
    expect(categorizeError(new Error('Catalog Error: Table with name t does not exist!'))).toBe('query');
    expect(categorizeError(new TypeError('x is not a function'))).toBe('fatal');
    expect(categorizeError(new Error('something odd'))).toBe('transient');
  });

  it("uses the user's categorize when given", () => {
    const handler = createErrorHandler({ logger: quietLogger(), user: { categorize: () => 'fatal' } });
    expect(handler.categorize(new MemoryError('full'))).toBe('fatal');
  });
});

describe('reporting', () => {
  it('reports to onReport listeners, the bus (error:reported) and a bounded history', async () => {
    const { bus, named } = recordingBus();
    const handler = createErrorHandler({ bus, logger: quietLogger(), historySize: 3, enableRecovery: false });
    const seen: string[] = [];
    const unsubscribe = handler.onReport((report) => seen.push(`${report.category}:${report.error.message}`));
    for (let i = 1; i <= 5; i++) await handler.handle(new QueryError(`bad ${i}`), { component: 'engine', operation: 'query', timestamp: 1 });
    expect(seen).toEqual(['query:bad 1', 'query:bad 2', 'query:bad 3', 'query:bad 4', 'query:bad 5']);
    expect(handler.getHistory().map((r) => r.error.message)).toEqual(['bad 3', 'bad 4', 'bad 5']);
    expect(named('error:reported')[0]).toMatchObject({ category: 'query', component: 'engine', operation: 'query' });
    unsubscribe();
    handler.report(new Error('direct'));
    expect(seen).toHaveLength(5);
    expect(handler.getHistory().at(-1)).toMatchObject({ category: 'transient', component: 'orchestrator' });
  });

  it('a throwing listener or user handler never breaks handling', async () => {
    const logger = quietLogger();
    const handler = createErrorHandler({
      logger,
      enableRecovery: false,
      user: {
        handle: async () => {
          throw new Error('user handle broke');
        },
      },
    });
    handler.onReport(() => {
      throw new Error('listener broke');
    });
    await expect(handler.handle(new Error('x'))).resolves.toBeUndefined();
    expect(logger.lines.some((l) => l.includes('listener broke'))).toBe(true);
    expect(logger.lines.some((l) => l.includes('user handle broke'))).toBe(true);
  });
});

describe("a user's partial errorHandler (the spec's Error Recovery example)", () => {
  it("calls handle with a full context, acts on recover's plugin_restart by restarting the plugin, and accepts a result without message", async () => {
    const { bus, named } = recordingBus();
    const host = fakeHost(bus);
    const contexts: ErrorContext[] = [];
    const handler = createErrorHandler({
      host,
      logger: quietLogger(),
      user: {
        handle: async (error, context) => {
          contexts.push(context);
        },
        recover: async (error) => {
          if (error.name === 'PluginError') return { success: true, strategy: 'plugin_restart' };
          return { success: false, strategy: 'none' };
        },
      },
    });
    const error = new PluginError('chart renderer crashed', { plugin: 'visualization', phase: 'execute', action: 'create_chart' });
    const outcome = await handler.process(error, { component: 'plugin:visualization', operation: 'execute:create_chart', metadata: { requestId: 7 } });

    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({ component: 'plugin:visualization', operation: 'execute:create_chart', plugin: 'visualization', metadata: { requestId: 7 } });
    expect(typeof contexts[0]!.timestamp).toBe('number');
    expect(host.restarts).toEqual(['visualization']);
    expect(outcome.recovery).toMatchObject({ success: true, strategy: 'plugin_restart' });
    expect(outcome.recovery!.message).toMatch(/restarted plugin 'visualization'/);
    expect(named('error:recovered')).toEqual([{ error, recovery: 'plugin_restart' }]);

    const other = await handler.process(new Error('weird'), { component: 'engine', operation: 'query' });
    expect(other.recovery).toMatchObject({ success: false, strategy: 'none' });
    expect(named('error:escalated').at(-1)).toMatchObject({ recovery: 'none' });
  });

  it("recover(error) alone uses the context the error was handled in and the user's answer", async () => {
    const { bus } = recordingBus();
    const host = fakeHost(bus);
    let calls = 0;
    const handler = createErrorHandler({ host, logger: quietLogger(), enableRecovery: true, user: { recover: async () => ({ success: true, strategy: 'retry' }) } });
    const error = new Error('blip');
    await handler.process(error, { component: 'engine', retry: async () => ++calls });
    expect(calls).toBe(1);
    expect(await handler.recover(error)).toMatchObject({ success: true, strategy: 'retry', recovered: 2 });
  });

  it("'cleanup' and 'cleanup_and_retry' answers run ResourceManager.cleanup()", async () => {
    const { bus } = recordingBus();
    const resources = new ResourceManager({ memoryLimit: 1000, isOwnerActive: (owner) => owner !== 'gone' });
    const host = fakeHost(bus, { cleanup: () => resources.cleanup() });
    await resources.allocate(600, 'cache', { owner: 'gone' });
    const handler = createErrorHandler({ host, logger: quietLogger(), user: { recover: () => ({ success: true, strategy: 'cleanup' }) } });
    const outcome = await handler.process(new MemoryError('full'), { component: 'resources' });
    expect(outcome.recovery).toMatchObject({ success: true, strategy: 'cleanup' });
    expect(resources.getUsage().allocated).toBe(0);
    expect(host.cleanups).toBe(1);
  });

  it('a user recover that throws or answers nonsense is a failed recovery, not a crash', async () => {
    const { bus } = recordingBus();
    const throwing = createErrorHandler({ host: fakeHost(bus), logger: quietLogger(), user: { recover: async () => Promise.reject(new Error('oops')) } });
    expect(await throwing.recover(new Error('x'))).toMatchObject({ success: false, strategy: 'none', message: expect.stringMatching(/threw: oops/) });
    const nonsense = createErrorHandler({ host: fakeHost(bus), logger: quietLogger(), user: { recover: async () => 42 as never } });
    expect((await nonsense.recover(new Error('x'))).success).toBe(false);
  });
});

describe('enableErrorRecovery: false', () => {
  it('handles and reports errors but never retries them', async () => {
    const { bus, named } = recordingBus();
    const host = fakeHost(bus);
    const handled: string[] = [];
    const handler = createErrorHandler({ host, logger: quietLogger(), enableRecovery: false, user: { handle: async (e) => void handled.push(e.message) } });
    let calls = 0;
    const outcome = await handler.process(new TimeoutError('slow', { timeoutMs: 10, operation: 'query' }), { component: 'engine', retry: async () => ++calls });
    expect(outcome.recovery).toBeUndefined();
    expect(calls).toBe(0);
    expect(handled).toEqual(['slow']);
    expect(named('error:reported')).toHaveLength(1);
    expect(named('error:recovered')).toEqual([]);
    expect(await handler.recover(new PluginError('x', { plugin: 'p', phase: 'execute' }))).toMatchObject({ success: false, strategy: 'none' });
    expect(host.restarts).toEqual([]);

    await expect(handler.execute(async () => {
      calls++;
      throw new Error('down');
    }, { component: 'engine' })).rejects.toThrow('down');
    expect(calls).toBe(1);
  });
});

describe('execute', () => {
  it('runs an operation, recovers its failure with a retry, and answers with the recovered value', async () => {
    const { bus } = recordingBus();
    const handler = createErrorHandler({ host: fakeHost(bus), logger: quietLogger(), byCategory: {} });
    let calls = 0;
    const value = await handler.execute(async () => {
      if (++calls < 2) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      return 'rows';
    }, { component: 'engine', operation: 'query' });
    expect(value).toBe('rows');
    expect(calls).toBe(2);
    expect(handler.breakerFor('engine').state).toBe('closed');
    handler.shutdown();
  });
});
