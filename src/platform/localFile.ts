/**
 * Local files for `engine.loadFile` (Node only; reached from host.ts): the real
 * path behind a name (symlinks and `..` resolved by the file system, not by
 * string handling), its size, its first bytes and, when needed, all of them.
 */
import { open, realpath } from 'node:fs/promises';
import { ValidationError } from '../errors/ValidationError.js';
import type { LocalFile } from './types.js';

/** Bytes read at open, so that asking for the head (format detection reads 64 KiB) costs no second open. */
const PREFETCH_BYTES = 64 * 1024;

/** Opens `path` for reading; a ValidationError naming it when it is missing, a directory or unreadable. */
export async function openLocalFile(path: string): Promise<LocalFile> {
  let real: string;
  let size: number;
  let prefetched: Uint8Array;
  try {
    real = await realpath(path);
    const handle = await open(real, 'r');
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
      size = stats.size;
      const buffer = new Uint8Array(Math.min(PREFETCH_BYTES, size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      prefetched = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'it is not readable' : code === 'ENOTFILE' || code === 'EISDIR' ? 'it is not a file' : (error as Error).message;
    throw new ValidationError(`cannot load ${path}: ${why}; pass the path of a readable file`, { issues: [{ path: 'source', message: why }], cause: error });
  }
  return {
    realPath: real,
    size,
    readHead: async (bytes) => {
      // The whole file, or as much of its head as asked for, was read at open.
      if (bytes <= prefetched.length || prefetched.length === size) return prefetched.slice(0, Math.min(bytes, size));
      const handle = await open(real, 'r');
      try {
        const buffer = new Uint8Array(Math.min(bytes, size));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    read: async (maxBytes) => {
      const handle = await open(real, 'r');
      try {
        // Read what stat said plus one byte: a file that grew past the limit since is still refused.
        const buffer = new Uint8Array(Math.min(size, maxBytes) + 1);
        let at = 0;
        for (;;) {
          const { bytesRead } = await handle.read(buffer, at, buffer.length - at, at);
          if (bytesRead === 0) break;
          at += bytesRead;
          if (at === buffer.length) break;
        }
        if (at > maxBytes) throw tooBig(path, maxBytes);
        return buffer.subarray(0, at);
      } finally {
        await handle.close();
      }
    },
  };
}

/** The real path of `path`, or undefined when it does not exist. */
export async function realPathOf(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

function tooBig(path: string, maxBytes: number): ValidationError {
  return new ValidationError(`cannot load ${path}: it is larger than options.maxBytes (${maxBytes} bytes); raise maxBytes to load it`, {
    issues: [{ path: 'source', message: 'too large' }],
  });
}
