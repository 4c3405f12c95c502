/**
 * The public types of the model checker: the fault model (what the environment
 * may do to a machine), the options of a check, and its result with
 * counterexample traces.
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';

/**
 * How an invoked actor (`attempt`, `restart`, `cleanup`, `fallback`, ...) can
 * fail in the fault model:
 * - `transient`: a failure that may go away (category `transient`);
 * - `permanent`: a failure that never goes away (a `QueryError`, category `query`);
 * - `timeout`: the operation timed out (a `TimeoutError`);
 * - `memory`: the operation ran out of memory (a `MemoryError`).
 */
export type FailureKind = 'transient' | 'permanent' | 'timeout' | 'memory';

/** Every failure kind, in the order the checker tries them. */
export const FAILURE_KINDS: readonly FailureKind[] = ['transient', 'permanent', 'timeout', 'memory'];

/**
 * What the environment may do, and how often per run at most. A missing entry
 * takes its default; `0` turns a fault off; `Infinity` leaves it unbounded (the
 * count then does not split states).
 */
export interface FaultModel {
  /** Invokes that fail transiently. Default `Infinity`. */
  transient?: number;
  /** Invokes that fail permanently. Default `Infinity`. */
  permanent?: number;
  /** Invokes that time out. Default `Infinity`. */
  timeout?: number;
  /** Invokes that hit a memory error. Default `Infinity`. */
  memory?: number;
  /** `{ type: 'SHUTDOWN' }` requests sent to the machine. Default `1`. */
  shutdown?: number;
  /**
   * Whether the plugin under recovery may be disposed: the run then also starts
   * once with `input.pluginState = 'disposed'`, and the plugin may be disposed in
   * the middle of a run (a later `restart` then fails with a LifecycleError that
   * says so). `1` allows it, `0` forbids it. Default `1` for strategies that have
   * a plugin in their input, else `0`.
   */
  dispose?: number;
  /**
   * Which invoked actors (by invoke id) each failure kind applies to. Default:
   * every failure kind applies to every invoke.
   */
  appliesTo?: Partial<Record<FailureKind, readonly string[]>>;
  /**
   * The outputs an invoke may resolve with, by invoke id; each is a separate
   * branch. Default: one branch resolving with `undefined`.
   */
  outputs?: Record<string, readonly unknown[]>;
}

/** The fault model with every default filled in. */
export interface ResolvedFaultModel {
  transient: number;
  permanent: number;
  timeout: number;
  memory: number;
  shutdown: number;
  dispose: number;
  appliesTo: Partial<Record<FailureKind, readonly string[]>>;
  outputs: Record<string, readonly unknown[]>;
}

/**
 * One move of the environment, as it appears in a trace:
 * - `start`: the machine starts, from the base input (`variant: 'input'`) or from
 *   a point of the input domain (`point`, named by `variant`, e.g. `category=transient`);
 * - `done`: the invoked actor `actor` resolves (with output number `output` of the fault model's list);
 * - `fail`: the invoked actor `actor` rejects with a `fault` error;
 * - `delay`: the earliest pending delayed event fires (`delay` is its name, `ms` its length);
 * - `send`: the environment sends `event` (e.g. `SHUTDOWN`);
 * - `dispose`: the plugin under recovery is disposed (the machine is not told).
 *
 * In a whole-system check, `machine` names which machine of the product the move
 * is addressed to (`orchestrator`, or a plugin's name).
 */
export type EnvEvent =
  | { type: 'start'; variant: string; point?: InputPoint }
  | { type: 'done'; actor: string; output: number; machine?: string }
  | { type: 'fail'; actor: string; fault: FailureKind | 'disposed'; machine?: string }
  | { type: 'delay'; delay: string; ms: number }
  | { type: 'send'; event: EventObject; machine?: string }
  | { type: 'dispose' };

/** One step of a counterexample: the environment's move and the state it led to. */
export interface TraceStep {
  /** What the environment did. */
  event: EnvEvent;
  /** The machine's state value after it, as text (`waiting`, `active.ready`). */
  state: string;
  /** Virtual time in ms after the step (delays advance it; invokes answer instantly). */
  timeMs: number;
  /** `context.attempts` after the step, when the context has it. */
  attempts?: number;
  /** Types of the events the machine emitted during the step. */
  emitted: string[];
  /** Invoke ids running after the step. */
  running: string[];
}

