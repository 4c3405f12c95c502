/**
 * The restart-plugin strategy, with supervisor semantics ("let it crash"): the
 * failed plugin is disposed and re-initialized from a clean state, never patched up.
 * At most `maxRestarts` restarts within `withinMs` (restart intensity): one more
 * escalates to the parent. Under `rest_for_one`, the plugins that depend on the
 * failed one are restarted with it; under `one_for_one`, only the plugin itself.
 *
 * States and events (strategy shape: see machines/recovery.machine.ts):
 *   deciding   -- no plugin in the input ------------------------> escalated (emit error:escalated, reason 'no plugin to restart')
 *   deciding   -- input.pluginState is 'disposed' ---------------> escalated (reason: a disposed plugin is never restarted)
 *   deciding   -- restartLog has ≥ maxRestarts entries within withinMs of now -> escalated (reason 'restart intensity exceeded ...')
 *   deciding   -- otherwise -----------------------------------> restarting
 *   restarting -- (entry: attempts += 1) invoke `restart` with { plugin, dependents, intensity: { maxRestarts, withinMs } }
 *   restarting -- restart resolved ------------------------------> recovered (emit error:recovered)
 *   restarting -- restart rejected with a RestartIntensityError -> escalated (reason 'restart intensity exceeded ...', its count)
 *   restarting -- restart rejected otherwise --------------------> escalated (emit error:escalated, reason names the failure)
 *   any non-final -- SHUTDOWN -----------------------------------> escalated (reason 'shutdown')
 *
 * Who owns the log: whoever restarts plugins (with an orchestrator, the plugin
 * supervisor, machines/supervisor.machine.ts; without one, the recovery host).
 * The runtime passes a copy of it (with `now`) as input, so the machine stays
 * pure; deciding from it spares a doomed restart. It is a read, so two
 * recoveries of one plugin may both see room: the limit therefore travels with
 * the restart request, and the log's owner checks it and records the restart in
 * one step, refusing one past the limit with a RestartIntensityError (OTP's
 * supervisor counts in the same place it restarts).
 */
import { assign, fromPromise, setup, type AnyStateMachine } from 'xstate';
import { intensityReason, restartsInWindow, type RestartIntensity } from '../restartIntensity.js';
import {
  baseContext,
  errorOf,
  finalOutput,
  strategyFinalStates,
  strategyShapeActions,
  type RecoveryContextBase,
  type RecoveryMachineTypes,
} from '../recovery.machine.js';

/** Which plugins a restart covers (Erlang/OTP supervisor strategies). */
export type RestartMode = 'one_for_one' | 'rest_for_one';

/** Parameters of a restart-plugin strategy. */
export interface RestartPluginParams {
  /** The name reported as `recovery` / `strategy`. Default `plugin_restart`. */
  name?: string;
  /** Restarts allowed within `withinMs` before escalating. Default 3. */
  maxRestarts?: number;
  /** The restart-intensity window, in ms. Default 60000. */
  withinMs?: number;
  /** `one_for_one` (only the plugin) or `rest_for_one` (it and its dependents). Default `one_for_one`. */
  mode?: RestartMode;
}

/** The restart machine's context. */
export interface RestartPluginContext extends RecoveryContextBase {
  maxRestarts: number;
  withinMs: number;
  mode: RestartMode;
  now: number;
  restartLog: number[];
  dependents: string[];
  pluginState: string | undefined;
}

/** What the `restart` actor receives. */
export interface RestartRequest {
  plugin: string;
  /** Dependents to restart after it, in order (empty under one_for_one). */
  dependents: string[];
  /** The limit the restart of `plugin` must stay within; the log's owner refuses it beyond (a RestartIntensityError). */
  intensity?: RestartIntensity;
}

export { restartsInWindow } from '../restartIntensity.js';

/** Whether a restart was refused for its intensity (by name: the machine imports no runtime class). */
function intensityRefusal(event: unknown): { restarts: number } | undefined {
  const error = (event as { error?: unknown }).error as { name?: unknown; restarts?: unknown } | undefined;
  return error?.name === 'RestartIntensityError' && typeof error.restarts === 'number' ? { restarts: error.restarts } : undefined;
}

