/**
 * One worker round trip for a cancellable statement that finishes in its first
 * slice: the worker runs duckdb-wasm's own START_PENDING_QUERY and, when that
 * answers with the result's header, its FETCH_QUERY_RESULTS until the end, in the
 * same turn, and posts every reply back in one message.
 *
 * Why: duckdb-wasm's worker protocol needs three round trips for a pending query
 * that is already done (start → header, fetch → batch, fetch → end), and each
 * costs a message each way plus a wake-up of both threads; with `timeoutMs` set,
 * `SELECT 1` cost 1.68× a plain `conn.query` that way. Pipelining the three
 * requests saves only the latency, not the messages (measured: ~15 of ~100 µs).
 *
 * Nothing is re-implemented: the worker script below only calls duckdb-wasm's
 * dispatcher (`globalThis.onmessage`) with its own request types and collects the
 * replies it posts synchronously (both requests run without an `await`). A
 * statement still running after the first slice answers `null` as before, and the
 * engine polls it — and can cancel it — between slices.
 */

/** The request the worker script below answers; any other message goes to duckdb-wasm unchanged. */
export const PENDING_BATCH_REQUEST = 'DATAPRISM_START_PENDING_BATCH';

/**
 * Worker-side script, run after duckdb-wasm's worker script has registered its
 * `globalThis.onmessage` (plain JavaScript: it is evaluated inside the worker).
 * Replies carry the request's negative id, so none can be mistaken for an
 * AsyncDuckDB request's reply; other messages posted meanwhile (logs) pass through.
 */
export const PENDING_BATCH_WORKER_SCRIPT = `
(() => {
  const duckdb = globalThis.onmessage;
  const post = globalThis.postMessage;
  globalThis.onmessage = (event) => {
    const request = event.data;
    if (!request || request.type !== '${PENDING_BATCH_REQUEST}') return duckdb(event);
    const { id, conn, sql } = request;
    const replies = [];
    const transfer = [];
    globalThis.postMessage = (message, buffers) => {
      if (!message || message.requestId !== id) return post(message, buffers);
      replies.push(message);
      if (buffers) transfer.push(...buffers);
    };
    try {
      duckdb({ data: { messageId: id, type: 'START_PENDING_QUERY', data: [conn, sql, false] } });
      let last = replies[0];
      if (last && last.type === 'QUERY_RESULT_HEADER_OR_NULL' && last.data) {
        for (;;) {
          const before = replies.length;
          duckdb({ data: { messageId: id, type: 'FETCH_QUERY_RESULTS', data: conn } });
          if (replies.length === before) break;
          last = replies[replies.length - 1];
          if (last.type !== 'QUERY_RESULT_CHUNK' || !last.data || last.data.length === 0) break;
        }
      }
    } finally {
      globalThis.postMessage = post;
    }
    post({ __dataprismPendingBatch: id, replies }, transfer);
  };
})();
`;

/** One reply of duckdb-wasm's worker, as collected by the script above. */
export interface WorkerReply {
  type: string;
  data: unknown;
}

/** The message the worker script posts back. */
export interface PendingBatchMessage {
  __dataprismPendingBatch: number;
  replies: WorkerReply[];
}

/** True for the worker script's answer (the port's other messages are duckdb-wasm's). */
export function isPendingBatchMessage(data: unknown): data is PendingBatchMessage {
  return data !== null && typeof data === 'object' && '__dataprismPendingBatch' in data;
}

/** What a batch tells the backend: still running (null), or the result so far and whether it is complete. */
export type PendingBatchResult = null | { parts: Uint8Array[]; complete: boolean };

/**
 * Reads the collected replies: `null` while the statement runs on; otherwise the
 * header and batches, `complete` once the end was fetched (a `null` chunk means
 * "retry": the caller fetches the rest itself). An error reply throws what
 * AsyncDuckDB would have rejected with (an Error with the worker's name and message).
 */
export function readPendingBatch(replies: readonly WorkerReply[]): PendingBatchResult {
  const [start, ...fetches] = replies;
  if (!start) throw new Error('the DuckDB worker did not answer the pending query (duckdb-wasm worker protocol changed?)');
  throwIfError(start);
  if (start.data === null) return null;
  const parts = [start.data as Uint8Array];
  for (const reply of fetches) {
    throwIfError(reply);
    const chunk = reply.data as Uint8Array | null;
    if (chunk === null) return { parts, complete: false };
    if (chunk.length === 0) return { parts, complete: true };
    parts.push(chunk);
  }
  return { parts, complete: false };
}

function throwIfError(reply: WorkerReply): void {
  if (reply.type !== 'ERROR') return;
  const data = reply.data as { name?: string; message?: string } | null;
  const error = new Error(data?.message ?? 'the DuckDB worker reported an error');
  if (data?.name) error.name = data.name;
  throw error;
}