/** A violated property and its shortest counterexample. */
export interface Violation {
  /** The property's name, e.g. `attempts-bounded`, `final-reachable`. */
  property: string;
  /** What went wrong, in words. */
  message: string;
  /** The shortest run that shows it, from `start`. */
  trace: TraceStep[];
  /**
   * For a lasso (a run that loops forever): the index of the trace's first step
   * of the loop. The steps from there on repeat forever: the last one comes back
   * to the state step `loopStart − 1` reached.
   */
  loopStart?: number;
  /**
   * Found exploring a composition through its stages (states read
   * `stage<i>(name).state`): such a trace drives several machines and cannot be
   * replayed on one actor.
   */
  throughStages?: true;
}

/** The outcome of a check. */
export interface CheckResult {
  /** True when no property was violated and the exploration was complete. */
  ok: boolean;
  /** The name of what was checked (strategy or machine id). */
  name: string;
  /** Distinct states explored (machine state × environment state). */
  statesExplored: number;
  /** Transitions explored (edges of the state graph). */
  transitions: number;
  /** Wall time of the check in ms. */
  durationMs: number;
  /** False when `maxStates` or `maxDepth` cut the exploration short (liveness is then only checked on the explored part). */
  complete: boolean;
  /** Properties that were checked, by name, in the order they are reported. */
  properties: string[];
  /** One violation per violated property, each with its shortest trace. */
  violations: Violation[];
  /** Distinct machine states (state value + abstracted context), without the environment. */
  machineStates: number;
  /** Calls made to XState's transition function (the rest were answered from the cache). */
  machineTransitions: number;
  /**
   * Event types the machine handles that the check never sent (pass them in
   * `events`): what they lead to was not explored, so `ok` is false.
   */
  unsentEvents?: string[];
}

/** A safety invariant: a predicate that every reachable snapshot must satisfy. */
export interface Invariant {
  /** The property name reported on a violation. */
  name: string;
  /** Returns true when `snapshot` is fine; false or a message string when not. */
  check: (snapshot: AnyMachineSnapshot) => boolean | string;
}

/**
 * A property of the user's over (state, context), `state` the state value as
 * text (`waiting`, `active.ready`). Exactly one of:
 * - `always`: holds in every reachable state (true, or false / a message);
 * - `eventually`: comes to hold on every run: a run that ends, or loops forever
 *   (under the checker's fairness), without reaching a state where it holds
 *   violates it.
 */
export interface UserProperty {
  name: string;
  always?: (state: string, context: unknown) => boolean | string;
  eventually?: (state: string, context: unknown) => boolean;
}

/** Options shared by `checkMachine` and `checkStrategy`. */
export interface CheckOptions {
  /** The machine's input. Default: none for `checkMachine`; a plugin error for `checkStrategy`. */
  input?: unknown;
  /** What the environment may do. Defaults: see `FaultModel`. */
  faults?: FaultModel;
  /** Stop after this many distinct states (the result is then `complete: false`). Default 1 000 000. */
  maxStates?: number;
  /** Do not expand states deeper than this many steps. Default `Infinity`. */
  maxDepth?: number;
  /**
   * The state abstraction: what makes two snapshots the same state. Default: the
   * state value, the running children and the whole context, encoded exactly
   * (primitives, arrays, plain objects, Map, Set, Date, class instances by their
   * own fields, functions by identity; errors by name and message). A context
   * value it cannot encode (a WeakMap, a Promise, a cycle) is a ValidationError
   * naming the field: supply one of these abstractions for it.
   * Snapshots with the same abstraction are one state: transitions, invariants and
   * properties are computed once, on the first snapshot seen, so an abstraction
   * must keep every field they depend on.
   */
  abstract?: (snapshot: AnyMachineSnapshot) => unknown;
  /** Shorthand for `abstract`: only these context fields count (plus the state value). */
  contextKeys?: readonly string[];
  /**
   * Per context field, the part of its value that matters, e.g.
   * `{ breaker: (b) => (b as CircuitBreaker).state }`: the field counts by what
   * the function returns (encoded like any context value).
   */
  abstractions?: Readonly<Record<string, (value: unknown) => unknown>>;
  /** Properties of your own over (state, context): `always` or `eventually` (see UserProperty). Default none. */
  properties?: readonly UserProperty[];
  /** Extra safety invariants checked in every reachable state. Default none. */
  invariants?: readonly Invariant[];
  /**
   * Extra events the environment may send in any non-final state, beyond the
   * fault model (each explored as a separate branch; ignored events add no edge).
   * Default none.
   */
  events?: readonly EventObject[] | ((snapshot: AnyMachineSnapshot) => readonly EventObject[]);
  /**
   * The liveness properties: `final-reachable` (from every reachable state a final
   * state can be reached without SHUTDOWN), `final-reachable-with-shutdown` (the
   * same with it, when the check sends SHUTDOWN) and `no-livelock` (no fair cycle
   * that never ends; fairness: see the README). Default: on for strategies, and
   * for machines with final states.
   */
  liveness?: boolean;
  /** Names of the final states a run may end in; any other final state is a violation. Default: any. */
  finalStates?: readonly string[];
  /** Cache XState transitions per (abstract machine state, event). Default true. */
  cacheTransitions?: boolean;
  /**
   * Run each (configuration, transition) shape through XState once and replay its
   * actions on later contexts, after checking that the replay reproduces XState's
   * step. Parallel/history states and eventless transitions always go to XState.
   * Default true.
   */
  replayTransitions?: boolean;
}

