/**
 * One machine composed with its environment, as a model for the exploration
 * engine. A state is the machine's snapshot plus what the environment knows:
 * the delayed events pending (with the time left on each), how many faults of
 * each bounded kind were used, the time since the last failure (capped at the
 * minimum backoff), whether the plugin was disposed and whether the machine was
 * told, and how many `error:recovered` / `error:escalated` events were emitted.
 *
 * Environment moves: each running invoke resolves (once per output of the fault
 * model) or rejects with each fault kind that has budget left; the earliest
 * pending delay fires (virtual time advances by the time left on it); SHUTDOWN
 * and extra events are sent; the plugin is disposed. Invokes answer instantly in
 * virtual time, which is the worst case for "no retry before its minimum backoff".
 *
 * Machine transitions are cached per (machine state, event): the environment
 * multiplies states, but the machine's answer to an event depends only on its
 * own (abstracted) state.
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { flatKey, valueKey } from './abstraction.js';
import type { MachineIds } from './machineIds.js';
import { readEffects, type Effects, type ScheduledDelay } from './effects.js';
import type { EdgeViolation, ExploreModel, SuccessorSink } from './explore.js';
import { FaultErrors } from './faults.js';
import { pureTransitions, type PureTransitions } from './pureTransition.js';
import { replayingTransitions } from './transitionReplay.js';
import { FAILURE_KINDS, type EnvEvent, type FailureKind, type InputPoint, type Invariant, type ResolvedFaultModel, type TraceStep } from './types.js';

/** A delayed event waiting to fire. */
export interface PendingDelay {
  sendId: string;
  event: EventObject;
  eventIndex: number;
  name: string;
  ms: number;
  remaining: number;
}

/** A state of the composed model. */
export interface MachineState {
  snap: AnyMachineSnapshot;
  /** Interned machine key. */
  mid: number;
  delays: PendingDelay[];
  /** Faults used, per bounded kind (index into BUDGET_KINDS). */
  used: number[];
  /** ms since the last failed attempt/restart, capped at the minimum backoff; −1 when none is pending. */
  sinceFail: number;
  disposed: boolean;
  /** The machine knows the plugin is disposed (its input said so, or a restart failed because of it). */
  known: boolean;
  recovered: number;
  escalated: number;
  /** Virtual time in ms; not part of the key. */
  time: number;
  /** Types emitted by the step into this state; not part of the key. */
  emitted: string[];
}

/** Strategy-specific properties, on when the model checks a recovery strategy. */
export interface StrategyProperties {
  /** The declared bound, if any; else `context.maxAttempts`, else `defaultBound`. */
  bound: number | undefined;
  defaultBound: number;
  /** Minimum wait after a failure before the next attempt/restart; 0 turns the check off. */
  minBackoffMs: number;
  /** Groups of recovery steps allowed to run at once (see `StrategyCheckOptions.allowConcurrent`). */
  allowConcurrent: ReadonlyArray<readonly string[]>;
}

/** Everything the model needs. */
export interface MachineModelConfig {
  machine: AnyStateMachine;
  /** Start variants: an input each, and whether the plugin is disposed from the start. */
  starts: Array<{ variant: string; input: unknown; disposed: boolean; point?: InputPoint }>;
  faults: ResolvedFaultModel;
  /** Makes the ids of abstracted snapshots for one exploration (see machineIds.ts). */
  machineIds: () => MachineIds;
  events?: readonly EventObject[] | ((snapshot: AnyMachineSnapshot) => readonly EventObject[]);
  invariants: readonly Invariant[];
  /** `eventually` properties: bit i of `marks` is set where the i-th holds. */
  eventually?: ReadonlyArray<(snapshot: AnyMachineSnapshot) => boolean>;
  /** Allowed final state names; undefined allows any. */
  finalStates?: readonly string[];
  cache: boolean;
  /** Replay XState's action list per shape (see transitionReplay.ts) instead of running every transition through XState. */
  replay: boolean;
  /** Also run every replayed edge through XState and throw on a difference (tests). */
  verifyReplay?: boolean;
  plugin?: string;
  strategy?: StrategyProperties;
}

/** The bounded kinds, in the order of `MachineState.used`. */
const BUDGET_KINDS = [...FAILURE_KINDS, 'shutdown'] as const;
type BudgetKind = (typeof BUDGET_KINDS)[number];

