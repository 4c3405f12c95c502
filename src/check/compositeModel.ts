/**
 * A composition (`compose(a, b, c)`) explored through its stages: a state is the
 * running stage's index, that stage's machine with its environment, and the
 * attempts of the stages before it. The stages share one environment — the
 * fault budgets, the plugin's state (disposed, and whether a stage learned it),
 * the time since the last failure and the clock — so properties that span
 * stages are checked where they break: a later stage restarting a plugin an
 * earlier one found disposed, a later stage retrying before the minimum backoff
 * after an earlier one's failure, the attempts of all stages against the
 * composition's bound, and liveness over whole runs.
 *
 * The sequence itself follows machines/recovery.machine.ts: a stage that
 * recovers ends the run recovered, one that escalates hands over to the next
 * stage (or ends the run escalated after the last), SHUTDOWN stops the running
 * stage and escalates. The sequence machine is checked on its own as well (with
 * each stage answering recovered or escalated), which covers its events and
 * outputs.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { EdgeViolation, ExploreModel, SuccessorSink } from './explore.js';
import type { MachineModel, MachineState } from './machineModel.js';
import type { EnvEvent, InputPoint, TraceStep } from './types.js';

/** A state of the composition. */
export interface CompositeState {
  /** Which start (input) the run began from: later stages start from the same input. */
  start: number;
  stage: number;
  inner: MachineState;
  /** Attempts made by the stages that already ended. */
  before: number;
  /** How the run ended, once it has. */
  ended?: 'recovered' | 'escalated';
}

/** One stage: its name and its model (sharing the composition's fault model). */
export interface CompositeStage {
  name: string;
  model: MachineModel;
}

export interface CompositeConfig {
  stages: CompositeStage[];
  starts: Array<{ variant: string; input: unknown; disposed: boolean; point?: InputPoint }>;
  /** The composition's bound (the sum of the stages'). */
  bound: number;
  /** SHUTDOWN may be sent (once). */
  shutdown: boolean;
}

const SHUTDOWN_MOVE: EnvEvent = { type: 'send', event: { type: 'SHUTDOWN' } };

function attemptsOf(snap: AnyMachineSnapshot): number {
  const a = (snap.context as { attempts?: unknown } | undefined)?.attempts;
  return typeof a === 'number' ? a : 0;
}

/** Builds the model of a composition explored through its stages. */
export function createCompositeModel(config: CompositeConfig): ExploreModel<CompositeState> {
  const { stages } = config;
  const inputs: unknown[] = [];

  /** A stage's own violations, said of the stage. */
  const ofStage = (stage: number, violations: readonly EdgeViolation[] | undefined): EdgeViolation[] | undefined =>
    violations?.map((v) => ({ ...v, message: `stage ${stage} (${stages[stage]!.name}): ${v.message}` }));

  /** The composition-wide checks of a state, plus the stage's own violations. */
  const judge = (state: CompositeState, own: readonly EdgeViolation[] | undefined): EdgeViolation[] | undefined => {
    let out = ofStage(state.stage, own);
    const total = state.before + attemptsOf(state.inner.snap);
    if (total > config.bound) {
      (out ??= []).push({ property: 'attempts-bounded', message: `the stages made ${total} attempts in all, above the composition's bound of ${config.bound}`, prune: true });
    }
    return out;
  };

  /** After a stage ended: the run ends, or the next stage starts in the environment this one left. */
  const handOver = (state: CompositeState): { state: CompositeState; violations: EdgeViolation[] | undefined } => {
    const input = inputs[state.start];
    const inner = state.inner;
    const success = (inner.snap.output as { success?: unknown } | undefined)?.success === true;
    if (success) return { state: { ...state, ended: 'recovered' }, violations: undefined };
    const next = state.stage + 1;
    if (next >= stages.length) return { state: { ...state, ended: 'escalated' }, violations: undefined };
    // The stage before ended on a failure: the next one starts as a strategy does, right after one.
    const started = stages[next]!.model.startFrom(input, { disposed: inner.disposed, known: inner.known, used: inner.used, time: inner.time });
    const after: CompositeState = { start: state.start, stage: next, inner: started.state, before: state.before + attemptsOf(inner.snap) };
    if (started.state.snap.status === 'done') {
      const further = handOver(after);
      return { state: further.state, violations: [...(judge(after, started.violations) ?? []), ...(further.violations ?? [])] };
    }
    return { state: after, violations: judge(after, started.violations) };
  };


  return {
    initialStates() {
      inputs.length = 0;
      return config.starts.map((start, index) => {
        inputs.push(start.input);
        const first = stages[0]!.model.startFrom(start.input, { disposed: start.disposed, known: start.disposed });
        let state: CompositeState = { start: index, stage: 0, inner: first.state, before: 0 };
        let violations = judge(state, first.violations);
        if (first.state.snap.status === 'done') {
          const h = handOver(state);
          state = h.state;
          violations = [...(violations ?? []), ...(h.violations ?? [])];
        }
        const event: EnvEvent = start.point ? { type: 'start', variant: start.variant, point: start.point } : { type: 'start', variant: start.variant };
        return { event, state, ...(violations && violations.length > 0 ? { violations } : {}) };
      });
    },

    key(state) {
      const model = stages[state.stage]!.model;
      return `${state.start}:${state.stage}:${state.before}:${state.ended ?? ''}:${model.key(state.inner)}`;
    },

    isTerminal(state) {
      return state.ended !== undefined || state.inner.snap.status === 'error';
    },

    expand(state, sink: SuccessorSink<CompositeState>) {
      const stage = state.stage;
      const model = stages[stage]!.model;
      model.expand(state.inner, (event, inner, violations) => {
        const next: CompositeState = { start: state.start, stage, inner, before: state.before };
        let all = judge(next, violations);
        if (inner.snap.status === 'done') {
          const h = handOver(next);
          if (h.violations) all = [...(all ?? []), ...h.violations];
          sink(event, h.state, all);
          return;
        }
        sink(event, next, all);
      });
      // SHUTDOWN stops the running stage; the sequence escalates (the sequence machine's own check covers how).
      if (config.shutdown) sink(SHUTDOWN_MOVE, { ...state, ended: 'escalated' }, undefined);
    },

    describe(state): Omit<TraceStep, 'event'> {
      const inner = stages[state.stage]!.model.describe(state.inner);
      const where = state.ended ?? `stage${state.stage}(${stages[state.stage]!.name}).${inner.state}`;
      return { ...inner, state: where, ...(inner.attempts !== undefined ? { attempts: state.before + inner.attempts } : {}) };
    },

    waiting: (state) => state.inner.delays.length > 0,
  };
}
