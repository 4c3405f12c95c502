/**
 * Categorizes any error, including raw ones that did not come from this library.
 *
 * Rules, first match wins:
 * 1. a DataPrismError (or anything with a valid `category` and `component`) keeps its `category`;
 * 2. by `name` (so errors serialized across a worker or realm still match):
 *    MemoryError, ResourceError → resource; TimeoutError, AbortError, CircuitOpenError → transient;
 *    PluginError, RestartIntensityError → plugin; QueryError → query; ConfigError → configuration;
 *    ValidationError → validation; LifecycleError → usage; EngineError → engine;
 * 3. by message or `code`: /out of memory|failed to allocate|allocation failed|cannot allocate/i
 *    or a RangeError about memory/allocation → resource; codes ETIMEDOUT, ECONNRESET,
 *    ECONNREFUSED, EAI_AGAIN, EPIPE, EBUSY, EAGAIN, or /timed? ?out|ETIMEDOUT|ECONNRESET|
 *    temporarily unavailable|try again/i → transient; DuckDB's
 *    "Parser/Binder/Catalog/Conversion/Constraint Error" → query;
 * 4. TypeError, ReferenceError, SyntaxError, EvalError, URIError (programming bugs that fail
 *    the same way every time) → fatal;
 * 5. anything else → transient: an unknown failure is worth one more bounded try.
 */
import { ERROR_CATEGORIES, type ErrorCategory } from './DataPrismError.js';

const BY_NAME: Readonly<Record<string, ErrorCategory>> = {
  MemoryError: 'resource',
  ResourceError: 'resource',
  TimeoutError: 'transient',
  AbortError: 'transient',
  CircuitOpenError: 'transient',
  PluginError: 'plugin',
  RestartIntensityError: 'plugin',
  QueryError: 'query',
  ConfigError: 'configuration',
  ValidationError: 'validation',
  LifecycleError: 'usage',
  EngineError: 'engine',
};

const TRANSIENT_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EAI_AGAIN', 'EPIPE', 'EBUSY', 'EAGAIN']);
const OUT_OF_MEMORY = /out of memory|failed to allocate|allocation failed|cannot allocate|could not allocate/i;
const TRANSIENT_MESSAGE = /timed? ?out|ETIMEDOUT|ECONNRESET|temporarily unavailable|try again/i;
const QUERY_MESSAGE = /^(Parser|Binder|Catalog|Conversion|Constraint|Invalid Input) Error/;
const PROGRAMMING_ERRORS = new Set(['TypeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError']);

/** The category of `error` by the rules above. */
export function categorizeError(error: Error): ErrorCategory {
  const own = (error as { category?: unknown }).category;
  if (typeof own === 'string' && (ERROR_CATEGORIES as readonly string[]).includes(own)) return own as ErrorCategory;
  const byName = BY_NAME[error.name];
  if (byName !== undefined) return byName;
  const message = typeof error.message === 'string' ? error.message : '';
  if (OUT_OF_MEMORY.test(message) || (error.name === 'RangeError' && /memory|allocat/i.test(message))) return 'resource';
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' && TRANSIENT_CODES.has(code)) || TRANSIENT_MESSAGE.test(message)) return 'transient';
  if (QUERY_MESSAGE.test(message)) return 'query';
  if (PROGRAMMING_ERRORS.has(error.name)) return 'fatal';
  return 'transient';
}