/** The strategy shape every recovery strategy follows (see machines/recovery.machine.ts). */
export interface CheckableStrategy {
  /** The strategy's name. */
  name: string;
  /** Its machine, of the strategy shape. */
  machine: AnyStateMachine;
  /** Whether it handles an error of a category; not used by the checker. */
  appliesTo?(error: Error, category: string): boolean;
  /** Its maximum number of attempts (operation re-runs and restarts). */
  bound?: number;
  /** The shortest wait, in ms, it promises before re-running a failed operation or restart. */
  minBackoffMs?: number;
}

/**
 * The inputs a strategy check starts from: each field lists the values to try,
 * and runs start from every combination (applied to the base input). A field
 * left out keeps the base input's value.
 */
export interface InputDomain {
  /** The error's category (set on the input and on the error). */
  category?: readonly string[];
  /** Whether the failed operation can be re-run. */
  hasOperation?: readonly boolean[];
  /** The plugin's lifecycle state: `'active'` (none given), `'disposed'`, ... */
  pluginState?: readonly string[];
  /** How many recent restarts `restartLog` holds (1 ms apart, the latest 1 ms before `now`). */
  restartLogLength?: readonly number[];
  /** The jitter seed. */
  seed?: readonly number[];
}

/** One point of the input domain: the fields it changes from the base input. */
export interface InputPoint {
  category?: string;
  hasOperation?: boolean;
  pluginState?: string;
  restartLogLength?: number;
  seed?: number;
}

/** Options of `checkStrategy`: the shared ones plus the strategy's properties. */
export interface StrategyCheckOptions extends CheckOptions {
  /** The bound of `attempts-bounded` when the strategy declares none (`bound`, `context.maxAttempts`). Default 100. */
  defaultBound?: number;
  /** Overrides the strategy's `minBackoffMs` for `backoff-respected`. Default: the strategy's, else 0 (off). */
  minBackoffMs?: number;
  /**
   * Groups of recovery steps (`attempt`, `restart`, `cleanup`, `fallback`) that
   * may be in flight together without violating `single-recovery-in-flight`,
   * e.g. `[['cleanup', 'fallback']]` for a strategy that frees memory while it
   * computes a fallback. Default none: at most one step at a time.
   */
  allowConcurrent?: ReadonlyArray<readonly string[]>;
  /**
   * The input domain runs start from. Default: `category` transient, plugin and
   * query, `hasOperation` true and false, `pluginState` active and (for a
   * strategy that restarts a plugin) disposed, `restartLogLength` 0 and 3 (for
   * one that restarts), the seed as given — each only where the base `input`
   * does not set the field; an explicit domain varies what it names.
   */
  inputs?: InputDomain;
}

/** The names of the built-in properties of `checkStrategy`. */
export const STRATEGY_PROPERTIES = [
  'attempts-bounded',
  'no-restart-after-dispose',
  'backoff-respected',
  'single-recovery-in-flight',
  'shutdown-accepted',
  'final-reachable',
  'final-reachable-with-shutdown',
  'no-livelock',
  'ends-recovered-or-escalated',
  'recovered-event-iff-recovered',
] as const;

/** A built-in property name of `checkStrategy`. */
export type StrategyProperty = (typeof STRATEGY_PROPERTIES)[number];
