// A memory error recovered by cleanup then one retry, with a real ResourceManager:
// the leak of a disposed plugin is what stands between the operation and success.
import { describe, expect, it } from 'vitest';
import { MemoryError, createErrorHandler } from '../../src/errors/index.js';
import { RecoveryRuntime, cleanupAndRetryStrategy } from '../../src/errors/recovery/index.js';
import { ResourceManager } from '../../src/resources/index.js';
import { fakeHost, quietLogger, recordingBus } from './support.js';

describe('cleanup-and-retry', () => {
  it('frees a disposed plugin’s memory, then the operation that hit the budget succeeds', async () => {
    const { bus, named } = recordingBus();
    const disposed = new Set<string>();
    const resources = new ResourceManager({ memoryLimit: 10_000, bus, isOwnerActive: (owner) => !disposed.has(owner) });
    const host = fakeHost(bus, { cleanup: () => resources.cleanup() });
    const handler = createErrorHandler({ host, logger: quietLogger() });

    await resources.allocate(7_000, 'plugin-cache', { owner: 'old-plugin' });
    disposed.add('old-plugin');
    const operation = () => resources.allocate(5_000, 'query-buffer', { owner: 'engine' });
    const failure = await operation().catch((e: Error) => e);
    expect(failure).toBeInstanceOf(MemoryError);

    const outcome = await handler.process(failure, { component: 'engine', operation: 'query', retry: operation });
    expect(outcome.category).toBe('resource');
    expect(outcome.recovery).toMatchObject({ success: true, strategy: 'cleanup_and_retry', attempts: 1, produced: true });
    expect(outcome.recovery!.recovered).toMatchObject({ size: 5_000, type: 'query-buffer', owner: 'engine' });
    expect(resources.getUsage().allocated).toBe(5_000);
    expect(resources.list('old-plugin')).toEqual([]);
    expect(named('resource:freed')).toEqual([expect.objectContaining({ size: 7_000, owner: 'old-plugin' })]);
    expect(named('error:recovered')).toEqual([{ error: failure, recovery: 'cleanup_and_retry' }]);
  });

  it('escalates when the retry after cleanup still does not fit', async () => {
    const { bus } = recordingBus();
    const resources = new ResourceManager({ memoryLimit: 10_000, isOwnerActive: () => true });
    await resources.allocate(7_000, 'plugin-cache', { owner: 'live-plugin' });
    const runtime = new RecoveryRuntime(fakeHost(bus, { cleanup: () => resources.cleanup() }));
    const operation = () => resources.allocate(5_000, 'query-buffer');
    const outcome = await runtime.run(cleanupAndRetryStrategy(), { error: new MemoryError('full'), category: 'resource', component: 'engine', retry: operation });
    expect(outcome.success).toBe(false);
    expect(outcome.message).toMatch(/failed again after cleanup: Cannot allocate 5000 bytes/);
    expect(resources.getUsage().allocated).toBe(7_000);
  });

  it('escalates when cleanup fails', async () => {
    const { bus } = recordingBus();
    const resources = new ResourceManager({
      memoryLimit: 1000,
      dropTemporaryTables: async () => {
        throw new Error('connection closed');
      },
    });
    const runtime = new RecoveryRuntime(fakeHost(bus, { cleanup: () => resources.cleanup() }));
    const outcome = await runtime.run(cleanupAndRetryStrategy(), { error: new MemoryError('full'), category: 'resource', component: 'engine', retry: async () => 1 });
    expect(outcome).toMatchObject({ success: false, attempts: 0 });
    expect(outcome.message).toMatch(/cleanup failed: cleanup: dropping the engine's temporary tables failed: connection closed/);
  });
});
