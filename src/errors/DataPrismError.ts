/**
 * The base of every error this library throws. Each error carries a `category`
 * (what kind of failure it is, which drives recovery), the `component` it came
 * from, and the original `cause`. Messages say what went wrong and what to do.
 */
import type { RecoveryCategory } from '../../machines/recovery.machine.js';

/**
 * How an error is treated by recovery:
 * - `transient`: may succeed if tried again (timeouts, a busy resource);
 * - `resource`: a budget was exceeded (memory, handles): free something, then retry;
 * - `plugin`: a plugin hook failed: restart or isolate the plugin;
 * - `query`: the SQL itself is wrong: retrying cannot help;
 * - `configuration`: an option or config file is invalid: fix the config;
 * - `validation`: a caller passed an invalid value: fix the call;
 * - `usage`: an API was called in the wrong lifecycle state: fix the call order;
 * - `engine`: the database engine failed: restart it;
 * - `fatal`: nothing sensible can be retried.
 */
export type ErrorCategory = RecoveryCategory;

export const ERROR_CATEGORIES: readonly ErrorCategory[] = [
  'transient',
  'resource',
  'plugin',
  'query',
  'configuration',
  'validation',
  'usage',
  'engine',
  'fatal',
];

export interface DataPrismErrorOptions {
  /** The component that raised the error (`engine`, `plugin:<name>`, `config`, ...). */
  component?: string;
  /** The error that caused this one. */
  cause?: unknown;
}

export class DataPrismError extends Error {
  /**
   * A literal in every class of this library, so `error.name === 'PluginError'`
   * still holds in a minified bundle (where `new.target.name` would be `'c'`).
   * A subclass of your own should set its own `name` the same way.
   */
  override name: string = 'DataPrismError';
  /** How recovery should treat this error. */
  readonly category: ErrorCategory;
  /** Which component raised it. */
  readonly component: string;
  override readonly cause?: unknown;

  constructor(message: string, category: ErrorCategory, options: DataPrismErrorOptions = {}) {
    super(message);
    this.category = category;
    this.component = options.component ?? 'orchestrator';
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** True when `value` is a DataPrismError (or a subclass), even across module copies. */
export function isDataPrismError(value: unknown): value is DataPrismError {
  return (
    value instanceof DataPrismError ||
    (value instanceof Error && typeof (value as { category?: unknown }).category === 'string' &&
      typeof (value as { component?: unknown }).component === 'string')
  );
}

/** Turns anything thrown into an Error without losing it. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(`Non-error value thrown: ${JSON.stringify(value)}`);
  } catch {
    return new Error(`Non-error value thrown: ${String(value)}`);
  }
}
