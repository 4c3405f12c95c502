/**
 * The ErrorHandler: reports every error (history, `onReport` listeners, the
 * `error:reported` event, the logger), categorizes it, and recovers from it by
 * running a recovery strategy machine through the RecoveryRuntime.
 *
 * A user's `errorHandler` may give any subset of the spec's methods; it is merged
 * with the defaults:
 * - `handle(error, context)` is called after the error is reported, with a full
 *   ErrorContext; recovery still runs afterwards (when enabled);
 * - `recover(error)` replaces strategy selection, and its answer is acted on:
 *   `plugin_restart` (or `restart`) restarts the plugin through the host, `retry`
 *   re-runs the operation once, `cleanup` runs ResourceManager.cleanup(),
 *   `cleanup_and_retry` both — each as the matching strategy machine; any other
 *   strategy it reports is taken at its word. `message` may be omitted;
 * - `categorize(error)` replaces the default rules (src/errors/categorize.ts);
 * - `report(error)` is called in addition to the default reporting.
 * With `enableRecovery: false`, errors are reported and handled but never retried.
 */
import type { EventBus } from '../events/EventBus.js';
import type { Logger } from '../events/types.js';
import { categorizeError } from './categorize.js';
import { toError, type ErrorCategory } from './DataPrismError.js';
import { RingBuffer } from './ErrorHistory.js';
import type { ErrorContext, ErrorHandler, ErrorReport, RecoveryResult, UserErrorHandler, UserRecoveryResult } from './handlerTypes.js';
import { CircuitBreakers, type CircuitBreaker, type CircuitBreakerOptions } from './recovery/CircuitBreaker.js';
import { RecoveryPolicy } from './recovery/policy.js';
import { RecoveryRuntime, type RecoveryOutcome, type RecoveryRequest } from './recovery/RecoveryRuntime.js';
import { createStandaloneRecoveryHost } from './recovery/standaloneHost.js';
import { cleanupAndRetryStrategy, cleanupStrategy, restartPluginStrategy, retryStrategy, type RestartPluginParams } from './recovery/strategies.js';
import type { RecoveryHost, RecoveryStrategy } from './recovery/types.js';

export type { ErrorContext, ErrorHandler, ErrorReport, RecoveryResult, UserErrorHandler, UserRecoveryResult } from './handlerTypes.js';

/** Options of the default ErrorHandler. */
export interface ErrorHandlerOptions {
  /** The user's handler (any subset of the methods), merged with the defaults. Default: none. */
  user?: UserErrorHandler;
  /** Recover from errors (the orchestrator's `enableErrorRecovery`). Default true. */
  enableRecovery?: boolean;
  /** What recoveries act through (the orchestrator passes its own). Default: a standalone host. */
  host?: RecoveryHost;
  /** Where `error:reported` (and, with the default host, recovery events) go. Default: the host's bus. */
  bus?: EventBus;
  /** Where reports are logged (`warn`) and handler failures (`error`). Default: the host's logger, else `console`. */
  logger?: Logger;
  /** Reports kept by `getHistory()`. Default 100. */
  historySize?: number;
  /** Users' strategies, tried before the defaults (first whose `appliesTo` accepts). Default []. */
  strategies?: readonly RecoveryStrategy[];
  /** Replaces the default strategy of some categories (see recovery/policy.ts). */
  byCategory?: Partial<Record<ErrorCategory, RecoveryStrategy>>;
  /** Restart intensity and mode of `plugin_restart` (for plugin errors, and when a user's recover asks for it). Default: 3 restarts in 60 s, one_for_one. */
  restart?: RestartPluginParams;
  /** Defaults of the per-component circuit breakers. Default: threshold 5, openMs 30000. */
  breakers?: CircuitBreakerOptions;
  /** With the default host: frees resources (e.g. `() => resources.cleanup()`). */
  cleanupResources?: () => Promise<unknown>;
  /** The clock of timestamps and restart windows. Default `Date.now`. */
  now?: () => number;
}

/** What handling one error came to. */
export interface HandleOutcome {
  error: Error;
  category: ErrorCategory;
  context: ErrorContext;
  /** The recovery's result; undefined when recovery is disabled or the error was handled with `recover: false`. */
  recovery?: RecoveryOutcome;
}