const SHUTDOWN_SLOT = BUDGET_KINDS.indexOf('shutdown');
const NONE: string[] = [];
const NO_EFFECTS: Effects = readEffects([]);

/** Invokes that re-run or restart something: each waits its backoff. */
const RETRY_SOURCES = new Set(['attempt', 'restart']);
/** The recovery steps of the shape: at most one may be in flight (unless allowed together). */
const STEP_SOURCES = new Set(['attempt', 'restart', 'cleanup', 'fallback']);

interface CachedStep {
  snap: AnyMachineSnapshot;
  mid: number;
  effects: Effects;
  /** Types of `effects.emitted`. */
  emittedTypes: string[];
  /** The event was ignored: nothing changed. */
  ignored: boolean;
  error?: unknown;
}

/** One precomputed move of the environment: the trace event and what the machine receives. */
interface Move {
  env: EnvEvent;
  /** The event sent to the machine; undefined when only the environment changes. */
  event: EventObject | undefined;
  eventId: number;
  fault?: FailureKind | 'disposed';
  /** Budget slot spent by the move (index into BUDGET_KINDS), or −1. */
  spends: number;
  /** The move answers a retry source (`attempt`/`restart`) with a failure. */
  failedRetry: boolean;
  shutdown?: boolean;
  dispose?: boolean;
}

/** The moves that answer one running child. */
interface ChildMoves {
  /** With the plugin disposed, a restart can only fail saying so. */
  disposed: Move | undefined;
  done: Move[];
  /** Per failure kind (index into FAILURE_KINDS); undefined when the kind does not apply. */
  fail: Array<Move | undefined>;
}

/** What a machine started in the middle of a run inherits from the run so far (a composition's next stage). */
export interface CarriedEnvironment {
  disposed: boolean;
  known: boolean;
  /** Faults used so far (`MachineState.used`). */
  used?: readonly number[];
  /** ms since the last failed attempt/restart (`MachineState.sinceFail`). */
  sinceFail?: number;
  time?: number;
}

/** The model, plus counters the result reports. */
export interface MachineModel extends ExploreModel<MachineState> {
  /** The initial state for `input` in an environment with a history, and what it violates. */
  startFrom(input: unknown, carried: CarriedEnvironment): { state: MachineState; violations: EdgeViolation[] | undefined };
  /** The environment's possible moves from `state`, without computing any transition. */
  moves(state: MachineState): EnvEvent[];
  /** The one successor of `state` by `move` (one of `moves(state)`), or undefined when the machine ignores it. */
  successor(state: MachineState, move: EnvEvent): MachineState | undefined;
  /** Distinct machine states seen. */
  machineStates(): number;
  /** Calls made to XState's transition function. */
  machineTransitions(): number;
  /** Machine transitions answered by replaying a shape instead of calling XState. */
  replayedTransitions(): number;
}

