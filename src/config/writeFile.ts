/**
 * The public `writeFileAtomic`: the platform's atomic replace (atomicWrite.ts in
 * Node; a ConfigError in a browser, which has no file system).
 */
import { platform } from '../platform/host.js';
import type { AtomicWriteHooks } from './atomicWrite.js';

/** Replaces `path` with `data` atomically. On failure the previous file is untouched. Node only. */
export function writeFileAtomic(path: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  return platform.writeFileAtomic(path, data, hooks);
}
