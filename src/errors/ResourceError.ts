/** A resource handle was misused: freed twice, foreign, or allocated with a bad size or type. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export class ResourceError extends DataPrismError {
  constructor(message: string, options: DataPrismErrorOptions = {}) {
    super(message, 'resource', { component: options.component ?? 'resources', cause: options.cause });
  }
}
