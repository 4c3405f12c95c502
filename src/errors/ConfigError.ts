/** A configuration source or value is invalid. Names the key, file and line when known. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export interface ConfigErrorOptions extends DataPrismErrorOptions {
  key?: string;
  file?: string;
  line?: number;
}

export class ConfigError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'ConfigError';
  readonly key?: string;
  readonly file?: string;
  readonly line?: number;

  constructor(message: string, options: ConfigErrorOptions = {}) {
    super(message, 'configuration', { component: options.component ?? 'config', cause: options.cause });
    if (options.key !== undefined) this.key = options.key;
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
  }
}
