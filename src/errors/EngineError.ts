/** The DuckDB-WASM engine failed to start, crashed, or was used while not ready. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export class EngineError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'EngineError';
  constructor(message: string, options: DataPrismErrorOptions = {}) {
    super(message, 'engine', { component: options.component ?? 'engine', cause: options.cause });
  }
}
