/**
 * A `loadFile` source (path, URL, Blob/File, bytes) → a file the engine can
 * hand to DuckDB: its name for messages, its size, its first bytes for format
 * detection and, on demand, all its bytes — every read bounded by maxBytes.
 *
 * A caller with fewer rights than the host (a plugin) names only what the
 * host allowed (`allowedPaths` / `allowedDirectories`): a local path is
 * resolved by the file system (symlinks, `..`) before it is compared, so no
 * spelling of a name reaches outside; a URL is compared after the URL parser
 * normalised it; schemes other than http(s) (file:, data:, blob: ...) are
 * refused for everyone.
 */
import { TimeoutError } from '../../errors/TimeoutError.js';
import { ValidationError } from '../../errors/ValidationError.js';
import type { LocalFile, Platform } from '../../platform/types.js';
import { HEAD_BYTES } from './detect.js';
import { readCappedBody } from '../../util/readCappedBody.js';
import { abortedError } from './fileErrors.js';
import type { LoadFileOptions, LoadFileSource } from './types.js';

/** Default `maxBytes`: 1 GiB. */
export const DEFAULT_MAX_BYTES = 1024 ** 3;

/** Default `downloadTimeoutMs`: 5 minutes, about 1 GiB (the default maxBytes) at 30 Mbit/s. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 300_000;

/** The longest delay setTimeout keeps (2^31 − 1 ms); a longer budget is no budget. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A source ready to load. */
export interface ResolvedFile {
  /** How messages name it: the path, the URL, the File's name, or `options.name`. */
  readonly label: string;
  /** A name whose extension says the format (the label, or `options.name`). */
  readonly nameHint: string | undefined;
  readonly size: number;
  /** The first bytes (up to HEAD_BYTES). */
  readonly head: Uint8Array;
  /** The real path of a local file (Node), which native DuckDB can read in place. */
  readonly localPath?: string;
  /** All bytes, in a buffer nobody else holds (it may be transferred to a worker). */
  bytes(): Promise<Uint8Array>;
}

/** Who asks: the host (everything it can reach), or a plugin with its `engine:files` right and the host's allowed list. */
export type FileAccess = { readonly kind: 'host' } | { readonly kind: 'restricted'; readonly files: boolean; readonly allowed: readonly string[] };

export async function resolveSource(source: LoadFileSource, options: LoadFileOptions, access: FileAccess, platform: Platform): Promise<ResolvedFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof source === 'string' && !isUrlString(source)) return fromPath(source, maxBytes, access, platform);
  if (typeof source === 'string' || source instanceof URL) return fromUrl(String(source), options, maxBytes, access);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const label = options.name ?? fileName(source) ?? `Blob (${source.size} bytes)`;
    checkSize(label, source.size, maxBytes);
    const bytes = new Uint8Array(await source.arrayBuffer());
    return inMemory(label, options.name ?? fileName(source), bytes);
  }
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const view = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
    const label = options.name ?? `${source instanceof ArrayBuffer ? 'ArrayBuffer' : 'Uint8Array'} (${view.byteLength} bytes)`;
    checkSize(label, view.byteLength, maxBytes);
    // A copy: the caller's buffer is theirs, and a worker backend detaches what it is given.
    return inMemory(label, options.name, view.slice());
  }
  throw new ValidationError('loadFile takes a path, a URL, a Blob or File, a Uint8Array or an ArrayBuffer', {
    issues: [{ path: 'source', message: `unsupported ${source === null ? 'null' : typeof source}` }],
  });
}

/** `scheme:` with a scheme of two or more letters (so `C:\data.csv` stays a path). */
function isUrlString(text: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(text);
}

