/**
 * Fetches a config document over http(s) with a time budget and a size cap.
 * Other schemes (file:, data:, ftp:, ...) are refused: a URL from configuration
 * must not be able to read local files. The cap holds while the body streams:
 * a server announcing more is refused before the body is read, and one that
 * sends more is cut off as soon as the bytes received pass the cap, so a URL
 * answering with 400 MB costs 10 MiB of memory, not 400 MB.
 */
import { ConfigError } from '../errors/ConfigError.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import { readCappedBody } from '../util/readCappedBody.js';

/** The largest document accepted, in bytes (after any Content-Encoding is undone): 10 MiB. */
export const MAX_CONFIG_SIZE = 10 * 1024 * 1024;

/** The page's address in a browser (a relative config URL means the page's own server); undefined in Node. */
export function pageUrl(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}

/** The text and Content-Type of `url`. Throws ConfigError (bad URL, scheme, status, size) or TimeoutError. */
export async function fetchText(url: string, timeoutMs: number): Promise<{ text: string; contentType: string | null }> {
  let parsed: URL;
  try {
    parsed = new URL(url, pageUrl());
  } catch (error) {
    throw new ConfigError(`Config URL ${JSON.stringify(url)} is not a valid URL; give an absolute http:// or https:// address`, { file: url, cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`Config URL ${url} uses the scheme '${parsed.protocol}'; only http: and https: are allowed (use type 'file' for local files)`, { file: url });
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(parsed, { signal: controller.signal, redirect: 'follow', headers: { accept: 'application/json, application/yaml, text/plain, */*' } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new ConfigError(`Config URL ${url} answered HTTP ${response.status} ${response.statusText}; check the address`, { file: url });
    }
    const announced = Number(response.headers.get('content-length') ?? Number.NaN);
    // Content-Length counts the encoded body: only an identity body's length says what decoding yields.
    if (announced > MAX_CONFIG_SIZE && (response.headers.get('content-encoding') ?? 'identity') === 'identity') {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(url, `announces ${announced} bytes`);
    }
    const text = await readCapped(response, url, controller.signal);
    return { text, contentType: response.headers.get('content-type') };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (controller.signal.aborted) {
      throw new TimeoutError(`Loading config from ${url} took longer than ${timeoutMs} ms; check the server or raise timeoutMs`, {
        timeoutMs,
        operation: 'config.load(url)',
        component: 'config',
        cause: error,
      });
    }
    throw new ConfigError(`Could not load config from ${url}: ${(error as Error).message}`, { file: url, cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the body under the cap (cancelled once it passes it), decoded as text. */
async function readCapped(response: Response, url: string, signal: AbortSignal): Promise<string> {
  const bytes = await readCappedBody(response, MAX_CONFIG_SIZE, () => tooLarge(url, `sent more than ${MAX_CONFIG_SIZE} bytes`), undefined, signal);
  // What response.text() does: UTF-8, a leading BOM dropped, bad sequences replaced.
  return new TextDecoder('utf-8').decode(bytes);
}

function tooLarge(url: string, what: string): ConfigError {
  return new ConfigError(
    `Config URL ${url} ${what}, more than the ${MAX_CONFIG_SIZE} bytes accepted (10 MiB); point it at the config document itself, or load a large config from a file`,
    { file: url },
  );
}
