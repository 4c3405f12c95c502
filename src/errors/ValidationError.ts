/** A value passed by a caller failed validation. `issues` lists every problem with its field. */
import { DataPrismError, type DataPrismErrorOptions } from './DataPrismError.js';

/** One problem found by a validation: where (`path`, dotted) and what. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** The result of every `validate()` / `checkConflicts()` in this library. */
export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export interface ValidationErrorOptions extends DataPrismErrorOptions {
  issues?: ValidationIssue[];
}

export class ValidationError extends DataPrismError {
  /** A literal, so `error.name` survives minification (class names do not). */
  override readonly name: string = 'ValidationError';
  readonly issues: ValidationIssue[];

  constructor(message: string, options: ValidationErrorOptions = {}) {
    super(message, 'validation', options);
    this.issues = options.issues ?? [];
  }

  /** Builds one error whose message lists every issue of a failed validation. */
  static fromResult(what: string, result: ValidationResult, options: DataPrismErrorOptions = {}): ValidationError {
    const lines = result.errors.map((e) => `  - ${e.path || '(root)'}: ${e.message}`).join('\n');
    return new ValidationError(`${what} is invalid:\n${lines}`, { ...options, issues: result.errors });
  }
}
