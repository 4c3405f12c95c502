/**
 * The spec's ErrorHandler contract: the handler interface, the context an error is
 * handled in, and the result of a recovery. Kept apart from the implementation so
 * the recovery runtime and the orchestrator can name them without importing it.
 */
import type { ErrorCategory } from './DataPrismError.js';

/** Where and when an error happened. The spec's fields, plus what recovery needs. */
export interface ErrorContext {
  /** The component that failed (`engine`, `plugin:viz`, `resources`, ...). */
  component: string;
  /** What it was doing (`query`, `execute:create_chart`, ...). `unknown` when not given. */
  operation: string;
  /** When the error was handled (ms since the epoch). */
  timestamp: number;
  /** Anything the caller wants the handler to see. */
  metadata?: unknown;
  /** Re-runs the failed operation, so strategies such as retry can try it again. */
  retry?: () => Promise<unknown>;
  /** The plugin concerned, when there is one (taken from a PluginError or a `plugin:<name>` component when not given). */
  plugin?: string;
}

/** The outcome of a recovery (the spec's RecoveryResult). */
export interface RecoveryResult {
  /** Whether the failure was recovered from. */
  success: boolean;
  /** The strategy that ran (`retry`, `plugin_restart`, `cleanup_and_retry`, `none`, ...). */
  strategy: string;
  /** What happened, in words. */
  message: string;
  /** The value recovered (a retried operation's result, a fallback value), if any. */
  recovered?: unknown;
}

/** The spec's ErrorHandler. Users may supply any subset of it (`Partial<ErrorHandler>`). */
export interface ErrorHandler {
  /** Processes an error: report it, then (when recovery is on) recover from it. */
  handle(error: Error, context?: ErrorContext): Promise<void>;
  /** Attempts a recovery from `error` and says how it went. */
  recover(error: Error): Promise<RecoveryResult>;
  /** The category that decides how `error` is recovered from. */
  categorize(error: Error): ErrorCategory;
  /** Records `error` and tells subscribers. */
  report(error: Error): void;
}

/** A user's recover may omit `message` (the spec's example does). */
export type UserRecoveryResult = Omit<RecoveryResult, 'message'> & { message?: string };

/** What a user may pass as `errorHandler`: any subset of the methods. */
export interface UserErrorHandler {
  handle?(error: Error, context: ErrorContext): Promise<void> | void;
  recover?(error: Error): Promise<UserRecoveryResult> | UserRecoveryResult;
  categorize?(error: Error): ErrorCategory;
  report?(error: Error): void;
}

/** One entry of the error history and of `onReport`. */
export interface ErrorReport {
  error: Error;
  category: ErrorCategory;
  component: string;
  operation?: string;
  plugin?: string;
  timestamp: number;
  /** Filled in when a recovery of this error finished. */
  recovery?: RecoveryResult;
}
