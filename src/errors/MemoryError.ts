/** A memory budget was exceeded: the ResourceManager's `memoryLimit` or DuckDB's `memory_limit`. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export interface MemoryErrorOptions extends DataPrismErrorOptions {
  /** Bytes asked for, when known. */
  requested?: number;
  /** Bytes still available, when known. */
  available?: number;
}

export class MemoryError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'MemoryError';
  readonly requested?: number;
  readonly available?: number;

  constructor(message: string, options: MemoryErrorOptions = {}) {
    super(message, 'resource', options);
    if (options.requested !== undefined) this.requested = options.requested;
    if (options.available !== undefined) this.available = options.available;
  }
}
