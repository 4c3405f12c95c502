// The ResourceManager's accounting: limits, handle misuse, fragmentation, waiting,
// ownership, cleanup, events, monitoring and release on shutdown.
import { describe, expect, it } from 'vitest';
import { MemoryError, ResourceError, TimeoutError, ValidationError } from '../../src/errors/index.js';
import { ResourceManager } from '../../src/resources/index.js';
import { quietLogger, recordingBus } from '../errors/support.js';

describe('allocate and free', () => {
  it('accounts allocations against memoryLimit and rejects what would exceed it with MemoryError', async () => {
    const rm = new ResourceManager({ memoryLimit: 1000 });
    const a = await rm.allocate(600, 'buffer');
    expect(a).toMatchObject({ size: 600, type: 'buffer' });
    expect(Object.isFrozen(a)).toBe(true);
    expect(rm.getUsage()).toEqual({ allocated: 600, free: 400, total: 1000, fragmentation: 0 });
    const refused = await rm.allocate(500, 'buffer').catch((e: Error) => e);
    expect(refused).toBeInstanceOf(MemoryError);
    expect(refused).toMatchObject({ requested: 500, available: 400 });
    expect((refused as Error).message).toMatch(/only 400 of 1000 bytes are free.*wait: true/);
    await rm.free(a);
    expect(rm.getUsage().allocated).toBe(0);
  });

  it('defaults to a 1 GiB budget', () => {
    expect(new ResourceManager().getUsage().total).toBe(1024 ** 3);
  });

  it('rejects invalid sizes, types and limits with ValidationError', async () => {
    const rm = new ResourceManager({ memoryLimit: 1000 });
    for (const size of [0, -1, 1.5, Number.NaN, Infinity]) await expect(rm.allocate(size, 'buffer')).rejects.toBeInstanceOf(ValidationError);
    await expect(rm.allocate(10, '')).rejects.toBeInstanceOf(ValidationError);
    await expect(rm.allocate(10, 'x', { owner: '' })).rejects.toBeInstanceOf(ValidationError);
    expect(() => new ResourceManager({ memoryLimit: -5 })).toThrow(ValidationError);
    expect(rm.getUsage().allocated).toBe(0);
  });

  it('a double free or a foreign handle is a ResourceError and changes nothing', async () => {
    const { bus, named } = recordingBus();
    const rm = new ResourceManager({ memoryLimit: 1000, bus });
    const other = new ResourceManager({ memoryLimit: 1000 });
    const a = await rm.allocate(100, 'buffer');
    const b = await rm.allocate(200, 'buffer');
    await rm.free(a);
    await expect(rm.free(a)).rejects.toThrow(/freed already/);
    await expect(rm.free({ ...b })).rejects.toThrow(/not issued by this ResourceManager/);
    const foreign = await other.allocate(100, 'buffer');
    await expect(rm.free(foreign)).rejects.toBeInstanceOf(ResourceError);
    await expect(rm.free(null as never)).rejects.toBeInstanceOf(ResourceError);
    expect(rm.getUsage().allocated).toBe(200);
    expect(other.getUsage().allocated).toBe(100);
    expect(named('resource:freed')).toHaveLength(1);
  });

  it('emits resource:allocated and resource:freed with type, size, id and owner', async () => {
    const { bus, named } = recordingBus();
    const rm = new ResourceManager({ memoryLimit: 1000, bus });
    const h = await rm.allocate(64, 'arrow-table', { owner: 'viz' });
    await rm.free(h);
    expect(named('resource:allocated')).toEqual([{ type: 'arrow-table', size: 64, id: h.id, owner: 'viz' }]);
    expect(named('resource:freed')).toEqual([{ type: 'arrow-table', size: 64, id: h.id, owner: 'viz' }]);
  });
});

