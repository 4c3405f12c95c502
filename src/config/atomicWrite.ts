/**
 * Writes a file so that readers only ever see the old content or the new one,
 * never half of it: write a temporary file in the same directory, fsync it,
 * then rename it over the target (rename is atomic within a file system), and
 * fsync the directory so the rename itself survives a power loss.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors/ConfigError.js';

/** Hooks into the write, for tests that simulate a crash half-way. */
export interface AtomicWriteHooks {
  /** Writes one chunk to the open temporary file. Default: `handle.write(chunk)`. */
  write?: (handle: FileHandle, chunk: Uint8Array, index: number) => Promise<void>;
  /** Bytes per chunk. Default 65 536. */
  chunkSize?: number;
}

async function defaultWrite(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let written = 0;
  while (written < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.length - written);
    written += bytesWritten;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Replaces `path` with `data` atomically. On failure the previous file is untouched and the temporary file removed. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const write = hooks.write ?? defaultWrite;
  const chunkSize = Math.max(1, hooks.chunkSize ?? 65_536);
  // Keep the permissions of the file being replaced.
  const mode = await stat(path).then((s) => s.mode & 0o777, () => 0o644);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', mode);
    for (let offset = 0, index = 0; offset < bytes.length || index === 0; offset += chunkSize, index++) {
      await write(handle, bytes.subarray(offset, offset + chunkSize), index);
      if (bytes.length === 0) break;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw new ConfigError(
      `Could not save the config to ${path}: ${(error as Error).message}. The previous file is unchanged; check the directory exists and is writable, then save again.`,
      { file: path, cause: error },
    );
  }
  await syncDirectory(dir);
}