/** Parameters with defaults applied. */
export function resolveRestartParams(params: RestartPluginParams = {}): Required<RestartPluginParams> {
  const finite = (value: number | undefined, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
  return {
    name: params.name ?? 'plugin_restart',
    maxRestarts: Math.max(0, Math.floor(finite(params.maxRestarts, 3))),
    withinMs: Math.max(0, finite(params.withinMs, 60_000)),
    mode: params.mode === 'rest_for_one' ? 'rest_for_one' : 'one_for_one',
  };
}

/** A restart-plugin machine with `params` baked into its context. */
export function createRestartPluginMachine(params: RestartPluginParams = {}): AnyStateMachine {
  const p = resolveRestartParams(params);
  return setup({
    types: {} as RecoveryMachineTypes<RestartPluginContext>,
    actors: {
      restart: fromPromise<void, RestartRequest>(async () => {
        throw new Error('the `restart` actor was not provided: supply it with machine.provide()');
      }),
    },
    actions: {
      countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
      recordRestarted: assign({
        message: ({ context }) => {
          const also = context.mode === 'rest_for_one' && context.dependents.length > 0 ? ` and its dependents ${context.dependents.join(', ')}` : '';
          return `restarted plugin '${context.plugin}'${also} (${context.mode})`;
        },
      }),
      recordRestartFailed: assign({
        reason: ({ context, event }) => `restarting plugin '${context.plugin}' failed: ${errorOf(event as { error?: unknown }).message}`,
      }),
      recordNoPlugin: assign({ reason: 'no plugin to restart: the error names no plugin' }),
      recordDisposed: assign({ reason: ({ context }) => `plugin '${context.plugin}' is disposed; a disposed plugin is never restarted` }),
      recordIntensity: assign({
        reason: ({ context }) => intensityReason(context.plugin ?? '', restartsInWindow(context.restartLog, context.now, context.withinMs), context),
      }),
      /** The log's owner refused the restart: its count, not this recovery's older copy of the log, is the truth. */
      recordIntensityRefused: assign({
        reason: ({ context, event }) => intensityReason(context.plugin ?? '', intensityRefusal(event)?.restarts ?? context.maxRestarts, context),
      }),
      ...strategyShapeActions<RestartPluginContext>(),
    },
    guards: {
      noPlugin: ({ context }) => context.plugin === undefined || context.plugin === '',
      disposed: ({ context }) => context.pluginState === 'disposed',
      intensityExceeded: ({ context }) => restartsInWindow(context.restartLog, context.now, context.withinMs) >= context.maxRestarts,
      refusedForIntensity: ({ event }) => intensityRefusal(event) !== undefined,
    },
  }).createMachine({
    id: p.name,
    initial: 'deciding',
    context: ({ input }) => ({
      ...baseContext(input, p.name, 1),
      maxRestarts: p.maxRestarts,
      withinMs: p.withinMs,
      mode: p.mode,
      now: input.now ?? 0,
      restartLog: [...(input.restartLog ?? [])],
      dependents: [...(input.dependents ?? [])],
      pluginState: input.pluginState,
    }),
    states: {
      deciding: {
        always: [
          { guard: 'noPlugin', target: 'escalated', actions: 'recordNoPlugin' },
          { guard: 'disposed', target: 'escalated', actions: 'recordDisposed' },
          { guard: 'intensityExceeded', target: 'escalated', actions: 'recordIntensity' },
          { target: 'restarting' },
        ],
        on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
      },
      restarting: {
        entry: 'countAttempt',
        invoke: {
          id: 'restart',
          src: 'restart',
          input: ({ context }) => ({
            plugin: context.plugin ?? '',
            dependents: context.mode === 'rest_for_one' ? [...context.dependents] : [],
            intensity: { maxRestarts: context.maxRestarts, withinMs: context.withinMs },
          }),
          onDone: { target: 'recovered', actions: 'recordRestarted' },
          onError: [
            { guard: 'refusedForIntensity', target: 'escalated', actions: 'recordIntensityRefused' },
            { target: 'escalated', actions: 'recordRestartFailed' },
          ],
        },
        on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
      },
      ...strategyFinalStates,
    },
    output: finalOutput,
  });
}

/** The restart machine with default parameters (one_for_one, 3 restarts per 60 s). */
export const restartPluginMachine = createRestartPluginMachine();
