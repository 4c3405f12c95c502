/**
 * Fetches a config document over http(s) with a time budget. Other schemes
 * (file:, data:, ftp:, ...) are refused: a URL from configuration must not be
 * able to read local files.
 */
import { ConfigError } from '../errors/ConfigError.js';
import { TimeoutError } from '../errors/TimeoutError.js';

/** The largest document accepted, in characters. */
export const MAX_CONFIG_SIZE = 10 * 1024 * 1024;

/** The text and Content-Type of `url`. Throws ConfigError (bad URL, scheme, status) or TimeoutError. */
export async function fetchText(url: string, timeoutMs: number): Promise<{ text: string; contentType: string | null }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
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
    const text = await response.text();
    if (text.length > MAX_CONFIG_SIZE) {
      throw new ConfigError(`Config URL ${url} returned ${text.length} characters, more than the ${MAX_CONFIG_SIZE} accepted`, { file: url });
    }
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
