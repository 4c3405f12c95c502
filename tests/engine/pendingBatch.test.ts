// The one-round-trip pending query (pendingBatch.ts): its replies read back as
// AsyncDuckDB would have answered them, and a worker that dies mid-request
// rejects the call instead of leaving it pending; so does every call of a
// WorkerBackend whose worker dies.
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { nodeBundlePaths } from '../../src/engine/bundles.js';
import { NodeWorkerAdapter } from '../../src/engine/NodeWorkerAdapter.js';
import { readPendingBatch } from '../../src/engine/pendingBatch.js';
import { WorkerBackend } from '../../src/engine/WorkerBackend.js';
import { EngineError } from '../../src/errors/EngineError.js';

const header = new Uint8Array([1, 2, 3]);
const batch = new Uint8Array([4, 5]);

describe('readPendingBatch', () => {
  it('reads a statement still running as null', () => {
    expect(readPendingBatch([{ type: 'QUERY_RESULT_HEADER_OR_NULL', data: null }])).toBeNull();
  });

  it('reads header, batches and the end as a complete result', () => {
    const result = readPendingBatch([
      { type: 'QUERY_RESULT_HEADER_OR_NULL', data: header },
      { type: 'QUERY_RESULT_CHUNK', data: batch },
      { type: 'QUERY_RESULT_CHUNK', data: new Uint8Array(0) },
    ]);
    expect(result).toEqual({ parts: [header, batch], complete: true });
  });

  it('marks a result whose fetch asked to retry (or stopped early) as incomplete, so the caller fetches the rest', () => {
    expect(readPendingBatch([{ type: 'QUERY_RESULT_HEADER_OR_NULL', data: header }, { type: 'QUERY_RESULT_CHUNK', data: null }])).toEqual({
      parts: [header],
      complete: false,
    });
    expect(readPendingBatch([{ type: 'QUERY_RESULT_HEADER_OR_NULL', data: header }])).toEqual({ parts: [header], complete: false });
  });

  it("throws the worker's error with its name and message, from the start or from a fetch", () => {
    const failed = { type: 'ERROR', data: { name: 'Error', message: 'Binder Error: Referenced column "nope" not found' } };
    expect(() => readPendingBatch([failed])).toThrow('Binder Error: Referenced column "nope" not found');
    expect(() => readPendingBatch([{ type: 'QUERY_RESULT_HEADER_OR_NULL', data: header }, failed])).toThrow(/Binder Error/);
  });

  it('refuses an empty answer (a changed worker protocol) instead of reading it as "still running"', () => {
    expect(() => readPendingBatch([])).toThrow(/did not answer/);
  });
});

describe('NodeWorkerAdapter.startPendingBatch', () => {
  it('rejects when the worker dies while the request is in flight, and every later request at once', async () => {
    const script = fileURLToPath(new URL('./fixtures/exiting-worker.cjs', import.meta.url));
    const exits: Error[] = [];
    const adapter = new NodeWorkerAdapter(script, { onExit: (error) => exits.push(error) });
    adapter.ref();
    await expect(adapter.startPendingBatch(0, 'SELECT 1')).rejects.toThrow(/exited \(exit code 3\)/);
    expect(exits[0]?.message).toMatch(/exited unexpectedly/);
    await expect(adapter.startPendingBatch(0, 'SELECT 1')).rejects.toThrow(/has exited/);
  });
});

describe("WorkerBackend.startPending without the batch handler (a browser's worker: requests pipelined)", () => {
  it('answers a finished statement whole, a running one with null, and a failing one with its error', async () => {
    const bundle = nodeBundlePaths().eh;
    const backend = await WorkerBackend.start({
      mainModule: bundle.mainModule,
      spawn: () => {
        const adapter = new NodeWorkerAdapter(bundle.mainWorker);
        // No startPendingBatch: what a Web Worker running duckdb-wasm's script offers.
        return { port: adapter as unknown as Worker, ref: () => adapter.ref(), unref: () => adapter.unref(), terminate: () => adapter.terminateAndWait() };
      },
    });
    backend.hold();
    try {
      const conn = await backend.connect();
      const parts = await backend.startPending(conn, 'SELECT range AS i FROM range(5000)');
      expect(parts).not.toBeNull();
      expect(parts!.length).toBeGreaterThan(2); // header + several 2048-row batches
      expect(tableFromIPC(parts!).getChild('i')?.toArray().length).toBe(5000);

      expect(await backend.startPending(conn, 'SELECT count(*) FROM range(3000000) a, range(3000000) b')).toBeNull();
      expect(await backend.cancelPending(conn)).toBe(true);

      await expect(backend.startPending(conn, 'SELECT nope')).rejects.toThrow(/nope/);
      const again = await backend.startPending(conn, 'SELECT 7 AS seven');
      expect(tableFromIPC(again!).getChild('seven')?.get(0)).toBe(7);
    } finally {
      backend.release();
      await backend.terminate();
    }
  });
});

describe('WorkerBackend when its worker dies', () => {
  it('rejects the call in flight and every later call with an EngineError, and holds on to no call it answered', async () => {
    const bundle = nodeBundlePaths().eh;
    let adapter: NodeWorkerAdapter | undefined;
    const crashes: Error[] = [];
    const backend = await WorkerBackend.start({
      mainModule: bundle.mainModule,
      spawn: (onCrash) => {
        const made = new NodeWorkerAdapter(bundle.mainWorker, { onExit: onCrash });
        adapter = made;
        return {
          port: made as unknown as Worker,
          ref: () => made.ref(),
          unref: () => made.unref(),
          terminate: () => made.terminateAndWait(),
          startPendingBatch: (conn, sql) => made.startPendingBatch(conn, sql),
        };
      },
      onCrash: (error) => crashes.push(error),
    });
    // The calls waiting on the worker (private): an answered call must not stay there.
    const waiting = () => (backend as unknown as { waiting: Set<unknown> }).waiting.size;
    // AsyncDuckDB warns on stderr about the request it lost with the worker.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    backend.hold();
    try {
      const conn = await backend.connect();
      for (let i = 0; i < 50; i++) await backend.runQuery(conn, 'SELECT 1');
      await expect(backend.runQuery(conn, 'SELECT nope')).rejects.toThrow(/nope/);
      expect(waiting()).toBe(0);

      const running = backend.runQuery(conn, 'SELECT count(*) FROM range(2000000000) t(i) WHERE i % 7 = 3');
      expect(waiting()).toBe(1);
      // Ended from outside, not through terminate(): to the backend this is a crash.
      await (adapter as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await expect(running).rejects.toThrow(/exited unexpectedly.*restart the engine/);
      await expect(running).rejects.toBeInstanceOf(EngineError);
      await expect(backend.runQuery(conn, 'SELECT 1')).rejects.toBeInstanceOf(EngineError);
      expect(crashes).toHaveLength(1);
      expect(waiting()).toBe(0);
    } finally {
      warn.mockRestore();
      backend.release();
      await backend.terminate();
    }
  });
});
