/**
 * `checkMachine` and `checkStrategy`: explore every reachable state of a machine
 * composed with a fault model and report violated properties with their shortest
 * counterexamples.
 */
import type { AnyStateMachine } from 'xstate';
import { ValidationError } from '../errors/ValidationError.js';
import { missingFinalStates } from '../errors/recovery/shape.js';
import { machineIds } from './machineIds.js';
import { explore } from './explore.js';
import { resolveFaultModel } from './faults.js';
import { createMachineModel, type MachineModelConfig } from './machineModel.js';
import { applyInputPoint, domainPoints, pointName } from './inputs.js';
import { createCompositeModel } from './compositeModel.js';
import { alwaysInvariants, eventuallyPredicates, validateProperties } from './userProperties.js';
import { STRATEGY_PROPERTIES, type CheckOptions, type CheckResult, type CheckableStrategy, type InputDomain, type StrategyCheckOptions } from './types.js';

const DEFAULT_MAX_STATES = 1_000_000;
const LIVENESS: readonly string[] = ['final-reachable', 'final-reachable-with-shutdown', 'no-livelock'];

/** The input `checkStrategy` uses when none is given: a plugin operation that failed. */
export function defaultStrategyInput(): Record<string, unknown> {
  const error = Object.assign(new Error("plugin 'p' failed while executing 'run'"), { category: 'plugin', component: 'plugin:p' });
  return { error, category: 'plugin', component: 'plugin:p', plugin: 'p', operation: 'run', now: 0, restartLog: [], hasOperation: true, dependents: [] };
}

function assertMachine(machine: unknown, what: string): asserts machine is AnyStateMachine {
  const m = machine as { root?: unknown; transition?: unknown; getInitialSnapshot?: unknown } | null;
  if (!m || typeof m !== 'object' || !m.root || typeof m.transition !== 'function' || typeof m.getInitialSnapshot !== 'function') {
    throw new ValidationError(`${what} is not an XState machine: pass the result of setup({...}).createMachine({...})`, {
      component: 'check',
      issues: [{ path: 'machine', message: 'expected a StateMachine' }],
    });
  }
}

function limits(options: CheckOptions): { maxStates: number; maxDepth: number } {
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const maxDepth = options.maxDepth ?? Infinity;
  if (!(maxStates >= 1)) throw new ValidationError(`maxStates must be ≥ 1, got ${String(maxStates)}`, { component: 'check', issues: [{ path: 'maxStates', message: 'expected a number ≥ 1' }] });
  if (!(maxDepth >= 0)) throw new ValidationError(`maxDepth must be ≥ 0, got ${String(maxDepth)}`, { component: 'check', issues: [{ path: 'maxDepth', message: 'expected a number ≥ 0' }] });
  return { maxStates, maxDepth };
}

function hasFinalStates(machine: AnyStateMachine): boolean {
  const visit = (node: { type?: string; states?: Record<string, unknown> }): boolean =>
    node.type === 'final' || Object.values(node.states ?? {}).some((child) => visit(child as never));
  return visit(machine.root as never);
}

/**
 * Event types `machine` handles that the check never sends: not its own
 * (`xstate.*`), not SHUTDOWN while the fault model sends it, not in `events`.
 * Behaviour behind them is unexplored, so such a check is not complete.
 */
export function unsentEvents(machine: AnyStateMachine, options: CheckOptions, shutdownSent: boolean): string[] {
  if (typeof options.events === 'function') return [];
  const sent = new Set((options.events ?? []).map((e) => e.type));
  if (shutdownSent) sent.add('SHUTDOWN');
  return (machine.root.events as readonly string[]).filter((type) => !type.startsWith('xstate.') && type !== '*' && !type.endsWith('.*') && !sent.has(type));
}

/** The invariants and `eventually` predicates of the options (invariants, then the user's `always` properties). */
function userChecks(options: CheckOptions): Pick<MachineModelConfig, 'invariants' | 'eventually'> {
  const properties = options.properties ?? [];
  validateProperties(properties);
  return { invariants: [...(options.invariants ?? []), ...alwaysInvariants(properties)], eventually: eventuallyPredicates(properties).map((p) => p.holds) };
}

/** The names of the invariants and user properties, in the order they are reported. */
function userPropertyNames(options: CheckOptions): string[] {
  return [...(options.invariants ?? []).map((i) => i.name), ...(options.properties ?? []).map((p) => p.name)];
}

/** The environment sends SHUTDOWN in this check: the machine handles it and the fault model allows it. */
function sendsShutdown(config: MachineModelConfig): boolean {
  return config.faults.shutdown > 0 && (config.machine.root.events as readonly string[]).includes('SHUTDOWN');
}