/** How `handle` / `process` treat one error. */
export interface HandleOptions {
  /**
   * `false`: report the error and call your `handle`, but start no recovery. For
   * the failure of a recovery itself: recovering it could pick the same broken
   * strategy again, whose failure would be recovered again, without end.
   * Default `true` (recovery as `enableErrorRecovery` says).
   */
  recover?: boolean;
}

/** The operation context `execute` accepts: the ErrorContext without what it fills in itself. */
export type ExecuteContext = Partial<Omit<ErrorContext, 'retry' | 'timestamp'>> & { component: string };

/** The default ErrorHandler, merged with a user's partial handler. */
export class DefaultErrorHandler implements ErrorHandler {
  private readonly user: UserErrorHandler;
  private readonly enableRecovery: boolean;
  private readonly history: RingBuffer<ErrorReport>;
  private readonly listeners = new Set<(report: ErrorReport) => void>();
  private readonly contexts = new WeakMap<Error, ErrorContext>();
  private readonly policy: RecoveryPolicy;
  private readonly now: () => number;
  private readonly options: ErrorHandlerOptions;
  private readonly userStrategies: ReadonlyMap<string, RecoveryStrategy>;
  private host: RecoveryHost;
  private runtime: RecoveryRuntime;
  private circuit: CircuitBreakers;

  /** @param options see ErrorHandlerOptions; every field is optional. */
  constructor(options: ErrorHandlerOptions = {}) {
    this.options = options;
    this.user = options.user ?? {};
    this.enableRecovery = options.enableRecovery ?? true;
    this.history = new RingBuffer<ErrorReport>(options.historySize ?? 100);
    this.now = options.now ?? Date.now;
    const restart = restartPluginStrategy(options.restart);
    this.policy = new RecoveryPolicy({
      ...(options.strategies ? { strategies: options.strategies } : {}),
      byCategory: { plugin: restart, ...options.byCategory },
    });
    this.userStrategies = new Map<string, RecoveryStrategy>([
      ['plugin_restart', restart],
      ['restart', restart],
      ['retry', retryStrategy({ maxAttempts: 1, initialDelayMs: 0, jitter: 0 })],
      ['cleanup', cleanupStrategy()],
      ['cleanup_and_retry', cleanupAndRetryStrategy()],
    ]);
    this.host =
      options.host ??
      createStandaloneRecoveryHost({
        ...(options.bus ? { bus: options.bus } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.cleanupResources ? { cleanupResources: options.cleanupResources } : {}),
      });
    this.runtime = new RecoveryRuntime(this.host, { now: this.now });
    this.circuit = new CircuitBreakers(this.host.actors, options.breakers);
  }

  /** Attaches the orchestrator's host (actors, plugin restarts, cleanup). Running recoveries are shut down first. */
  setHost(host: RecoveryHost): void {
    this.shutdown();
    this.host = host;
    this.runtime = new RecoveryRuntime(host, { now: this.now });
    this.circuit = new CircuitBreakers(host.actors, this.options.breakers);
  }

  /** The recovery runtime (running recoveries; restart logs are the host's: `host.restartLog(name)`). */
  get recovery(): RecoveryRuntime {
    return this.runtime;
  }

  /** Reports `error`, calls the user's `handle`, then recovers (when enabled). Never throws. */
  async handle(error: Error, context?: Partial<ErrorContext>, options?: HandleOptions): Promise<void> {
    await this.process(error, context, options);
  }

  /** `handle`, resolving with what happened (category, full context, the recovery's result). Never rejects. */
  async process(error: unknown, context?: Partial<ErrorContext>, options: HandleOptions = {}): Promise<HandleOutcome> {
    const err = toError(error);
    const ctx = this.contextFor(err, context);
    this.contexts.set(err, ctx);
    const report = this.record(err, ctx);
    if (this.user.handle) {
      try {
        await this.user.handle(err, ctx);
      } catch (handlerError) {
        this.logger.error(`[errors] the errorHandler.handle you supplied threw while handling '${err.message}': ${toError(handlerError).message}`, handlerError);
      }
    }
    const outcome: HandleOutcome = { error: err, category: report.category, context: ctx };
    if (!this.enableRecovery || options.recover === false) return outcome;
    outcome.recovery = await this.recoverIn(err, ctx, report.category);
    report.recovery = publicResult(outcome.recovery);
    return outcome;
  }

