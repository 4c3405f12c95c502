/** An operation was refused because its component's circuit breaker is open. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export interface CircuitOpenErrorOptions extends DataPrismErrorOptions {
  /** The breaker's name (`engine`, `plugin:viz`). */
  breaker: string;
}

export class CircuitOpenError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'CircuitOpenError';
  /** The breaker that refused. */
  readonly breaker: string;
  /** Retrying at once cannot help: the circuit stays open until its open duration ends. */
  readonly retryable = false;

  constructor(message: string, options: CircuitOpenErrorOptions) {
    super(message, 'transient', { component: options.component ?? options.breaker, cause: options.cause });
    this.breaker = options.breaker;
  }
}