/**
 * The liveness properties: `final-reachable` (a final state stays reachable
 * without SHUTDOWN, which the environment is not obliged to send),
 * `final-reachable-with-shutdown` (the same, SHUTDOWN allowed; only when the
 * check sends it) and `no-livelock` (no fair cycle that never reaches a final
 * state; see liveness.ts).
 */
function livenessProperties(config: MachineModelConfig): string[] {
  return sendsShutdown(config) ? ['final-reachable', 'final-reachable-with-shutdown', 'no-livelock'] : ['final-reachable', 'no-livelock'];
}

function run(name: string, config: MachineModelConfig, options: CheckOptions, properties: string[], liveness: boolean): CheckResult {
  const started = performance.now();
  const model = createMachineModel(config);
  const { maxStates, maxDepth } = limits(options);
  const outcome = explore(model, {
    ...(liveness
      ? { maxStates, maxDepth, liveness: sendsShutdown(config), livenessProperty: 'final-reachable-with-shutdown', finalWithoutShutdown: 'final-reachable', fairCycles: 'no-livelock' }
      : { maxStates, maxDepth, liveness: false, livenessProperty: 'final-reachable' }),
    eventually: eventuallyPredicates(options.properties ?? []).map((p) => p.name),
  });
  const order = new Map(properties.map((p, i) => [p, i]));
  outcome.violations.sort((a, b) => (order.get(a.property) ?? 999) - (order.get(b.property) ?? 999));
  for (const v of outcome.violations) if (!order.has(v.property)) properties.push(v.property);
  // SHUTDOWN turned off on purpose (`faults.shutdown: 0`) is a choice, not a gap.
  const unsent = unsentEvents(config.machine, options, config.faults.shutdown > 0 || options.faults?.shutdown !== undefined);
  const result: CheckResult = {
    ok: outcome.violations.length === 0 && outcome.complete && unsent.length === 0,
    name,
    statesExplored: outcome.states,
    transitions: outcome.transitions,
    durationMs: performance.now() - started,
    complete: outcome.complete,
    properties,
    violations: outcome.violations,
    machineStates: model.machineStates(),
    machineTransitions: model.machineTransitions(),
  };
  if (unsent.length > 0) result.unsentEvents = unsent;
  return result;
}

/**
 * Explores every reachable (state, context) of `machine` composed with the fault
 * model and checks: the given invariants, that the machine never enters XState's
 * `error` status (`no-error-status`), that runs end in `finalStates` when given
 * (`ends-in-final-states`), and — when the machine has final states and
 * `liveness` is not false — that a final state stays reachable from every
 * reachable state (`final-reachable`).
 */
export function checkMachine(machine: AnyStateMachine, options: CheckOptions = {}): CheckResult {
  const { config, properties, liveness } = machineModelConfig(machine, options);
  return run(machine.id, config, options, properties, liveness);
}

/** The model `checkMachine` explores (exported, like `strategyModelConfig`, for benchmarks and tests). */
export function machineModelConfig(machine: AnyStateMachine, options: CheckOptions = {}): { config: MachineModelConfig; properties: string[]; liveness: boolean } {
  assertMachine(machine, 'checkMachine(machine)');
  const liveness = options.liveness ?? hasFinalStates(machine);
  const properties = ['no-error-status', ...userPropertyNames(options)];
  if (options.finalStates) properties.push('ends-in-final-states');
  const config: MachineModelConfig = {
    machine,
    starts: [{ variant: 'input', input: options.input, disposed: false }],
    faults: resolveFaultModel(options.faults, 0),
    machineIds: () => machineIds(options),
    ...userChecks(options),
    cache: options.cacheTransitions ?? true,
    replay: options.replayTransitions ?? true,
  };
  if (options.events) config.events = options.events;
  if (options.finalStates) config.finalStates = options.finalStates;
  if (liveness) properties.push(...livenessProperties(config));
  return { config, properties, liveness };
}

/**
 * A composition invokes whole strategies as `stage<i>`; each may end either way,
 * so by default each stage resolves once recovered and once escalated.
 */
export function withStageOutputs(strategy: CheckableStrategy, outputs: Record<string, readonly unknown[]>): Record<string, readonly unknown[]> {
  const stages = (strategy as { stages?: unknown }).stages;
  if (!Array.isArray(stages)) return outputs;
  const out = { ...outputs };
  stages.forEach((stage: { name?: unknown; bound?: unknown } | undefined, i) => {
    const attempts = typeof stage?.bound === 'number' ? stage.bound : 0;
    const name = typeof stage?.name === 'string' ? stage.name : `stage${i}`;
    out[`stage${i}`] ??= [
      { success: true, strategy: name, message: `${name} recovered`, attempts },
      { success: false, strategy: name, message: `${name} escalated`, attempts },
    ];
  });
  return out;
}

/**
 * The default input domain: every field the user's input (undefined: the
 * default input) leaves open, over values that change what a strategy does.
 */
