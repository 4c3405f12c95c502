/** An operation did not finish within its time budget (`timeoutMs` or a plugin's own). */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export interface TimeoutErrorOptions extends DataPrismErrorOptions {
  /** The budget that ran out, in milliseconds. */
  timeoutMs: number;
  /** What was running: `query`, `plugin:viz.initialize`, ... */
  operation: string;
}

export class TimeoutError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'TimeoutError';
  readonly timeoutMs: number;
  readonly operation: string;

  constructor(message: string, options: TimeoutErrorOptions) {
    super(message, 'transient', options);
    this.timeoutMs = options.timeoutMs;
    this.operation = options.operation;
  }
}
