/**
 * The recovery contract, and the machine that runs recovery stages in sequence.
 *
 * Every error recovery is one actor: a machine of the STRATEGY SHAPE below.
 * Built-in strategies (machines/strategies/*.machine.ts), users' own strategies
 * (`defineRecoveryStrategy`) and compositions of strategies all keep to it, so the
 * runtime can run any of them and the model checker can explore any of them.
 *
 * THE STRATEGY SHAPE
 * - input: `RecoveryInput` (the error, its category, component, plugin, operation,
 *   `now`, `restartLog`), plus strategy parameters baked in by the factory that
 *   built the machine (e.g. `createRetryMachine({ maxAttempts: 3, ... })`).
 * - context always has `attempts` (operations attempted so far by this recovery)
 *   and `maxAttempts` (the strategy's bound).
 * - side effects only through invoked actors, whose invoke id equals the src name:
 *   `attempt` (re-run the failed operation; resolves with its result or rejects),
 *   `restart` (input `{ plugin, dependents }`: dispose and re-initialize),
 *   `cleanup` (ResourceManager.cleanup()), `fallback` (resolves with the fallback
 *   value). Every invoke has `onError`, so no machine enters XState's `error` status.
 * - waits only through named delays in `after` (e.g. `after: { backoff: ... }`).
 * - two final states: `recovered`, output `{ success: true, strategy, message,
 *   recovered?, attempts }`, entered with `emit({ type: 'error:recovered', error,
 *   recovery })`; `escalated`, output `{ success: false, strategy, message, attempts }`,
 *   entered with `emit({ type: 'error:escalated', error, recovery, reason })`.
 * - `{ type: 'SHUTDOWN' }` in every non-final state goes to `escalated` with
 *   reason `shutdown`.
 *
 * THE SEQUENCE MACHINE (`createRecoveryMachine(stageCount)`), which `compose(...)`
 * uses: stages are whole strategy machines, invoked as `stage0`, `stage1`, ...
 * Each stage resolves with its RecoveryOutput (a stage never rejects: it is a
 * machine of the shape above; `onError` covers a foreign one anyway).
 *
 *   stage<i>   -- stage output success ----------------> recovered  (emit error:recovered)
 *   stage<i>   -- stage output failure, i < last ------> stage<i+1>
 *   stage<last>-- stage output failure ----------------> escalated  (emit error:escalated, reason: last stage's message)
 *   stage<i>   -- stage rejected ----------------------> escalated  (reason: the rejection)
 *   stage<i>   -- SHUTDOWN ----------------------------> escalated  (reason 'shutdown'; the running stage is stopped)
 *
 * `attempts` adds up the stages' attempts; `maxAttempts` is the sum of their bounds.
 */
import { assign, emit, setup, type AnyStateMachine, type DoneActorEvent, type ErrorActorEvent } from 'xstate';

/** How recovery treats an error; the library's ErrorCategory is this union (documented there). */
export type RecoveryCategory =
  | 'transient'
  | 'resource'
  | 'plugin'
  | 'query'
  | 'configuration'
  | 'validation'
  | 'usage'
  | 'engine'
  | 'fatal';

/** What every recovery machine receives. */
export interface RecoveryInput {
  /** The error being recovered from. */
  error: Error;
  /** Its category (from ErrorHandler.categorize). */
  category: RecoveryCategory;
  /** The component it came from (`engine`, `plugin:viz`, ...). */
  component: string;
  /** The plugin concerned, when there is one. */
  plugin?: string;
  /** The failed operation's name, when known. */
  operation?: string;
  /** The current time in ms, for restart-intensity windows. Default 0. */
  now?: number;
  /** Timestamps (ms) of previous restarts of this plugin. Default []. */
  restartLog?: number[];
  /** Whether a failed operation can be re-run (the runtime knows). Default true. */
  hasOperation?: boolean;
  /** Plugins that depend on `plugin`, restarted with it under `rest_for_one`. Default []. */
  dependents?: string[];
  /** The plugin's lifecycle state; `disposed` means never restart it. */
  pluginState?: string;
  /** Seed of the jitter generator, so backoff is deterministic given the input. Default 1. */
  seed?: number;
}

