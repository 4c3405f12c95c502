/**
 * Choosing and naming DuckDB-WASM bundles without a CDN: the caller serves the
 * files from its own origin (a bundler's asset URLs, or a copied directory) and
 * these helpers turn them into `engineOptions.bundles`. Platform-neutral.
 */
import { ValidationError } from '../errors/ValidationError.js';
import type { EngineBundle, EngineBundleInput, EngineBundles, EngineCoiBundle } from './types.js';

/** True when WebAssembly exception handling is available (Node ≥ 17, every current browser); selects the faster eh build. */
export function supportsWasmExceptions(): boolean {
  try {
    // The smallest module using the exception-handling proposal: one tag, type [] -> [].
    return WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 6, 64, 25, 11, 11]));
  } catch {
    return false;
  }
}

/**
 * The file names of the three builds under one base URL — for a directory you serve
 * yourself (copied from `node_modules/@duckdb/duckdb-wasm/dist/`; the coi files are
 * needed only for `threads` > 1 on a cross-origin-isolated page):
 * `duckdbBundles(new URL('./duckdb/', import.meta.url))` or `duckdbBundles('/duckdb/')`.
 * A relative base resolves against the page (`document.baseURI`).
 */
export function duckdbBundles(base: string | URL): EngineBundles {
  const root = resolveBase(base);
  const at = (file: string) => new URL(file, root).href;
  return {
    eh: { mainModule: at('duckdb-eh.wasm'), mainWorker: at('duckdb-browser-eh.worker.js') },
    mvp: { mainModule: at('duckdb-mvp.wasm'), mainWorker: at('duckdb-browser-mvp.worker.js') },
    coi: { mainModule: at('duckdb-coi.wasm'), mainWorker: at('duckdb-browser-coi.worker.js'), pthreadWorker: at('duckdb-browser-coi.pthread.worker.js') },
  };
}

/** `bundles.coi`, checked; undefined when there is none. */
export function coiBundle(bundles: EngineBundleInput): EngineCoiBundle | undefined {
  if (isSingle(bundles) || bundles.coi === undefined) return undefined;
  const coi = bundles.coi;
  checked(coi, 'bundles.coi');
  // Checked at run time too: a plain-JS caller may leave it out.
  if (typeof (coi as Partial<EngineCoiBundle>).pthreadWorker !== 'string' || coi.pthreadWorker === '') {
    throw new ValidationError('engineOptions.bundles.coi needs pthreadWorker: the URL of duckdb-browser-coi.pthread.worker.js', {
      component: 'engine',
      issues: [{ path: 'engineOptions.bundles.coi.pthreadWorker', message: 'must be the URL of the served file' }],
    });
  }
  return coi;
}

/**
 * The single-threaded bundle to start: `eh` where exception handling is supported
 * and given, else `mvp`; a single bundle as it is. (The engine itself may start
 * `coi` instead: see `threads`.)
 */
export function selectBundle(bundles: EngineBundleInput): EngineBundle {
  if (isSingle(bundles)) return checked(bundles, 'bundles');
  if (bundles.eh && supportsWasmExceptions()) return checked(bundles.eh, 'bundles.eh');
  if (!bundles.mvp) {
    throw new ValidationError('engineOptions.bundles needs an mvp bundle for browsers without WebAssembly exception handling', {
      component: 'engine',
      issues: [{ path: 'engineOptions.bundles.mvp', message: 'missing' }],
    });
  }
  return checked(bundles.mvp, 'bundles.mvp');
}

function isSingle(bundles: EngineBundleInput): bundles is EngineBundle {
  return typeof (bundles as Partial<EngineBundle>).mainModule === 'string' || typeof (bundles as Partial<EngineBundle>).mainWorker === 'string';
}

function checked(bundle: EngineBundle, at: string): EngineBundle {
  const issues: { path: string; message: string }[] = [];
  for (const key of ['mainModule', 'mainWorker'] as const) {
    const value = (bundle as unknown as Record<string, unknown>)[key];
    if (typeof value !== 'string' || value === '') issues.push({ path: `engineOptions.${at}.${key}`, message: 'must be the URL of the served file' });
  }
  if (issues.length > 0) {
    throw new ValidationError(`engineOptions.${at} needs mainModule (the .wasm URL) and mainWorker (the worker .js URL)`, { component: 'engine', issues });
  }
  return bundle;
}

function resolveBase(base: string | URL): URL {
  const text = String(base);
  const withSlash = text.endsWith('/') ? text : `${text}/`;
  const page = (globalThis as { document?: { baseURI?: string } }).document?.baseURI;
  try {
    return new URL(withSlash, page);
  } catch (error) {
    throw new ValidationError(`duckdbBundles: ${JSON.stringify(text)} is not a URL (give an absolute URL, or a path on a page)`, {
      component: 'engine',
      issues: [{ path: 'base', message: 'not a URL' }],
      cause: error,
    });
  }
}
