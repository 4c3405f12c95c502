/**
 * Which strategy recovers which error. Users' strategies come first (the first
 * whose `appliesTo` accepts the error); then the strategy for the error's category:
 *   transient → retry (3 attempts, 100 ms doubling up to 2 s, ±20%)
 *   resource  → cleanup_and_retry
 *   plugin    → plugin_restart (one_for_one, at most 3 restarts in 60 s)
 *   engine, query, configuration, validation, usage, fatal → escalate
 * (an engine restart is the orchestrator's decision, not a recovery's).
 */
import type { ErrorCategory } from '../DataPrismError.js';
import { cleanupAndRetryStrategy, escalateStrategy, restartPluginStrategy, retryStrategy } from './strategies.js';
import type { RecoveryStrategy } from './types.js';

/** Options of a policy. */
export interface RecoveryPolicyOptions {
  /** Tried first, in order; the first whose `appliesTo` accepts the error is used. Default []. */
  strategies?: readonly RecoveryStrategy[];
  /** Replaces the default strategy of some categories. */
  byCategory?: Partial<Record<ErrorCategory, RecoveryStrategy>>;
}

/** The default strategy of each category. */
export function defaultStrategies(): Record<ErrorCategory, RecoveryStrategy> {
  const escalate = escalateStrategy();
  return {
    transient: retryStrategy(),
    resource: cleanupAndRetryStrategy(),
    plugin: restartPluginStrategy(),
    engine: escalate,
    query: escalate,
    configuration: escalate,
    validation: escalate,
    usage: escalate,
    fatal: escalate,
  };
}

/** Picks the strategy for an error. */
export class RecoveryPolicy {
  private readonly strategies: readonly RecoveryStrategy[];
  private readonly byCategory: Record<ErrorCategory, RecoveryStrategy>;

  /** @param options users' strategies and per-category replacements; defaults as above. */
  constructor(options: RecoveryPolicyOptions = {}) {
    this.strategies = [...(options.strategies ?? [])];
    this.byCategory = { ...defaultStrategies(), ...options.byCategory };
  }

  /** The strategy for `error` of `category`. */
  select(error: Error, category: ErrorCategory): RecoveryStrategy {
    for (const strategy of this.strategies) {
      if (!strategy.appliesTo || strategy.appliesTo(error, category)) return strategy;
    }
    return this.byCategory[category];
  }
}