/** The output of every recovery machine (the spec's RecoveryResult plus `attempts`). */
export interface RecoveryOutput {
  success: boolean;
  strategy: string;
  message: string;
  recovered?: unknown;
  attempts: number;
}

/** Events every recovery machine emits. */
export type RecoveryEmitted =
  | { type: 'error:recovered'; error: Error; recovery: string }
  | { type: 'error:escalated'; error: Error; recovery: string; reason: string };

/** Events every recovery machine accepts. */
export type RecoveryEvent = { type: 'SHUTDOWN' };

/** The `types` every strategy machine declares: `setup({ types: {} as RecoveryMachineTypes<MyContext>, ... })`. */
export interface RecoveryMachineTypes<Context> {
  context: Context;
  input: RecoveryInput;
  events: RecoveryEvent;
  emitted: RecoveryEmitted;
  output: RecoveryOutput;
}

/** The context fields every strategy machine has. */
export interface RecoveryContextBase {
  error: Error;
  category: RecoveryCategory;
  component: string;
  plugin: string | undefined;
  operation: string | undefined;
  /** This strategy's name, as reported in `recovery` of the emitted events. */
  strategy: string;
  attempts: number;
  maxAttempts: number;
  /** Why the recovery escalated; '' until then. */
  reason: string;
  /** The value the recovery produced (retry result, fallback value). */
  result: unknown;
  /** What the recovery did, for RecoveryResult.message. */
  message: string;
}

/** The common part of a strategy's context, built from its input. */
export function baseContext(input: RecoveryInput, strategy: string, maxAttempts: number): RecoveryContextBase {
  return {
    error: input.error,
    category: input.category,
    component: input.component,
    plugin: input.plugin,
    operation: input.operation,
    strategy,
    attempts: 0,
    maxAttempts,
    reason: '',
    result: undefined,
    message: '',
  };
}

/** The error of a rejected invoke, as an Error (invokes may reject with anything). */
export function errorOf(event: { error?: unknown } | ErrorActorEvent): Error {
  const value = (event as { error?: unknown }).error;
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : `recovery step failed: ${String(value)}`);
}

const PERMANENT_CATEGORIES: readonly string[] = ['query', 'validation', 'configuration', 'usage', 'fatal'];

/**
 * Whether another attempt could help after `error`: not when the error says it is
 * not retryable (`retryable: false`, e.g. an open circuit) nor when its category
 * is permanent (a SQL or validation error fails the same way every time).
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const marked = error as { retryable?: unknown; category?: unknown };
  if (marked.retryable === false) return false;
  return !(typeof marked.category === 'string' && PERMANENT_CATEGORIES.includes(marked.category));
}

/** Output of the `recovered` final state. */
export function recoveredOutput(context: RecoveryContextBase): RecoveryOutput {
  const output: RecoveryOutput = { success: true, strategy: context.strategy, message: context.message, attempts: context.attempts };
  if (context.result !== undefined) output.recovered = context.result;
  return output;
}

/** Output of the `escalated` final state. */
export function escalatedOutput(context: RecoveryContextBase): RecoveryOutput {
  return { success: false, strategy: context.strategy, message: context.reason, attempts: context.attempts };
}

/** The machine's output is the output of the final state it ended in. */
export function finalOutput({ event }: { event: unknown }): RecoveryOutput {
  return (event as { output: RecoveryOutput }).output;
}

/**
 * The actions of the strategy shape that every strategy machine shares, typed
 * for its context: spread `...strategyShapeActions<MyContext>()` into
 * `setup({ actions })`. `recordShutdown` answers SHUTDOWN; `emitRecovered` and
 * `emitEscalated` are the entries of the two final states.
 */
