// Concurrent allocations near the limit never overshoot it, under every
// interleaving fast-check's scheduler picks; waiters are served in order; and
// the books balance (accounted bytes = bytes of live handles) at every step.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryError, TimeoutError } from '../../src/errors/index.js';
import { ResourceManager, type ResourceHandle } from '../../src/resources/index.js';
import { createEventBus } from '../../src/events/index.js';

const LIMIT = 1000;

describe('ResourceManager under concurrency (property)', () => {
  it('never accounts more than memoryLimit, whatever the interleaving of allocate/free with waiting', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 700 }), wait: fc.boolean(), hold: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 25 }),
        async (s, requests) => {
          const bus = createEventBus();
          const rm = new ResourceManager({ memoryLimit: LIMIT, bus });
          const live = new Map<string, number>();
          const violations: string[] = [];
          const check = (when: string) => {
            const usage = rm.getUsage();
            const sum = [...live.values()].reduce((a, b) => a + b, 0);
            if (usage.allocated > LIMIT) violations.push(`${when}: allocated ${usage.allocated} > ${LIMIT}`);
            if (usage.allocated !== sum) violations.push(`${when}: accounted ${usage.allocated} ≠ live ${sum}`);
            if (usage.fragmentation < 0 || usage.fragmentation > 1) violations.push(`${when}: fragmentation ${usage.fragmentation}`);
          };
          bus.on('resource:allocated', (e) => {
            live.set(e.id!, e.size);
            check(`allocated ${e.id}`);
          });
          bus.on('resource:freed', (e) => {
            live.delete(e.id!);
            check(`freed ${e.id}`);
          });
          const granted: number[] = [];
          const tasks = requests.map((request, i) =>
            s.schedule(Promise.resolve(i), `start ${i}`).then(async () => {
              let handle: ResourceHandle;
              try {
                handle = await rm.allocate(request.size, 'buffer', { wait: request.wait, timeoutMs: 2_000 });
              } catch (error) {
                if (!(error instanceof MemoryError) && !(error instanceof TimeoutError)) throw error;
                if (error instanceof MemoryError && request.wait) throw new Error(`a waiting allocation of ${request.size} failed at once: ${error.message}`, { cause: error });
                return;
              }
              if (request.wait) granted.push(i);
              for (let k = 0; k < request.hold; k++) await s.schedule(Promise.resolve(), `hold ${i}`);
              await rm.free(handle);
            }),
          );
          await s.waitFor(Promise.all(tasks));
          expect(violations).toEqual([]);
          expect(rm.getUsage().allocated).toBe(0);
          expect(rm.waitingCount).toBe(0);
          // Every waiting request was eventually served (everything is freed in the end).
          expect(granted.length).toBe(requests.filter((r) => r.wait).length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('serves waiters in the order they started waiting (FIFO)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }), async (sizes) => {
        const rm = new ResourceManager({ memoryLimit: LIMIT });
        const blocker = await rm.allocate(LIMIT, 'blocker');
        const served: number[] = [];
        const waits = sizes.map((size, i) =>
          rm.allocate(size, 'w', { wait: true, timeoutMs: 5_000 }).then(async (h) => {
            served.push(i);
            // Hold until the next macrotask so that later waiters queue up behind.
            await new Promise((resolve) => setImmediate(resolve));
            await rm.free(h);
          }),
        );
        await rm.free(blocker);
        await Promise.all(waits);
        expect(served).toEqual(sizes.map((_, i) => i));
      }),
      { numRuns: 50 },
    );
  });
});
