// Times the requests a page sends to DuckDB-WASM workers, ours and raw alike:
// the page's Worker constructor is replaced by one that notes each request's
// type when posted and its time when the worker answers it (DuckDB-WASM's
// responses carry the request's id). The benchmark reads the phases of a start
// from this instead of trusting one total, and counts the round trips.

/** @type {{ type: string; start: number; end?: number }[] | undefined} */
let current;

/** Messages a worker sends about a request before it answers it. */
const NOT_AN_ANSWER = new Set(['INSTANTIATE_PROGRESS', 'PROGRESS_UPDATE', 'LOG']);

/** Replaces `globalThis.Worker` with the tracing one; call before any worker starts. */
export function installWorkerTrace() {
  const Base = globalThis.Worker;
  globalThis.Worker = class TracedWorker extends Base {
    constructor(...args) {
      const started = performance.now();
      super(...args);
      const trace = current;
      trace?.push({ type: 'new Worker', start: started, end: performance.now() });
      /** @type {Map<number, { type: string; start: number; end?: number }>} */
      const open = new Map();
      this.addEventListener('message', (event) => {
        const entry = open.get(event.data?.requestId);
        // Progress and log messages answer nothing yet.
        if (entry && !NOT_AN_ANSWER.has(event.data.type)) {
          entry.end = performance.now();
          open.delete(event.data.requestId);
        }
      });
      const post = this.postMessage.bind(this);
      this.postMessage = (message, transfer) => {
        if (trace && message && typeof message.type === 'string' && typeof message.messageId === 'number') {
          const entry = { type: message.type, start: performance.now() };
          trace.push(entry);
          open.set(message.messageId, entry);
        }
        return post(message, transfer);
      };
    }
  };
}

/** Runs `fn` with tracing on for the workers it starts; returns the requests they got, in order, and the ms `fn` took. */
export async function traced(fn) {
  const trace = [];
  current = trace;
  const start = performance.now();
  try {
    await fn();
  } finally {
    current = undefined;
  }
  return { trace, total: performance.now() - start };
}

/** The ms of `total` during which no request was waiting on a worker: the page's own work (and its fetches). */
function outsideWorker({ trace, total }) {
  const spans = trace.filter((e) => e.type !== 'new Worker').map((e) => [e.start, e.end ?? e.start]).sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let reach = -Infinity;
  for (const [start, end] of spans) {
    if (end <= reach) continue;
    busy += end - Math.max(start, reach);
    reach = end;
  }
  return total - busy;
}

/**
 * Per request type, the median over `runs` (what `traced` returned) of the ms
 * spent waiting on it in one run (the sum, when a run sends it more than once);
 * the median ms outside any request, and the median number of requests of a run.
 */
export function summarize(runs) {
  const traces = runs.map((r) => r.trace);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  /** @type {Map<string, number[]>} */
  const byType = new Map();
  for (const trace of traces) {
    const sums = new Map();
    for (const { type, start, end } of trace) sums.set(type, (sums.get(type) ?? 0) + ((end ?? start) - start));
    for (const [type, ms] of sums) byType.set(type, [...(byType.get(type) ?? []), ms]);
  }
  const requests = median(traces.map((t) => t.filter((e) => e.type !== 'new Worker').length));
  const round = (ms) => Math.round(ms * 10) / 10;
  return {
    requests,
    phases: Object.fromEntries([...byType].map(([type, ms]) => [type, round(median(ms))])),
    outsideWorker: round(median(runs.map(outsideWorker))),
  };
}