function fileName(blob: Blob): string | undefined {
  const name = (blob as { name?: unknown }).name;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

function inMemory(label: string, nameHint: string | undefined, bytes: Uint8Array): ResolvedFile {
  return { label, nameHint: nameHint ?? label, size: bytes.byteLength, head: bytes.subarray(0, HEAD_BYTES), bytes: () => Promise.resolve(bytes) };
}

async function fromPath(path: string, maxBytes: number, access: FileAccess, platform: Platform): Promise<ResolvedFile> {
  if (path.length === 0) {
    throw new ValidationError('loadFile needs a source; got an empty path', { issues: [{ path: 'source', message: 'empty' }] });
  }
  if (access.kind === 'restricted') {
    if (!access.files) throw refused(path, "reading a file needs the 'engine:files' permission");
    // The same answer whether the file is missing or outside: a plugin learns nothing about the host's disk.
    const real = await platform.realPath(path);
    const allowed = real !== undefined && (await isAllowedPath(real, access.allowed, platform));
    if (!allowed) throw refused(path, 'it is not one of the files the host allows (engineOptions.allowedPaths / allowedDirectories), or it does not exist');
    // Open the path that was checked, not the name again: a symlink swapped in
    // after the check must not lead outside. Resolving the checked path to
    // anything else means something on the way changed since; refuse that too.
    const file = await platform.openLocalFile(real);
    if (file.realPath !== real) throw refused(path, 'it changed while it was being opened');
    return opened(path, file, maxBytes);
  }
  return opened(path, await platform.openLocalFile(path), maxBytes);
}

async function opened(path: string, file: LocalFile, maxBytes: number): Promise<ResolvedFile> {
  checkSize(path, file.size, maxBytes);
  const head = await file.readHead(HEAD_BYTES);
  return { label: path, nameHint: path, size: file.size, head, localPath: file.realPath, bytes: () => file.read(maxBytes) };
}

async function isAllowedPath(real: string, allowed: readonly string[], platform: Platform): Promise<boolean> {
  for (const entry of allowed) {
    if (isUrlString(entry)) continue;
    const allowedReal = await platform.realPath(entry);
    if (allowedReal === undefined) continue;
    if (real === allowedReal) return true;
    const directory = allowedReal.endsWith('/') ? allowedReal : `${allowedReal}/`;
    if (real.startsWith(directory)) return true;
  }
  return false;
}

async function fromUrl(text: string, options: LoadFileOptions, maxBytes: number, access: FileAccess): Promise<ResolvedFile> {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new ValidationError(`cannot load ${text}: it is not a valid URL`, { issues: [{ path: 'source', message: 'invalid URL' }], cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(
      `cannot load ${text}: loadFile fetches only http: and https: URLs; pass a local file as a path, or its contents as a Blob or Uint8Array`,
      { issues: [{ path: 'source', message: `unsupported scheme ${url.protocol}` }] },
    );
  }
  const label = url.href;
  if (access.kind === 'restricted') {
    if (!access.files) throw refused(label, "fetching a file needs the 'engine:files' permission");
    if (!access.allowed.some((entry) => isAllowedUrl(url, entry))) {
      throw refused(label, 'it is not one of the URLs the host allows (engineOptions.allowedPaths / allowedDirectories)');
    }
  }
  // A server that sends its headers and then nothing must not hold the load forever: the
  // whole download (headers and body) has a budget, and the caller's signal ends it too.
  const timeoutMs = options.downloadTimeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const budget = new AbortController();
  const timer =
    timeoutMs <= MAX_TIMER_MS
      ? setTimeout(
          () =>
            budget.abort(
              new TimeoutError(`cannot load ${label}: the download took longer than ${timeoutMs} ms (options.downloadTimeoutMs); check the server, or raise downloadTimeoutMs`, {
                timeoutMs,
                operation: 'loadFile',
                component: 'engine',
              }),
            ),
          timeoutMs,
        )
      : undefined;
  const signal = options.signal ? AbortSignal.any([options.signal, budget.signal]) : budget.signal;
  try {
    return await download(url, label, options, maxBytes, access, signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Fetches `url` under `signal`: the response checked, its body read under the cap. */
async function download(url: URL, label: string, options: LoadFileOptions, maxBytes: number, access: FileAccess, signal: AbortSignal): Promise<ResolvedFile> {
  let response: Response;
  try {
    // Redirects are refused for restricted callers: the allowed URL must not lead elsewhere.
    response = await fetch(url, { signal, redirect: access.kind === 'restricted' ? 'error' : 'follow' });
  } catch (cause) {
    if (signal.aborted) throw abortedError(signal, label);
    throw new ValidationError(`cannot load ${label}: the request failed (${messageOf(cause)}); check the URL and the network`, {
      issues: [{ path: 'source', message: 'fetch failed' }],
      cause,
    });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new ValidationError(`cannot load ${label}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}; check the URL`, {
      issues: [{ path: 'source', message: `HTTP ${response.status}` }],
    });
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared)) {
    try {
      checkSize(label, declared, maxBytes);
    } catch (error) {
      await response.body?.cancel().catch(() => undefined);
      throw error;
    }
  }
  const bytes = await readBounded(response, label, maxBytes, signal);
  return inMemory(label, options.name ?? url.pathname, bytes);
}

function isAllowedUrl(url: URL, entry: string): boolean {
  if (!isUrlString(entry)) return false;
  let allowed: URL;
  try {
    allowed = new URL(entry);
  } catch {
    return false;
  }
  if (url.origin !== allowed.origin) return false;
  if (url.href === allowed.href) return true;
  const directory = allowed.href.endsWith('/') ? allowed.href : `${allowed.href}/`;
  return url.href.startsWith(directory);
}

/** The body, refused as soon as it passes `maxBytes` (a server may send more than it declared). */
async function readBounded(response: Response, label: string, maxBytes: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
  return readCappedBody(
    response,
    maxBytes,
    (received) => tooLarge(label, received, maxBytes),
    (error, received) =>
      signal?.aborted
        ? abortedError(signal, label)
        : new ValidationError(`cannot load ${label}: the download broke off after ${received} bytes (${messageOf(error)}); try again`, {
            issues: [{ path: 'source', message: 'download failed' }],
            cause: error,
          }),
    signal,
  );
}

function checkSize(label: string, size: number, maxBytes: number): void {
  if (size > maxBytes) throw tooLarge(label, size, maxBytes);
}

function tooLarge(label: string, size: number, maxBytes: number): ValidationError {
  return new ValidationError(`cannot load ${label}: it has ${size} bytes, more than options.maxBytes (${maxBytes}); raise maxBytes to load it`, {
    issues: [{ path: 'source', message: 'too large' }],
  });
}

function refused(label: string, why: string): ValidationError {
  return new ValidationError(`Permission Error: cannot load ${label}: ${why}`, { issues: [{ path: 'source', message: 'not allowed' }] });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