function defaultDomain(given: Record<string, unknown> | undefined, restarts: boolean): InputDomain {
  const open = (field: string) => given === undefined || given[field] === undefined;
  const domain: { -readonly [K in keyof InputDomain]: InputDomain[K] } = {};
  // A given input always has its category (RecoveryInput requires one): only the default input's is varied.
  if (given === undefined) domain.category = ['plugin', 'transient', 'query'];
  if (open('hasOperation')) domain.hasOperation = [true, false];
  if (restarts && open('pluginState')) domain.pluginState = ['active', 'disposed'];
  if (restarts && open('restartLog')) domain.restartLogLength = [0, 3];
  return domain;
}

/** True when `value` has the strategy shape: a name and a machine. */
export function isCheckableStrategy(value: unknown): value is CheckableStrategy {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as { name?: unknown; machine?: unknown };
  const m = s.machine as { root?: unknown; transition?: unknown } | undefined;
  return typeof s.name === 'string' && typeof m === 'object' && m !== null && !!m.root && typeof m.transition === 'function';
}

/**
 * What keeps `value` from being a recovery strategy the checker can explore, in
 * words, or undefined when nothing does: a `name` string, an XState `machine`,
 * and that machine's final states `recovered` and `escalated`. (Everything else
 * of the shape is checked by exploring it: a missing onError or SHUTDOWN handler
 * is a violation with a counterexample, not a refusal.)
 */
export function strategyProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `expected an object { name, machine }, got ${value === null ? 'null' : typeof value}`;
  const s = value as { name?: unknown; machine?: unknown };
  const missing: string[] = [];
  if (typeof s.name !== 'string' || s.name === '') missing.push(`\`name\` must be a non-empty string (got ${s.name === undefined ? 'nothing' : JSON.stringify(s.name) ?? typeof s.name})`);
  const m = s.machine as { root?: unknown; transition?: unknown; getInitialSnapshot?: unknown } | null | undefined;
  if (!m || typeof m !== 'object' || !m.root || typeof m.transition !== 'function' || typeof m.getInitialSnapshot !== 'function') {
    missing.push(`\`machine\` must be an XState machine: setup({...}).createMachine({...}) (got ${m === undefined ? 'nothing' : m === null ? 'null' : typeof m})`);
  } else {
    for (const issue of missingFinalStates(s.machine as AnyStateMachine)) missing.push(`${issue.path}: ${issue.message}`);
  }
  return missing.length > 0 ? `${missing.join('; ')} — build it with defineRecoveryStrategy({...}) or a built-in factory (retryStrategy(), ...)` : undefined;
}

/**
 * Checks a recovery strategy (the strategy shape of machines/recovery.machine.ts)
 * against every fault the environment can inject, with the built-in properties:
 * `attempts-bounded`, `no-restart-after-dispose`, `backoff-respected`,
 * `single-recovery-in-flight`, `final-reachable`, `ends-recovered-or-escalated`,
 * `recovered-event-iff-recovered`, plus any `invariants`.
 *
 * Runs start from `options.input` (default: a plugin error on plugin `p`) and —
 * when the strategy can restart a plugin — also with the plugin already disposed.
 */
export function checkStrategy(strategy: CheckableStrategy, options: StrategyCheckOptions = {}): CheckResult {
  const { config, properties, liveness } = strategyModelConfig(strategy, options);
  const result = run(strategy.name, config, options, properties, liveness);
  const stages = stagesOf(strategy);
  return stages ? throughStages(result, strategy, stages, config, options, liveness) : result;
}

/** The stages of a composition, when every one is a strategy the checker can explore. */
function stagesOf(strategy: CheckableStrategy): CheckableStrategy[] | undefined {
  const stages = (strategy as { stages?: unknown }).stages;
  return Array.isArray(stages) && stages.length > 0 && stages.every((s) => strategyProblem(s) === undefined) ? (stages as CheckableStrategy[]) : undefined;
}

/** Whether a strategy (or any stage of a composition) can restart a plugin. */
function restarts(strategy: CheckableStrategy): boolean {
  const actors = (strategy.machine.implementations as { actors?: Record<string, unknown> }).actors ?? {};
  return 'restart' in actors || (stagesOf(strategy) ?? []).some(restarts);
}

/**
 * Explores a composition through its stages (see compositeModel.ts) and adds
 * what that finds to the check of its sequence machine: each property keeps the
 * violation found first, the counts add up.
 */