describe('fragmentation', () => {
  it('is 1 - largestFreeBlock/free over a first-fit address space', async () => {
    const rm = new ResourceManager({ memoryLimit: 1000 });
    const blocks = [];
    for (let i = 0; i < 10; i++) blocks.push(await rm.allocate(100, 'buffer'));
    for (let i = 0; i < 10; i += 2) await rm.free(blocks[i]!);
    // Five holes of 100 bytes: 500 free, the largest contiguous block is 100.
    expect(rm.getUsage()).toMatchObject({ allocated: 500, free: 500, fragmentation: 0.8 });
    // First fit fills the first hole.
    await rm.allocate(100, 'buffer');
    expect(rm.getUsage().fragmentation).toBeCloseTo(1 - 100 / 400);
    // A block larger than every hole still fits when enough bytes are free (the model compacts).
    const big = await rm.allocate(300, 'buffer');
    expect(big.size).toBe(300);
    expect(rm.getUsage()).toMatchObject({ allocated: 900, fragmentation: 0 });
  });
});

describe('waiting', () => {
  it('serves waiting allocations first-in first-out as memory is freed', async () => {
    const rm = new ResourceManager({ memoryLimit: 1000 });
    const held = await rm.allocate(1000, 'buffer');
    const order: string[] = [];
    const first = rm.allocate(600, 'first', { wait: true, timeoutMs: 5_000 }).then((h) => (order.push('first'), h));
    const second = rm.allocate(300, 'second', { wait: true, timeoutMs: 5_000 }).then((h) => (order.push('second'), h));
    // While others wait, an allocation that does not wait may not overtake them.
    await expect(rm.allocate(100, 'impatient')).rejects.toThrow(/already waiting/);
    expect(rm.waitingCount).toBe(2);
    await rm.free(held);
    const [a, b] = await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(rm.getUsage().allocated).toBe(900);
    await rm.free(a);
    await rm.free(b);
  });

  it('a waiting allocation times out with TimeoutError and lets the next waiter through', async () => {
    const rm = new ResourceManager({ memoryLimit: 1000 });
    const held = await rm.allocate(500, 'buffer');
    const big = rm.allocate(800, 'big', { wait: true, timeoutMs: 10 });
    const small = rm.allocate(300, 'small', { wait: true, timeoutMs: 5_000 });
    const error = await big.catch((e: Error) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 10, operation: 'allocate:big' });
    await expect(small).resolves.toMatchObject({ size: 300 });
    expect(rm.getUsage().allocated).toBe(800);
    await rm.free(held);
  });

  it('an allocation larger than the whole budget fails at once, even when asked to wait', async () => {
    const rm = new ResourceManager({ memoryLimit: 1000 });
    await expect(rm.allocate(1001, 'huge', { wait: true })).rejects.toThrow(/more than the whole memoryLimit/);
  });
});

