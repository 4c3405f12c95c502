/** DuckDB rejected a statement. `message` is DuckDB's own message; `sql` is the statement. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

export interface QueryErrorOptions extends DataPrismErrorOptions {
  sql?: string;
}

export class QueryError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'QueryError';
  readonly sql?: string;

  constructor(message: string, options: QueryErrorOptions = {}) {
    super(message, 'query', { component: options.component ?? 'engine', cause: options.cause });
    if (options.sql !== undefined) this.sql = options.sql;
  }
}
