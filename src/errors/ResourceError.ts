/** A resource handle was misused: freed twice, foreign, or allocated with a bad size or type. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export class ResourceError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'ResourceError';
  constructor(message: string, options: DataPrismErrorOptions = {}) {
    super(message, 'resource', { component: options.component ?? 'resources', cause: options.cause });
  }
}
