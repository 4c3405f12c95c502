/** The DuckDB-WASM engine failed to start, crashed, or was used while not ready. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export class EngineError extends DataPrismError {
  constructor(message: string, options: DataPrismErrorOptions = {}) {
    super(message, 'engine', { component: options.component ?? 'engine', cause: options.cause });
  }
}