export function strategyShapeActions<TContext extends RecoveryContextBase>() {
  return {
    recordShutdown: assign<TContext, RecoveryEvent, undefined, RecoveryEvent, never>(() => ({ reason: 'shutdown' }) as Partial<TContext>),
    emitRecovered: emit<TContext, RecoveryEvent, undefined, RecoveryEvent, RecoveryEmitted>(({ context }) => ({
      type: 'error:recovered',
      error: context.error,
      recovery: context.strategy,
    })),
    emitEscalated: emit<TContext, RecoveryEvent, undefined, RecoveryEvent, RecoveryEmitted>(({ context }) => ({
      type: 'error:escalated',
      error: context.error,
      recovery: context.strategy,
      reason: context.reason,
    })),
  };
}

/** The two final states of the strategy shape, with their entries and outputs. */
export const strategyFinalStates = {
  recovered: { type: 'final' as const, entry: 'emitRecovered' as const, output: ({ context }: { context: RecoveryContextBase }) => recoveredOutput(context) },
  escalated: { type: 'final' as const, entry: 'emitEscalated' as const, output: ({ context }: { context: RecoveryContextBase }) => escalatedOutput(context) },
};

/** The context of the sequence machine. */
export interface SequenceContext extends RecoveryContextBase {
  input: RecoveryInput;
}

/** Parameters of a sequence of stages. */
export interface SequenceParams {
  /** The composed strategy's name. */
  name: string;
  /** How many stages (each invoked as `stage<i>`). At least 1. */
  stages: number;
  /** Sum of the stages' bounds. */
  maxAttempts: number;
}

/**
 * A machine that runs `stages` strategy machines in order until one recovers.
 * The stage machines are supplied as actors `stage0` ... `stage<n-1>`.
 */
export function createRecoveryMachine(params: SequenceParams): AnyStateMachine {
  const count = Math.max(1, Math.floor(params.stages));
  const stageActors: Record<string, AnyStateMachine> = {};
  const states: Record<string, object> = {};
  const base = setup({
    types: {} as RecoveryMachineTypes<SequenceContext>,
    actions: {
      recordStage: assign(({ context, event }) => {
        const output = (event as unknown as DoneActorEvent<RecoveryOutput>).output;
        return {
          attempts: context.attempts + (output?.attempts ?? 0),
          message: output?.message ?? '',
          reason: output?.message ?? '',
          result: output?.recovered,
        };
      }),
      recordRejection: assign({ reason: ({ event }) => `a stage failed unexpectedly: ${errorOf(event as unknown as ErrorActorEvent).message}` }),
      ...strategyShapeActions<SequenceContext>(),
    },
    guards: {
      stageRecovered: ({ event }) => (event as unknown as DoneActorEvent<RecoveryOutput>).output?.success === true,
    },
  });
  for (let i = 0; i < count; i++) {
    const src = `stage${i}`;
    const next = i + 1 < count ? `stage${i + 1}` : 'escalated';
    states[src] = {
      invoke: {
        id: src,
        src,
        input: ({ context }: { context: SequenceContext }) => context.input,
        onDone: [
          { guard: 'stageRecovered', target: 'recovered', actions: 'recordStage' },
          { target: next, actions: 'recordStage' },
        ],
        onError: { target: 'escalated', actions: 'recordRejection' },
      },
      on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
    };
  }
  Object.assign(states, strategyFinalStates);
  // Stage logic is only a placeholder here: the runtime provides the real stage machines.
  for (let i = 0; i < count; i++) stageActors[`stage${i}`] = placeholderStage;
  return base
    .createMachine({
      id: params.name,
      initial: 'stage0',
      context: ({ input }) => ({ ...baseContext(input, params.name, params.maxAttempts), input }),
      states: states as never,
      output: finalOutput,
    })
    .provide({ actors: stageActors as never }) as unknown as AnyStateMachine;
}

/** A stage that escalates at once: what an unprovided stage does. */
const placeholderStage = setup({
  types: {} as { input: RecoveryInput; output: RecoveryOutput },
}).createMachine({
  id: 'unprovidedStage',
  initial: 'escalated',
  states: { escalated: { type: 'final' } },
  output: () => ({ success: false, strategy: 'unprovided', message: 'no stage machine was provided', attempts: 0 }),
});
