/**
 * A loopback static file server for the browser tests: serves directories under
 * URL prefixes with the MIME types browsers insist on (application/wasm for
 * streaming compilation), answers a single byte range as static servers do,
 * answers 404 for anything else, and can add the cross-origin isolation headers.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.csv': 'text/csv',
  '.map': 'application/json',
};

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves `mounts` (URL prefix → directory). `/` maps to `index.html`.
 * `isolated`: add COOP/COEP. `ranges`: answer a single byte range with 206 (default true; false answers the whole file, as some servers do).
 */
export async function serveStatic(mounts: Record<string, string>, options: { isolated?: boolean; ranges?: boolean } = {}): Promise<StaticServer> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    let file: string | undefined;
    if (prefix !== undefined) {
      const root = mounts[prefix]!;
      const rest = path.slice(prefix.length) || 'index.html';
      const candidate = normalize(join(root, rest.endsWith('/') ? `${rest}index.html` : rest));
      if ((candidate === root || candidate.startsWith(root + sep)) && existsSync(candidate) && statSync(candidate).isFile()) file = candidate;
    }
    const headers: Record<string, string> = options.isolated
      ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
      : {};
    if (!file) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const size = statSync(file).size;
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // One byte range, as static servers answer it (the engine's bundle check asks for the first bytes).
    const range = options.ranges === false ? null : /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] === '' ? size - 1 : Number(range[2]), size - 1);
      if (start > end) {
        response.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
        return;
      }
      response.writeHead(206, { ...headers, 'content-type': type, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file, { start, end }).pipe(response);
      return;
    }
    response.writeHead(200, { ...headers, 'content-type': type, 'content-length': size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
