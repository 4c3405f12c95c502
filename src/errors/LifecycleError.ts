/** An API was called in a lifecycle state that does not allow it (e.g. `getEngine()` before `initialize()`). */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export interface LifecycleErrorOptions extends DataPrismErrorOptions {
  /** The state the component was in. */
  state?: string;
}

export class LifecycleError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'LifecycleError';
  readonly state?: string;

  constructor(message: string, options: LifecycleErrorOptions = {}) {
    super(message, 'usage', options);
    if (options.state !== undefined) this.state = options.state;
  }
}