describe('ownership and cleanup', () => {
  it('freeAllOwnedBy reclaims every handle of a disposed plugin', async () => {
    const rm = new ResourceManager({ memoryLimit: 1000 });
    await rm.allocate(100, 'cache', { owner: 'viz' });
    await rm.allocate(200, 'cache', { owner: 'viz' });
    const kept = await rm.allocate(50, 'cache', { owner: 'sql' });
    expect(rm.freeAllOwnedBy('viz')).toEqual({ handles: 2, bytes: 300 });
    expect(rm.list()).toEqual([kept]);
    expect(rm.freeAllOwnedBy('viz')).toEqual({ handles: 0, bytes: 0 });
  });

  it('cleanup frees the handles of owners that are no longer active and drops the temporary tables', async () => {
    const states = new Map([
      ['viz', 'ready'],
      ['broken', 'failed'],
      ['old', 'disposed'],
    ]);
    let dropped = 0;
    const rm = new ResourceManager({
      memoryLimit: 10_000,
      isOwnerActive: (owner) => states.get(owner) === 'ready',
      dropTemporaryTables: async () => ++dropped,
    });
    const live = await rm.allocate(100, 'cache', { owner: 'viz' });
    await rm.allocate(200, 'cache', { owner: 'broken' });
    await rm.allocate(300, 'cache', { owner: 'old' });
    const unowned = await rm.allocate(400, 'scratch');
    expect(await rm.cleanup()).toEqual({ freedHandles: 2, freedBytes: 500, droppedTables: 1 });
    expect(rm.list()).toEqual([live, unowned]);
  });

  it('keeps an owner’s handles when isOwnerActive throws', async () => {
    const logger = quietLogger();
    const rm = new ResourceManager({
      memoryLimit: 1000,
      logger,
      isOwnerActive: () => {
        throw new Error('registry gone');
      },
    });
    await rm.allocate(100, 'cache', { owner: 'viz' });
    expect(await rm.cleanup()).toMatchObject({ freedHandles: 0 });
    expect(rm.getUsage().allocated).toBe(100);
    expect(logger.lines.join('\n')).toMatch(/registry gone/);
  });

  it('after shutdown usage is zero and waiting allocations are cancelled', async () => {
    const rm = new ResourceManager({ memoryLimit: 1000 });
    await rm.allocate(700, 'a', { owner: 'x' });
    await rm.allocate(300, 'b');
    const waiting = rm.allocate(500, 'c', { wait: true, timeoutMs: 5_000 });
    expect(await rm.shutdown()).toEqual({ handles: 2, bytes: 1000 });
    await expect(waiting).rejects.toBeInstanceOf(ResourceError);
    expect(rm.getUsage()).toEqual({ allocated: 0, free: 1000, total: 1000, fragmentation: 0 });
  });
});

describe('monitor', () => {
  it('samples usage with the engine’s memory and keeps a bounded history', async () => {
    let engineBytes = 1234;
    const rm = new ResourceManager({ memoryLimit: 10_000, engineMemory: async () => ({ memoryUsage: engineBytes, databaseSize: 42 }) });
    const monitor = rm.monitor();
    expect(rm.monitor()).toBe(monitor);
    await rm.allocate(500, 'a');
    const sample = await monitor.sample();
    expect(sample).toMatchObject({ allocated: 500, total: 10_000, handles: 1, waiting: 0, engine: { memoryUsage: 1234, databaseSize: 42 } });
    engineBytes = 99;
    for (let i = 0; i < 70; i++) await monitor.sample();
    expect(monitor.getHistory()).toHaveLength(60);
    expect(monitor.getHistory().at(-1)!.engine!.memoryUsage).toBe(99);
  });

  it('notifies once per upward crossing of a high-water mark, on the bus and to listeners', async () => {
    const { bus, named } = recordingBus();
    const rm = new ResourceManager({ memoryLimit: 1000, bus });
    const monitor = rm.monitor();
    const crossings: number[] = [];
    monitor.onHighWater(0.5, (event) => crossings.push(event.allocated));
    const a = await rm.allocate(300, 'a');
    const b = await rm.allocate(300, 'b');
    await rm.allocate(100, 'c');
    expect(crossings).toEqual([600]);
    await rm.free(b);
    // Falling below a mark re-arms it (seen at the next sample or allocation).
    await monitor.sample();
    await rm.allocate(300, 'd');
    expect(crossings).toEqual([600, 700]);
    await rm.allocate(250, 'e');
    expect(named('resource:highWater')).toEqual([
      { mark: 0.5, allocated: 600, total: 1000 },
      { mark: 0.5, allocated: 700, total: 1000 },
      { mark: 0.8, allocated: 950, total: 1000 },
      { mark: 0.95, allocated: 950, total: 1000 },
    ]);
    expect(() => monitor.onHighWater(1.5, () => undefined)).toThrow(ValidationError);
    await rm.free(a);
  });

  it('samples on an interval with a timer that does not keep the process alive', async () => {
    const rm = new ResourceManager({ memoryLimit: 1000 });
    const monitor = rm.monitor().start({ intervalMs: 5 });
    expect(monitor.running).toBe(true);
    const timer = (monitor as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    while (monitor.getHistory().length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await rm.shutdown();
    expect(monitor.running).toBe(false);
  });
});
