// A config URL that answers with far more than a config document: a loopback
// HTTP server that would stream 400 MB is cut off at the 10 MiB cap while the
// body is still streaming (the server sees the client go away long before it has
// written the whole body), and one that announces 400 MB is refused before the
// body is read at all.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { fetchText, MAX_CONFIG_SIZE } from '../../src/config/fetchText.js';
import { ConfigManager } from '../../src/config/ConfigManager.js';
import { ConfigError } from '../../src/errors/ConfigError.js';

const TOTAL = 400 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Serves `body(response)` on a loopback port; returns the URL. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/config.json`;
}

/** A server streaming up to 400 MB in 64 KiB chunks, as fast as the client reads; counts what it wrote. */
async function flood(headers: Record<string, string> = {}) {
  const written = { bytes: 0, finished: false, clientGone: false };
  let closed!: () => void;
  /** Resolves when the server's side of the response closes (the client hung up, or the body ended). */
  const responseClosed = new Promise<void>((resolve) => (closed = resolve));
  const url = await serve((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', ...headers });
    response.on('close', () => {
      written.clientGone = !written.finished;
      closed();
    });
    const pump = () => {
      while (written.bytes < TOTAL && !response.destroyed) {
        written.bytes += CHUNK.length;
        if (!response.write(CHUNK)) {
          response.once('drain', pump);
          return;
        }
      }
      if (!response.destroyed) {
        written.finished = true;
        response.end();
      }
    };
    pump();
  });
  return { url, written, responseClosed };
}

describe('the config URL size cap', () => {
  test('a 400 MB body without Content-Length is cut off at 10 MiB while streaming', async () => {
    const { url, written, responseClosed } = await flood();
    const error = await fetchText(url, 30_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`more than the ${MAX_CONFIG_SIZE} bytes accepted`);
    // The server learns of the hang-up asynchronously; a fixed sleep raced it on a loaded machine.
    await responseClosed;
    expect(written.finished).toBe(false);
    expect(written.clientGone).toBe(true);
    // What the server got out before the client hung up: the cap plus what sockets buffer, far from 400 MB.
    expect(written.bytes).toBeLessThan(MAX_CONFIG_SIZE + 32 * 1024 * 1024);
  });

  test('a body announcing 400 MB in Content-Length is refused before it is read', async () => {
    const { url, written } = await flood({ 'content-length': String(TOTAL) });
    const error = await fetchText(url, 30_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`announces ${TOTAL} bytes`);
    expect(written.finished).toBe(false);
  });

  test('ConfigManager.load from such a URL fails with the ConfigError and keeps its config', async () => {
    const { url } = await flood();
    const config = new ConfigManager();
    const before = config.snapshot();
    await expect(config.load({ type: 'url', source: url, format: 'json' })).rejects.toThrow(ConfigError);
    expect(config.snapshot()).toEqual(before);
  });

  test('a document of exactly the cap is accepted, multi-byte characters counted as bytes', async () => {
    const text = `"${'é'.repeat((MAX_CONFIG_SIZE - 2) / 2)}"`;
    expect(Buffer.byteLength(text)).toBe(MAX_CONFIG_SIZE);
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(text);
    });
    const fetched = await fetchText(url, 30_000);
    expect(fetched.text.length).toBe(text.length);
    expect(fetched.text).toBe(text);
    expect(fetched.contentType).toContain('application/json');
  });

  test('one byte over the cap is refused', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(Buffer.alloc(MAX_CONFIG_SIZE + 1, 'b'));
    });
    await expect(fetchText(url, 30_000)).rejects.toThrow(ConfigError);
  });
});