export function createMachineModel(config: MachineModelConfig): MachineModel {
  const { machine, faults, strategy } = config;
  const xstate = pureTransitions(machine);
  const replaying = config.replay ? replayingTransitions(machine, xstate, config.verifyReplay) : undefined;
  const pure: PureTransitions = replaying ?? xstate;
  const replayed = (): number => (replaying ? replaying.stats().replayed : 0);
  const errors = new FaultErrors(config.plugin);
  const budgets: number[] = BUDGET_KINDS.map((k) => faults[k as BudgetKind]);
  const bounded = budgets.map((b) => Number.isFinite(b));
  const minBackoff = strategy?.minBackoffMs ?? 0;
  const acceptsShutdown = machine.root.events.includes('SHUTDOWN' as never);
  const finals = config.finalStates ? new Set(config.finalStates) : undefined;

  const machineIds = config.machineIds();
  const machineEventIds = new Map<string, number>();
  const stepCache = new Map<number, CachedStep>();
  const envEvents = new Map<string, EnvEvent>();
  let xstateCalls = 0;

  const mid = (snap: AnyMachineSnapshot): number => machineIds.id(snap);
  // The event of a delay is usually the same object every time (XState's `after`
  // events are built once per state node), so its id is remembered per object.
  const delayEventIds = new WeakMap<EventObject, number>();
  const delayEventId = (event: EventObject): number => {
    let id = delayEventIds.get(event);
    if (id === undefined) {
      id = machineEventId(delayEventLabel(event));
      delayEventIds.set(event, id);
    }
    return id;
  };
  /** A delay the machine just scheduled, with all of its time left. */
  const pendingDelay = (s: ScheduledDelay): PendingDelay => ({ sendId: s.sendId, event: s.event, eventIndex: delayEventId(s.event), name: s.name, ms: s.ms, remaining: s.ms });
  const machineEventId = (label: string): number => {
    let id = machineEventIds.get(label);
    if (id === undefined) {
      id = machineEventIds.size;
      machineEventIds.set(label, id);
    }
    return id;
  };
  const envEvent = (label: string, make: () => EnvEvent): EnvEvent => {
    let e = envEvents.get(label);
    if (!e) {
      e = make();
      envEvents.set(label, e);
    }
    return e;
  };

  // The cache pays off when the environment multiplies machine states; when every
  // state is a new machine state it only holds snapshots alive (measured: half
  // the speed of that kind of space), so it switches itself off once it has
  // proved useless, judged at 1024 calls and at every doubling after.
  let caching = config.cache;
  let hits = 0;
  let judgeAt = 1024;
  const step = (state: MachineState, eventId: number, event: EventObject): CachedStep => {
    const cacheKey = state.mid * 65536 + eventId;
    if (caching && eventId < 65536) {
      const hit = stepCache.get(cacheKey);
      if (hit) {
        hits++;
        return hit;
      }
      if (xstateCalls >= judgeAt) {
        judgeAt *= 2;
        if (hits < xstateCalls / 8) {
          caching = false;
          stepCache.clear();
        }
      }
    }
    xstateCalls++;
    let result: CachedStep;
    try {
      const { snapshot, actions } = pure.step(state.snap, event);
      const ignored = snapshot === state.snap && actions.length === 0;
      const effects = readEffects(actions);
      result = { snap: snapshot, mid: ignored ? state.mid : mid(snapshot), effects, emittedTypes: effects.emitted.length > 0 ? effects.emitted.map((e) => e.type) : NONE, ignored };
    } catch (error) {
      // An action or guard threw outside XState's own error handling: the run is broken.
      const snap = { ...state.snap, status: 'error', error } as AnyMachineSnapshot;
      result = { snap, mid: mid(snap), effects: NO_EFFECTS, emittedTypes: NONE, ignored: false, error };
    }
    if (caching && eventId < 65536) stepCache.set(cacheKey, result);
    return result;
  };

  const describe = (state: MachineState): Omit<TraceStep, 'event'> => {
    const ctx = state.snap.context as { attempts?: unknown } | undefined;
    const out: Omit<TraceStep, 'event'> = {
      state: state.snap.status === 'error' ? `${valueKey(state.snap.value)} (error)` : valueKey(state.snap.value),
      timeMs: state.time,
      emitted: state.emitted,
      running: Object.keys(state.snap.children),
    };
    if (ctx && typeof ctx.attempts === 'number') out.attempts = ctx.attempts;
    return out;
  };

  /** What a machine state violates by itself, and how it ended: computed once per machine state. */
  interface SnapFacts {
    violations: EdgeViolation[] | undefined;
    /** The final state's name when the machine is done. */
    final: string | undefined;
    success: unknown;
    output: unknown;
  }
  // Indexed by machine state id (dense from 0): an array, not a Map.
  const factsCache: SnapFacts[] = [];
  const NO_FACTS: SnapFacts = { violations: undefined, final: undefined, success: undefined, output: undefined };
  const factsOf = (mid: number, snap: AnyMachineSnapshot): SnapFacts => {
    let facts = factsCache[mid];
    if (facts) return facts;
    const violations: EdgeViolation[] = [];
    if (strategy) {
      let inFlight: string[] | undefined;
      for (const id in snap.children) {
        const src = (snap.children[id] as { src?: unknown }).src;
        const name = typeof src === 'string' ? src : id;
        if (STEP_SOURCES.has(name)) (inFlight ??= []).push(name);
      }
      if (inFlight && inFlight.length > 1 && !strategy.allowConcurrent.some((group) => inFlight!.every((n) => group.includes(n)))) {
        violations.push({
          property: 'single-recovery-in-flight',
          message: `${inFlight.length} recovery steps run at once in '${valueKey(snap.value)}': ${inFlight.join(', ')} (at most one of attempt/restart/cleanup/fallback may be in flight; allow a group with allowConcurrent)`,
        });
      }
      const ctx = snap.context as { attempts?: unknown; maxAttempts?: unknown } | undefined;
      const attempts = typeof ctx?.attempts === 'number' ? ctx.attempts : undefined;
      const bound = strategy.bound ?? (typeof ctx?.maxAttempts === 'number' ? ctx.maxAttempts : strategy.defaultBound);
      if (attempts !== undefined && attempts > bound) {
        violations.push({
          property: 'attempts-bounded',
          message: `attempts reached ${attempts}, above the bound of ${bound}${strategy.bound === undefined && typeof ctx?.maxAttempts !== 'number' ? ' (no bound declared: the default applies)' : ''}`,
          prune: true,
        });
      }
    }
    for (const invariant of config.invariants) {
      let verdict: boolean | string;
      try {
        verdict = invariant.check(snap);
      } catch (error) {
        verdict = `the invariant threw: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (verdict !== true) violations.push({ property: invariant.name, message: typeof verdict === 'string' ? verdict : `invariant '${invariant.name}' is false in '${valueKey(snap.value)}'`, prune: true });
    }
    let final: string | undefined;
    if (snap.status === 'error') {
      const error = (snap as { error?: unknown }).error;
      violations.push({
        property: strategy ? 'ends-recovered-or-escalated' : 'no-error-status',
        message: `the machine entered XState's error status (it can never recover): ${error instanceof Error ? error.message : String(error)}`,
      });
    } else if (snap.status === 'done') {
      final = valueKey(snap.value);
      if (finals && !finals.has(final)) {
        violations.push({ property: strategy ? 'ends-recovered-or-escalated' : 'ends-in-final-states', message: `the run ended in final state '${final}', which is not one of ${[...finals].join(', ')}` });
      }
    }
    const output = snap.output as { success?: unknown } | undefined;
    // Most machine states violate nothing and have not ended: they share one object.
    facts = violations.length === 0 && final === undefined && output === undefined ? NO_FACTS : { violations: violations.length > 0 ? violations : undefined, final, success: output?.success, output };
    factsCache[mid] = facts;
    return facts;
  };

  /** Checks the state reached and the effects of the step into it. */
  const check = (prev: MachineState, next: MachineState, effects: Effects, failedRetry: boolean): EdgeViolation[] | undefined => {
    let violations: EdgeViolation[] | undefined;
    if (strategy) {
      if (failedRetry && minBackoff > 0) next.sinceFail = 0;
      for (const spawned of effects.spawned) {
        if (!RETRY_SOURCES.has(spawned.src)) continue;
        if (minBackoff > 0 && next.sinceFail >= 0 && next.sinceFail < minBackoff) {
          (violations ??= []).push({
            property: 'backoff-respected',
            message: `'${spawned.src}' started ${next.sinceFail} ms after a failure, before the minimum backoff of ${minBackoff} ms`,
          });
        }
        if (spawned.src === 'restart' && next.known) {
          (violations ??= []).push({
            property: 'no-restart-after-dispose',
            message: `'restart' started for plugin '${config.plugin ?? '?'}' although the machine was told it is disposed`,
          });
        }
        next.sinceFail = -1;
      }
    }
    const facts = factsOf(next.mid, next.snap);
    if (facts.violations) (violations ??= []).push(...facts.violations);
    if (strategy && facts.final !== undefined) {
      const name = facts.final;
      const problems: string[] = [];
      if (name === 'recovered') {
        if (next.recovered !== 1) problems.push(`error:recovered was emitted ${next.recovered} times (expected once)`);
        if (next.escalated !== 0) problems.push('error:escalated was emitted');
        if (facts.success !== true) problems.push(`the machine's output is ${describeOutput(facts.output)}, not { success: true, ... }`);
      } else {
        if (next.recovered !== 0) problems.push(`error:recovered was emitted on a run that ended '${name}'`);
        if (name === 'escalated' && next.escalated !== 1) problems.push(`error:escalated was emitted ${next.escalated} times (expected once)`);
        if (facts.success !== false) problems.push(`the machine's output is ${describeOutput(facts.output)}, not { success: false, ... }`);
      }
      if (problems.length > 0) (violations ??= []).push({ property: 'recovered-event-iff-recovered', message: `run ended '${name}': ${problems.join('; ')}` });
    } else if (strategy && next.recovered > 0 && prev.recovered === 0) {
      (violations ??= []).push({ property: 'recovered-event-iff-recovered', message: `error:recovered was emitted in '${valueKey(next.snap.value)}', which is not the final state 'recovered'` });
    }
    return violations;
  };

  /** The successor after the environment's move `mv` (and the machine's answer to it). */
  const move = (state: MachineState, mv: Move, sink: SuccessorSink<MachineState>, fired: PendingDelay | undefined): void => {
    const env = mv.env;
    if (filter) {
      if (filter.collect) {
        filter.collect.push(env);
        return;
      }
      if (env !== filter.only) return;
    }
    const event = mv.event;
    const result = event ? step(state, mv.eventId, event) : undefined;
    if (result?.ignored) {
      // The shape's rule: SHUTDOWN is never ignored. The edge loops back, carrying the violation.
      if (mv.shutdown && strategy) sink(env, state, [{ property: 'shutdown-accepted', message: `SHUTDOWN is ignored in '${valueKey(state.snap.value)}': every non-final state must go to 'escalated' on SHUTDOWN` }]);
      return;
    }
    const elapsed = fired ? fired.remaining : 0;
    let delays = state.delays;
    if (fired || (result && (result.effects.cancelled.length > 0 || result.effects.scheduled.length > 0)) || (result && result.snap.status !== 'active')) {
      delays = [];
      if (!result || result.snap.status === 'active') {
        const cancelled = result?.effects.cancelled;
        for (const d of state.delays) {
          if (d === fired) continue;
          if (cancelled && cancelled.includes(d.sendId)) continue;
          delays.push(elapsed === 0 ? d : { ...d, remaining: d.remaining - elapsed });
        }
        if (result) {
          for (const s of result.effects.scheduled) {
            const at = delays.findIndex((d) => d.sendId === s.sendId);
            if (at >= 0) delays.splice(at, 1);
            delays.push(pendingDelay(s));
          }
        }
        delays.sort((a, b) => a.remaining - b.remaining || (a.sendId < b.sendId ? -1 : a.sendId > b.sendId ? 1 : 0));
      }
    }
    let used = state.used;
    if (mv.spends >= 0 && bounded[mv.spends]) {
      used = used.slice();
      used[mv.spends] = used[mv.spends]! + 1;
    }
    const emittedTypes = result ? result.emittedTypes : NONE;
    let recovered = state.recovered;
    let escalated = state.escalated;
    for (const type of emittedTypes) {
      if (type === 'error:recovered') recovered = Math.min(2, recovered + 1);
      else if (type === 'error:escalated') escalated = Math.min(2, escalated + 1);
    }
    let sinceFail = state.sinceFail;
    if (fired && sinceFail >= 0) sinceFail = Math.min(minBackoff, sinceFail + elapsed);
    const next: MachineState = {
      snap: result ? result.snap : state.snap,
      mid: result ? result.mid : state.mid,
      delays,
      used,
      sinceFail,
      disposed: state.disposed || mv.dispose === true,
      known: state.known || mv.fault === 'disposed',
      recovered,
      escalated,
      time: state.time + elapsed,
      emitted: emittedTypes,
    };
    let violations = check(state, next, result ? result.effects : NO_EFFECTS, mv.failedRetry);
    if (mv.shutdown && strategy && result && !result.error && (result.snap.status !== 'done' || valueKey(result.snap.value) !== 'escalated')) {
      (violations = violations ? [...violations] : []).push({
        property: 'shutdown-accepted',
        message: `SHUTDOWN in '${valueKey(state.snap.value)}' led to '${valueKey(result.snap.value)}', not to the final state 'escalated'`,
      });
    }
    sink(env, next, violations);
  };

  /** The environment's part of a state's key: pending delays, budgets used, time since a failure, flags. */
  const envKey = (state: MachineState): string => {
    let key = '';
    for (const d of state.delays) key += `/${d.eventIndex}:${d.remaining}`;
    for (let i = 0; i < state.used.length; i++) if (bounded[i]) key += `|${state.used[i]}`;
    if (minBackoff > 0) key += `|${state.sinceFail}`;
    return `${key}|${state.disposed ? 1 : 0}${state.known ? 1 : 0}${state.recovered}${state.escalated}`;
  };

  const extraEvents = config.events;

  const childMoveCache = new Map<string, ChildMoves>();
  /** The moves answering child `id` (built once per id and src). */
  const childMoves = (id: string, child: { src?: unknown }): ChildMoves => {
    const src = typeof child.src === 'string' ? child.src : id;
    const cacheKey = src === id ? id : `${id}\u0000${src}`;
    let moves = childMoveCache.get(cacheKey);
    if (moves) return moves;
    const retry = RETRY_SOURCES.has(src);
    const outputs = faults.outputs[id] ?? faults.outputs[src] ?? [undefined];
    moves = {
      disposed:
        src === 'restart'
          ? {
              env: envEvent(`fail:${id}:disposed`, () => ({ type: 'fail', actor: id, fault: 'disposed' })),
              event: { type: `xstate.error.actor.${id}`, error: errors.get('disposed', id) } as EventObject,
              eventId: machineEventId(`E:${id}:disposed`),
              fault: 'disposed',
              spends: -1,
              failedRetry: retry,
            }
          : undefined,
      done: outputs.map((output, i) => ({
        env: envEvent(`done:${id}:${i}`, () => ({ type: 'done', actor: id, output: i })),
        event: { type: `xstate.done.actor.${id}`, output } as EventObject,
        eventId: machineEventId(`D:${id}:${i}`),
        spends: -1,
        failedRetry: false,
      })),
      fail: FAILURE_KINDS.map((kind, k) => {
        const only = faults.appliesTo[kind];
        if ((only && !only.includes(id) && !only.includes(src)) || budgets[k] === 0) return undefined;
        return {
          env: envEvent(`fail:${id}:${kind}`, () => ({ type: 'fail', actor: id, fault: kind })),
          event: { type: `xstate.error.actor.${id}`, error: errors.get(kind, id) } as EventObject,
          eventId: machineEventId(`E:${id}:${kind}`),
          fault: kind,
          spends: k,
          failedRetry: retry,
        };
      }),
    };
    childMoveCache.set(cacheKey, moves);
    return moves;
  };

  const delayMoveCache = new Map<string, Move>();
  const delayMove = (d: PendingDelay): Move => {
    const label = `delay:${d.eventIndex}:${d.remaining}`;
    let mv = delayMoveCache.get(label);
    if (!mv) {
      mv = { env: envEvent(label, () => ({ type: 'delay', delay: d.name, ms: d.remaining })), event: d.event, eventId: d.eventIndex, spends: -1, failedRetry: false };
      delayMoveCache.set(label, mv);
    }
    return mv;
  };

  const shutdownEvent = { type: 'SHUTDOWN' };
  // A strategy must handle SHUTDOWN everywhere, so it is sent even to one that never handles it (the check reports it).
  const shutdownMove: Move | undefined =
    acceptsShutdown || strategy
      ? { env: envEvent('send:SHUTDOWN', () => ({ type: 'send', event: shutdownEvent })), event: shutdownEvent, eventId: machineEventId('S:SHUTDOWN'), spends: SHUTDOWN_SLOT, failedRetry: false, shutdown: true }
      : undefined;

  const extraMoveCache = new Map<string, Move>();
  const extraMove = (event: EventObject): Move => {
    const label = `send:${JSON.stringify(event)}`;
    let mv = extraMoveCache.get(label);
    if (!mv) {
      mv = { env: envEvent(label, () => ({ type: 'send', event })), event, eventId: machineEventId(label), spends: -1, failedRetry: false };
      extraMoveCache.set(label, mv);
    }
    return mv;
  };

  const disposeMove: Move = { env: envEvent('dispose', () => ({ type: 'dispose' })), event: undefined, eventId: -1, spends: -1, failedRetry: false, dispose: true };
  /** The machine's initial state for `input`, in an environment that may already have a history (`carried`). */
  const startFrom = (input: unknown, carried: CarriedEnvironment): { state: MachineState; violations: EdgeViolation[] | undefined } => {
    xstateCalls++;
    let snap: AnyMachineSnapshot;
    let effects: Effects;
    try {
      const initial = pure.initial(input);
      snap = initial.snapshot;
      effects = readEffects(initial.actions);
    } catch (error) {
      snap = { status: 'error', error, value: 'initial', context: undefined, children: {} } as unknown as AnyMachineSnapshot;
      effects = readEffects([]);
    }
    const delays: PendingDelay[] = effects.scheduled.map(pendingDelay).sort((a, b) => a.remaining - b.remaining);
    const state: MachineState = {
      snap,
      mid: mid(snap),
      delays,
      used: carried.used ? carried.used.slice() : BUDGET_KINDS.map(() => 0),
      // The error being recovered from is a failure at time 0.
      sinceFail: carried.sinceFail ?? (minBackoff > 0 ? 0 : -1),
      disposed: carried.disposed,
      known: carried.known,
      recovered: 0,
      escalated: 0,
      time: carried.time ?? 0,
      emitted: effects.emitted.map((e) => e.type),
    };
    for (const t of state.emitted) {
      if (t === 'error:recovered') state.recovered++;
      if (t === 'error:escalated') state.escalated++;
    }
    const initialState: MachineState = { ...state, snap: { ...snap, children: {} } as AnyMachineSnapshot };
    return { state, violations: check(initialState, state, effects, false) };
  };

  /** Where the `eventually` properties hold, per machine state id. */
  const marksCache: number[] = [];
  /** Narrows `expand` to listing moves, or to one move. */
  let filter: { collect?: EnvEvent[]; only?: EnvEvent } | undefined;

  return {
    initialStates() {
      return config.starts.map((start) => {
        const { state, violations } = startFrom(start.input, { disposed: start.disposed, known: start.disposed });
        const event = envEvent(`start:${start.variant}`, (): EnvEvent => (start.point ? { type: 'start', variant: start.variant, point: start.point } : { type: 'start', variant: start.variant }));
        return { event, state, violations };
      });
    },

    startFrom,

    key(state) {
      return flatKey(`${state.mid}${envKey(state)}`);
    },

    group: (state) => state.mid,
    rest: (state) => flatKey(envKey(state)),

    isTerminal(state) {
      return state.snap.status !== 'active';
    },

    expand(state, sink) {
      const snap = state.snap;
      for (const id in snap.children) {
        const moves = childMoves(id, snap.children[id] as { src?: unknown });
        if (state.disposed && moves.disposed) {
          move(state, moves.disposed, sink, undefined);
          continue;
        }
        for (let i = 0; i < moves.done.length; i++) move(state, moves.done[i]!, sink, undefined);
        for (let k = 0; k < moves.fail.length; k++) {
          const mv = moves.fail[k];
          if (mv && state.used[k]! < budgets[k]!) move(state, mv, sink, undefined);
        }
      }
      if (state.delays.length > 0) {
        const first = state.delays[0]!.remaining;
        for (const d of state.delays) {
          if (d.remaining !== first) break;
          move(state, delayMove(d), sink, d);
        }
      }
      if (shutdownMove && state.used[SHUTDOWN_SLOT]! < budgets[SHUTDOWN_SLOT]!) move(state, shutdownMove, sink, undefined);
      if (extraEvents) {
        const list = typeof extraEvents === 'function' ? extraEvents(snap) : extraEvents;
        for (const event of list) move(state, extraMove(event), sink, undefined);
      }
      if (faults.dispose > 0 && !state.disposed) move(state, disposeMove, sink, undefined);
    },

    moves(state) {
      if (state.snap.status !== 'active') return [];
      const collect: EnvEvent[] = [];
      filter = { collect };
      try {
        this.expand(state, () => {});
      } finally {
        filter = undefined;
      }
      return collect;
    },

    successor(state, only) {
      let next: MachineState | undefined;
      filter = { only };
      try {
        this.expand(state, (_event, candidate) => {
          next = candidate;
        });
      } finally {
        filter = undefined;
      }
      return next;
    },

    describe,
    waiting: (state) => state.delays.length > 0,
    marks: (state) => {
      let m = marksCache[state.mid];
      if (m === undefined) {
        m = 0;
        (config.eventually ?? []).forEach((holds, i) => {
          if (holds(state.snap)) m! |= 1 << i;
        });
        marksCache[state.mid] = m;
      }
      return m;
    },
    machineStates: () => machineIds.count(),
    machineTransitions: () => xstateCalls - replayed(),
    replayedTransitions: () => replayed(),
  };
}

function describeOutput(output: unknown): string {
  if (output === undefined) return 'undefined (a machine-level `output` is needed: final-state outputs are not the machine\'s output)';
  try {
    return JSON.stringify(output);
  } catch {
    return String(output);
  }
}

function delayEventLabel(event: EventObject): string {
  const keys = Object.keys(event);
  return keys.length === 1 ? `T:${event.type}` : `T:${JSON.stringify(event)}`;
}