  /**
   * Recovers from `error` (in the context it was handled in, if it was) and says how.
   * With recovery disabled: `{ success: false, strategy: 'none' }`. Never rejects.
   */
  async recover(error: Error): Promise<RecoveryResult> {
    const err = toError(error);
    const ctx = this.contexts.get(err) ?? this.contextFor(err, undefined);
    return publicResult(await this.recoverIn(err, ctx, this.categorize(err)));
  }

  /** The error's category: the user's `categorize` if given, else the rules of categorize.ts. */
  categorize(error: Error): ErrorCategory {
    if (this.user.categorize) {
      try {
        return this.user.categorize(error);
      } catch (categorizeFailure) {
        this.logger.error(`[errors] the errorHandler.categorize you supplied threw: ${toError(categorizeFailure).message}`, categorizeFailure);
      }
    }
    return categorizeError(error);
  }

  /** Records `error` in the history and tells `onReport` listeners, the bus (`error:reported`), the logger and the user's `report`. */
  report(error: Error): void {
    const err = toError(error);
    this.record(err, this.contexts.get(err) ?? this.contextFor(err, undefined));
  }

  /** Calls `listener` for every report; returns a function that unsubscribes it. */
  onReport(listener: (report: ErrorReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest reports, oldest first (at most `historySize`, default 100). */
  getHistory(): ErrorReport[] {
    return this.history.toArray();
  }

  /** The circuit breaker of a component (`engine`, `plugin:viz`), created on first use. */
  breakerFor(name: string, options?: CircuitBreakerOptions): CircuitBreaker {
    return this.circuit.for(name, options);
  }

  /**
   * Runs `operation` under the component's circuit breaker and recovers when it
   * fails: the breaker is asked first (an open circuit throws CircuitOpenError,
   * reported); a failure is handled with the operation as `retry`. Resolves with the
   * operation's (or the recovery's) value; rethrows the original error when the
   * recovery fails or is disabled. A recovery that restarted or cleaned up without
   * producing a value is followed by one more run of the operation.
   */
  async execute<T>(operation: () => Promise<T> | T, context: ExecuteContext): Promise<T> {
    const breaker = this.breakerFor(context.plugin !== undefined ? `plugin:${context.plugin}` : context.component);
    let value: T;
    try {
      value = await breaker.execute(operation);
    } catch (error) {
      const err = toError(error);
      if ((err as { retryable?: unknown }).retryable === false && err.name === 'CircuitOpenError') {
        this.record(err, this.contextFor(err, context));
        throw err;
      }
      const outcome = await this.process(err, { ...context, retry: () => breaker.execute(operation) });
      if (!outcome.recovery?.success) throw err;
      if (outcome.recovery.produced) return outcome.recovery.recovered as T;
      return breaker.execute(operation);
    }
    return value;
  }

  /** Escalates every running recovery (reason 'shutdown') and stops the breakers. */
  shutdown(): void {
    this.runtime.shutdown();
    this.circuit.stopAll();
  }

  private get bus(): EventBus | undefined {
    return this.options.bus ?? this.host.bus;
  }

  private get logger(): Logger {
    return this.options.logger ?? this.host.logger ?? console;
  }

  private contextFor(error: Error, given: Partial<ErrorContext> | undefined): ErrorContext {
    const fromError = error as { component?: unknown; operation?: unknown; plugin?: unknown };
    const component = given?.component ?? (typeof fromError.component === 'string' ? fromError.component : 'orchestrator');
    const operation = given?.operation ?? (typeof fromError.operation === 'string' ? fromError.operation : 'unknown');
    const ctx: ErrorContext = { component, operation, timestamp: given?.timestamp ?? this.now() };
    if (given?.metadata !== undefined) ctx.metadata = given.metadata;
    if (given?.retry !== undefined) ctx.retry = given.retry;
    const plugin =
      given?.plugin ??
      (typeof fromError.plugin === 'string' ? fromError.plugin : component.startsWith('plugin:') ? component.slice('plugin:'.length) : undefined);
    if (plugin !== undefined && plugin !== '') ctx.plugin = plugin;
    return ctx;
  }

  private record(error: Error, ctx: ErrorContext): ErrorReport {
    const report: ErrorReport = { error, category: this.categorize(error), component: ctx.component, timestamp: ctx.timestamp };
    if (ctx.operation !== 'unknown') report.operation = ctx.operation;
    if (ctx.plugin !== undefined) report.plugin = ctx.plugin;
    this.history.push(report);
    this.logger.warn(`[errors] ${report.category} error in ${ctx.component}${report.operation ? ` (${report.operation})` : ''}: ${error.message}`);
    const payload: { error: Error; category: string; component: string; operation?: string } = { error, category: report.category, component: report.component };
    if (report.operation !== undefined) payload.operation = report.operation;
    this.bus?.emit('error:reported', payload);
    for (const listener of [...this.listeners]) {
      try {
        listener(report);
      } catch (listenerError) {
        this.logger.error(`[errors] an onReport listener threw: ${toError(listenerError).message}`, listenerError);
      }
    }
    if (this.user.report) {
      try {
        this.user.report(error);
      } catch (reportError) {
        this.logger.error(`[errors] the errorHandler.report you supplied threw: ${toError(reportError).message}`, reportError);
      }
    }
    return report;
  }

  private async recoverIn(error: Error, ctx: ErrorContext, category: ErrorCategory): Promise<RecoveryOutcome> {
    if (!this.enableRecovery) {
      return { success: false, strategy: 'none', message: 'error recovery is disabled (enableErrorRecovery: false); the error was reported only', attempts: 0, produced: false };
    }
    const request: RecoveryRequest = { error, category, component: ctx.component };
    if (ctx.operation !== 'unknown') request.operation = ctx.operation;
    if (ctx.plugin !== undefined) request.plugin = ctx.plugin;
    if (ctx.retry !== undefined) request.retry = ctx.retry;
    if (this.user.recover) return this.actOnUserRecovery(request);
    return this.runtime.run(this.policy.select(error, category), request);
  }

  private async actOnUserRecovery(request: RecoveryRequest): Promise<RecoveryOutcome> {
    const { error } = request;
    let answer: UserRecoveryResult;
    try {
      answer = await this.user.recover!(error);
    } catch (recoverError) {
      answer = { success: false, strategy: 'none', message: `the errorHandler.recover you supplied threw: ${toError(recoverError).message}` };
    }
    if (typeof answer !== 'object' || answer === null || typeof answer.success !== 'boolean' || typeof answer.strategy !== 'string') {
      answer = { success: false, strategy: 'none', message: 'the errorHandler.recover you supplied must return { success: boolean, strategy: string, message?: string }' };
    }
    if (answer.success) {
      const builtin = this.userStrategies.get(answer.strategy);
      if (builtin) return this.runtime.run(builtin, request);
      this.bus?.emit('error:recovered', { error, recovery: answer.strategy });
      const outcome: RecoveryOutcome = {
        success: true,
        strategy: answer.strategy,
        message: answer.message ?? `recovered by the errorHandler's recover (strategy '${answer.strategy}')`,
        attempts: 0,
        produced: answer.recovered !== undefined,
      };
      if (answer.recovered !== undefined) outcome.recovered = answer.recovered;
      return outcome;
    }
    const reason = answer.message ?? `the errorHandler's recover gave up (strategy '${answer.strategy}')`;
    this.bus?.emit('error:escalated', { error, recovery: answer.strategy, reason });
    if (request.plugin !== undefined) {
      const phase = (error as { phase?: unknown }).phase;
      this.bus?.emit('plugin:error', { name: request.plugin, error, phase: typeof phase === 'string' ? phase : request.operation ?? 'recovery' });
    }
    return { success: false, strategy: answer.strategy, message: reason, attempts: 0, produced: false };
  }
}

/** The spec's RecoveryResult part of an outcome. */
function publicResult(outcome: RecoveryOutcome): RecoveryResult {
  const result: RecoveryResult = { success: outcome.success, strategy: outcome.strategy, message: outcome.message };
  if (outcome.recovered !== undefined) result.recovered = outcome.recovered;
  return result;
}

/** An ErrorHandler: the defaults merged with `options.user` (any subset of the spec's methods). */
export function createErrorHandler(options: ErrorHandlerOptions = {}): DefaultErrorHandler {
  return new DefaultErrorHandler(options);
}
