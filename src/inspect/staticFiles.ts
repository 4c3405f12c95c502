/**
 * Serves the visualizer page over HTTP with no internet: the page's own files
 * from `visualizer/`, and its libraries from node_modules under `/vendor/`
 * (elkjs's browser bundle, uPlot for the metrics plots). Only GET/HEAD of known files; paths cannot escape
 * the page's folder.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '../errors/ConfigError.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Libraries the page loads, by URL path, resolved from node_modules. */
const VENDOR: Record<string, string> = {
  '/vendor/elk.bundled.js': 'elkjs/lib/elk.bundled.js',
  '/vendor/uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  '/vendor/uPlot.min.css': 'uplot/dist/uPlot.min.css',
};

/**
 * Finds the `visualizer/` folder of this package: next to `src/` when run from
 * source, next to `dist/` when run from a build.
 */
export function findVisualizerRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'visualizer');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  throw new ConfigError(
    "the visualizer page (visualizer/index.html) was not found next to this package's src/ or dist/; reinstall @dataprism/orchestration or pass `staticRoot`",
    { component: 'inspect' },
  );
}

/** Resolves the files under `/vendor/` once, so a missing library fails at start, not per request. */
function resolveVendor(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const files = new Map<string, string>();
  for (const [urlPath, specifier] of Object.entries(VENDOR)) {
    try {
      files.set(urlPath, require.resolve(specifier));
    } catch (error) {
      // elkjs is an optional peer dependency: only the visualizer page draws with it.
      const name = specifier.split('/')[0]!;
      throw new ConfigError(`the visualizer page needs the optional peer dependency ${name} ('${specifier}' cannot be resolved): run npm install ${name}`, {
        component: 'inspect',
        cause: error,
      });
    }
  }
  return files;
}

/** A request handler that serves the page; returns false when the path is not one of its files. */
export type StaticHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/** Builds the handler for the page in `root` (default: this package's `visualizer/`). */
export function createStaticHandler(root: string = findVisualizerRoot()): StaticHandler {
  const base = resolve(root);
  const vendor = resolveVendor();
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    let file = vendor.get(urlPath);
    if (file === undefined) {
      const relative = urlPath === '/' ? 'index.html' : normalize(urlPath).replace(/^[/\\]+/, '');
      const candidate = resolve(base, relative);
      if (candidate !== base && !candidate.startsWith(base + sep)) return false;
      if (!existsSync(candidate) || !statSync(candidate).isFile()) return false;
      file = candidate;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      // The page is tiny and changes with the package: never let a browser keep a stale copy.
      'cache-control': 'no-store',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
    return true;
  };
}
