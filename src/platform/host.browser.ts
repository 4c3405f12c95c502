/**
 * The browser platform, swapped in for host.ts by package.json's `browser`
 * field. DuckDB runs in a Web Worker started from the bundle the page serves;
 * there is no file system (config files and saves are refused with a
 * ConfigError) and no `process`.
 */
import { ConfigError } from '../errors/ConfigError.js';
import { EngineError } from '../errors/EngineError.js';
import { selectBundle } from '../engine/browserBundles.js';
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
    const bundle = selectBundle(options.bundles);
    const { WorkerBackend } = await import('../engine/WorkerBackend.js');
    return WorkerBackend.start({
      mainModule: bundle.mainModule,
      preflight: Promise.all([probe(bundle.mainModule, 'mainModule'), probe(bundle.mainWorker, 'mainWorker')]).then(() => undefined),
      ...(options.path === undefined ? {} : { path: options.path }),
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
};

/**
 * Asks the server for `url` before the worker loads it, so that a wrong bundle
 * URL rejects at once with the URL in the message: the worker itself reports a
 * missing wasm file late or never.
 */
async function probe(url: string, option: 'mainModule' | 'mainWorker'): Promise<void> {
  const what = `engineOptions.bundles.${option} ${url}`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'HEAD' });
  } catch (error) {
    throw new EngineError(`${what} is unreachable (${messageOf(error)}); serve the DuckDB-WASM files from your own origin`, { cause: error });
  }
  // A server that does not answer HEAD tells nothing: the load itself decides.
  if (response.status === 405 || response.status === 501) return;
  if (!response.ok) {
    throw new EngineError(`${what} answered HTTP ${response.status}; check the URL (the files are in node_modules/@duckdb/duckdb-wasm/dist/)`);
  }
  const type = response.headers.get('content-type') ?? '';
  if (/text\/html/i.test(type)) {
    throw new EngineError(`${what} is an HTML page, not the DuckDB ${option === 'mainModule' ? '.wasm' : 'worker'} file; check the URL (a dev server answers unknown paths with its index page)`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