function throughStages(
  sequence: CheckResult,
  strategy: CheckableStrategy,
  stages: CheckableStrategy[],
  config: MachineModelConfig,
  options: StrategyCheckOptions,
  liveness: boolean,
): CheckResult {
  const started = performance.now();
  // The stages share the composition's environment: its budgets and dispose; SHUTDOWN goes to the sequence.
  // Each stage keeps its own bound and minimum backoff (from when it starts: after the failure that ended the stage before).
  const stageFaults = { ...options.faults, shutdown: 0, dispose: config.faults.dispose };
  const stageOptions: StrategyCheckOptions = { ...options };
  delete stageOptions.minBackoffMs;
  const models = stages.map((stage) => {
    const own = strategyModelConfig(stage, { ...stageOptions, faults: stageFaults, inputs: {} }).config;
    return { name: stage.name, model: createMachineModel({ ...own, starts: config.starts }) };
  });
  const composite = createCompositeModel({ stages: models, starts: config.starts, bound: strategy.bound ?? Infinity, shutdown: config.faults.shutdown > 0 });
  const { maxStates, maxDepth } = limits(options);
  const outcome = explore(
    composite,
    liveness
      ? { maxStates, maxDepth, liveness: config.faults.shutdown > 0, livenessProperty: 'final-reachable-with-shutdown', finalWithoutShutdown: 'final-reachable', fairCycles: 'no-livelock' }
      : { maxStates, maxDepth, liveness: false, livenessProperty: 'final-reachable' },
  );
  const seen = new Set(sequence.violations.map((v) => v.property));
  const violations = [...sequence.violations, ...outcome.violations.filter((v) => !seen.has(v.property)).map((v) => ({ ...v, throughStages: true as const }))];
  const order = new Map(sequence.properties.map((p, i) => [p, i]));
  violations.sort((a, b) => (order.get(a.property) ?? 999) - (order.get(b.property) ?? 999));
  const complete = sequence.complete && outcome.complete;
  return {
    ...sequence,
    ok: violations.length === 0 && complete && !sequence.unsentEvents,
    statesExplored: sequence.statesExplored + outcome.states,
    transitions: sequence.transitions + outcome.transitions,
    durationMs: sequence.durationMs + (performance.now() - started),
    complete,
    violations,
    machineStates: sequence.machineStates + models.reduce((n, m) => n + m.model.machineStates(), 0),
    machineTransitions: sequence.machineTransitions + models.reduce((n, m) => n + m.model.machineTransitions(), 0),
  };
}

/**
 * The model `checkStrategy` explores: the strategy's machine composed with the
 * fault model and the strategy properties (exported for benchmarks and for
 * walking the same space with xstate/graph through `modelAsActorLogic`).
 */
export function strategyModelConfig(
  strategy: CheckableStrategy,
  options: StrategyCheckOptions = {},
): { config: MachineModelConfig; properties: string[]; liveness: boolean } {
  const problem = strategyProblem(strategy);
  if (problem !== undefined) {
    throw new ValidationError(`checkStrategy(strategy): not a recovery strategy: ${problem}`, {
      component: 'check',
      issues: [{ path: 'strategy', message: problem }],
    });
  }
  assertMachine(strategy.machine, `strategy '${strategy.name}'.machine`);
  const input = (options.input ?? defaultStrategyInput()) as Record<string, unknown>;
  const plugin = typeof input.plugin === 'string' ? input.plugin : undefined;
  const canRestart = restarts(strategy);
  const faults = resolveFaultModel(options.faults, canRestart && plugin !== undefined ? 1 : 0);
  faults.outputs = withStageOutputs(strategy, faults.outputs);
  const domain = options.inputs ?? defaultDomain(options.input === undefined ? undefined : input, canRestart && plugin !== undefined && faults.dispose > 0);
  const starts: MachineModelConfig['starts'] = domainPoints(input, domain).map((point) => {
    const start = applyInputPoint(input, point);
    const entry: MachineModelConfig['starts'][number] = { variant: pointName(point), input: start, disposed: start.pluginState === 'disposed' };
    if (Object.keys(point).length > 0) entry.point = point;
    return entry;
  });
  const liveness = options.liveness ?? true;
  const config: MachineModelConfig = {
    machine: strategy.machine,
    starts,
    faults,
    machineIds: () => machineIds(options),
    ...userChecks(options),
    finalStates: options.finalStates ?? ['recovered', 'escalated'],
    cache: options.cacheTransitions ?? true,
    replay: options.replayTransitions ?? true,
    strategy: {
      bound: strategy.bound,
      defaultBound: options.defaultBound ?? 100,
      minBackoffMs: Math.max(0, options.minBackoffMs ?? strategy.minBackoffMs ?? 0),
      allowConcurrent: options.allowConcurrent ?? [],
    },
  };
  if (plugin !== undefined) config.plugin = plugin;
  if (options.events) config.events = options.events;
  const live = liveness ? livenessProperties(config) : [];
  const properties = [
    ...STRATEGY_PROPERTIES.filter((p) => (!LIVENESS.includes(p) || live.includes(p)) && (p !== 'shutdown-accepted' || faults.shutdown > 0)),
    ...userPropertyNames(options),
  ];
  return { config, properties, liveness };
}
