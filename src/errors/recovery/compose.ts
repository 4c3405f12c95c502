/**
 * Composition and user-defined strategies. `compose(a, b, c)` tries `a`; if it
 * escalates, `b`; and so on: e.g. `compose(retryStrategy(), fallbackStrategy(0))`.
 * `defineRecoveryStrategy` checks that a user's machine has the strategy shape.
 */
import type { AnyStateMachine } from 'xstate';
import { createRecoveryMachine } from '../../../machines/recovery.machine.js';
import type { ErrorCategory } from '../DataPrismError.js';
import { ValidationError } from '../ValidationError.js';
import { strategyShapeIssues } from './shape.js';
import type { RecoveryStrategy } from './types.js';

/**
 * A strategy that runs `stages` in order until one recovers; it escalates when the
 * last one does. It fits an error when any stage fits; its bound is the sum of the
 * stages' bounds and its minimum backoff the smallest of theirs. Name: the stages'
 * names joined by `+`, unless `options.name` is given.
 */
export function compose(...stages: RecoveryStrategy[]): RecoveryStrategy {
  return composeNamed({}, ...stages);
}

/** `compose` with options: `name` (default: stage names joined by `+`). */
export function composeNamed(options: { name?: string }, ...stages: RecoveryStrategy[]): RecoveryStrategy {
  if (stages.length === 0) throw new ValidationError('compose: give at least one strategy', { component: 'errors' });
  for (const [i, stage] of stages.entries()) {
    if (!stage || typeof stage.name !== 'string' || !stage.machine) {
      throw new ValidationError(`compose: stage ${i} is not a RecoveryStrategy (it needs a name and a machine)`, { component: 'errors' });
    }
  }
  const name = options.name ?? stages.map((s) => s.name).join('+');
  const bound = stages.reduce((sum, s) => sum + (s.bound ?? 0), 0);
  const backoffs = stages.map((s) => s.minBackoffMs).filter((v): v is number => v !== undefined);
  const strategy: RecoveryStrategy = {
    name,
    machine: createRecoveryMachine({ name, stages: stages.length, maxAttempts: bound }),
    appliesTo: (error: Error, category: ErrorCategory) => stages.some((s) => (s.appliesTo ? s.appliesTo(error, category) : true)),
    bound,
    stages: [...stages],
  };
  if (backoffs.length > 0) strategy.minBackoffMs = Math.min(...backoffs);
  return strategy;
}

/** A user's strategy definition: the user-facing fields of a RecoveryStrategy (see its docs). */
export type RecoveryStrategyDefinition = Pick<RecoveryStrategy, 'name' | 'machine' | 'appliesTo' | 'bound' | 'minBackoffMs' | 'fallback'>;

/**
 * Makes a user's machine a strategy, after checking the parts of the shape that
 * can be seen statically (see shape.ts): top-level final states named `recovered`
 * and `escalated`, every invoke having an `onError`, and a SHUTDOWN handler. Throws ValidationError naming what is missing.
 */
export function defineRecoveryStrategy(definition: RecoveryStrategyDefinition): RecoveryStrategy {
  if (!definition || typeof definition.name !== 'string' || definition.name === '') {
    throw new ValidationError('defineRecoveryStrategy: `name` must be a non-empty string', { component: 'errors' });
  }
  const machine = definition.machine as AnyStateMachine | undefined;
  if (!machine || typeof machine.provide !== 'function' || !machine.root) {
    throw new ValidationError(`defineRecoveryStrategy('${definition.name}'): \`machine\` must be an XState machine (setup({...}).createMachine({...}))`, {
      component: 'errors',
    });
  }
  const issues = strategyShapeIssues(machine);
  if (issues.length > 0) {
    throw ValidationError.fromResult(`recovery strategy '${definition.name}'`, { valid: false, errors: issues, warnings: [] }, { component: 'errors' });
  }
  const strategy: RecoveryStrategy = { name: definition.name, machine };
  if (definition.appliesTo) strategy.appliesTo = definition.appliesTo;
  if (definition.bound !== undefined) strategy.bound = definition.bound;
  if (definition.minBackoffMs !== undefined) strategy.minBackoffMs = definition.minBackoffMs;
  if (definition.fallback) strategy.fallback = definition.fallback;
  return strategy;
}
