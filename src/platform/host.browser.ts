/**
 * The browser platform, swapped in for host.ts by package.json's `browser`
 * field. DuckDB runs in a Web Worker started from the bundle the page serves;
 * there is no file system (config files and saves are refused with a
 * ConfigError) and no `process`.
 */
import { ConfigError } from '../errors/ConfigError.js';
import { EngineError } from '../errors/EngineError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { coiBundle, selectBundle } from '../engine/browserBundles.js';
import type { EngineBundle, EngineBundleInput } from '../engine/types.js';
import type { Platform } from './types.js';

export const platform: Platform = {
  kind: 'browser',
  async startBackend(options) {
    if (options.mode === 'blocking') {
      throw new EngineError("engineOptions.mode 'blocking' works in Node only; use mode 'worker' (the default) in a browser");
    }
    if (options.mode === 'native') {
      throw new EngineError("engineOptions.backend 'native' (@duckdb/node-api) works in Node only; use the default wasm backend in a browser");
    }
    if (!options.bundles) {
      throw new EngineError(
        'engineOptions.bundles is required in a browser: serve the DuckDB-WASM files from your own origin and pass their URLs ' +
          "(with Vite: import mainModule from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url'; see the README's Browser section)",
      );
    }
    const bundle = await chooseBundle(options.bundles, options.threads);
    const { WorkerBackend } = await import('../engine/WorkerBackend.js');
    const at = bundle.pthreadWorker === undefined ? 'bundles' : 'bundles.coi';
    const probes = [probe(bundle.mainModule, `${at}.mainModule`, 'wasm'), probe(bundle.mainWorker, `${at}.mainWorker`, 'script')];
    if (bundle.pthreadWorker !== undefined) probes.push(probe(bundle.pthreadWorker, 'bundles.coi.pthreadWorker', 'script'));
    return WorkerBackend.start({
      mainModule: bundle.mainModule,
      ...(bundle.pthreadWorker === undefined ? {} : { pthreadWorker: bundle.pthreadWorker, threads: options.threads }),
      preflight: Promise.all(probes).then(() => undefined),
      ...(options.path === undefined ? {} : { path: options.path }),
      startTimeoutMs: options.startTimeoutMs,
      describe: `worker ${bundle.mainWorker}, wasm ${bundle.mainModule}`,
      onCrash: options.onCrash,
      spawn: (onCrash) => {
        let worker: Worker;
        try {
          worker = new Worker(bundle.mainWorker);
        } catch (error) {
          throw new EngineError(`The DuckDB worker ${bundle.mainWorker} could not be started: ${messageOf(error)}; serve it from the page's origin`, {
            cause: error,
          });
        }
        // A script that fails to load or to parse ends here; the event carries no reason.
        worker.addEventListener('error', (event) =>
          onCrash(new Error(`the DuckDB worker ${bundle.mainWorker} failed${event.message ? `: ${event.message}` : ' to load'}`)),
        );
        return { port: worker, ref() {}, unref() {}, terminate: async () => worker.terminate() };
      },
    });
  },
  readTextFile(path) {
    return Promise.reject(
      new ConfigError(`Cannot read config file ${path}: a browser has no file system; load { type: 'url' } or { type: 'object' } instead`, {
        file: path,
      }),
    );
  },
  writeFileAtomic(path) {
    return Promise.reject(
      new ConfigError(`Cannot save the config to ${path}: a browser has no file system; save to { type: 'object' } instead`, { file: path }),
    );
  },
  environment: () => ({}),
  openLocalFile(path) {
    return Promise.reject(
      new ValidationError(`cannot load ${path}: a browser has no file system; pass a File, Blob, URL or Uint8Array instead`, {
        issues: [{ path: 'source', message: 'a path in a browser' }],
      }),
    );
  },
  realPath: () => Promise.resolve(undefined),
  startScriptWorker() {
    return Promise.reject(new EngineError('worker_threads exist in Node only; this runtime has no Web Worker either, so a plugin cannot run in a worker here'));
  },
};

/**
 * The coi build when `threads` > 1 is asked, `bundles.coi` is given and DuckDB-WASM's
 * own feature checks pass (cross-origin isolation, wasm threads, SIMD, exceptions);
 * otherwise eh or mvp (the engine then warns that DuckDB runs on one thread).
 */
async function chooseBundle(bundles: EngineBundleInput, threads: number | undefined): Promise<EngineBundle & { pthreadWorker?: string }> {
  const coi = coiBundle(bundles);
  if (coi === undefined || threads === undefined || threads <= 1) return selectBundle(bundles);
  const { getPlatformFeatures } = await import('@duckdb/duckdb-wasm');
  const { crossOriginIsolated, wasmThreads, wasmSIMD, wasmExceptions } = await getPlatformFeatures();
  return crossOriginIsolated && wasmThreads && wasmSIMD && wasmExceptions ? coi : selectBundle(bundles);
}

/**
 * Reads the first bytes of `url` before the worker loads it, so that a wrong
 * bundle URL rejects at once with the URL in the message: the worker reports a
 * missing or wrong wasm file late or never. It asks for those four bytes alone
 * (a single range is CORS-safelisted, so no preflight): the worker downloads the
 * 34 MB file at the same time, and a second full download competes with it.
 * A server that ignores ranges answers the whole file, dropped after the first
 * chunk. The worker's own load is separate.
 */
async function probe(url: string, option: string, kind: 'wasm' | 'script'): Promise<void> {
  const what = `engineOptions.${option} ${url}`;
  const controller = new AbortController();
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, headers: { range: 'bytes=0-3' } });
    } catch (error) {
      throw new EngineError(`${what} is unreachable (${messageOf(error)}); serve the DuckDB-WASM files from your own origin`, { cause: error });
    }
    if (!response.ok) {
      throw new EngineError(`${what} answered HTTP ${response.status}; check the URL (the files are in node_modules/@duckdb/duckdb-wasm/dist/)`);
    }
    const head = await firstBytes(response);
    const wasm = head[0] === 0x00 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d;
    const html = /text\/html/i.test(response.headers.get('content-type') ?? '') || head[0] === 0x3c;
    if (kind === 'wasm' && !wasm) {
      throw new EngineError(
        `${what} is ${html ? 'an HTML page' : 'not a WebAssembly file'}, not duckdb-eh.wasm, duckdb-mvp.wasm or duckdb-coi.wasm; check the URL` +
          (html ? ' (a dev server answers unknown paths with its index page)' : ''),
      );
    }
    if (kind === 'script' && (wasm || html)) {
      throw new EngineError(`${what} is ${wasm ? 'a WebAssembly file' : 'an HTML page'}, not a DuckDB worker script (such as duckdb-browser-eh.worker.js); check the URL`);
    }
  } finally {
    controller.abort();
  }
}

/** Up to the first four bytes of a response body. */
async function firstBytes(response: Response): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const bytes: number[] = [];
  while (bytes.length < 4) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes.push(...value.subarray(0, 4 - bytes.length));
  }
  return Uint8Array.from(bytes);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
