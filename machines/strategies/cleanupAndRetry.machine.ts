/**
 * The cleanup-and-retry strategy, for resource errors such as MemoryError: free
 * what can be freed (ResourceManager.cleanup(): disposed plugins' leftovers, the
 * engine's temporary tables), then re-run the operation once. With `retry: false`
 * it is the plain `cleanup` strategy: freeing memory is the whole recovery.
 *
 * States and events (strategy shape: see machines/recovery.machine.ts):
 *   cleaning   -- invoke `cleanup`
 *   cleaning   -- cleanup resolved, retry off or no operation -> recovered (emit error:recovered, output.recovered = what cleanup returned)
 *   cleaning   -- cleanup resolved, otherwise ---------------> attempting
 *   cleaning   -- cleanup rejected ---------------------------> escalated (emit error:escalated, reason names the failure)
 *   attempting -- (entry: attempts += 1) invoke `attempt`
 *   attempting -- attempt resolved ---------------------------> recovered (emit error:recovered, output.recovered = the result)
 *   attempting -- attempt rejected ---------------------------> escalated (emit error:escalated, reason names the error)
 *   any non-final -- SHUTDOWN --------------------------------> escalated (reason 'shutdown')
 */
import { assign, fromPromise, setup, type AnyStateMachine } from 'xstate';
import {
  baseContext,
  errorOf,
  finalOutput,
  strategyFinalStates,
  strategyShapeActions,
  type RecoveryContextBase,
  type RecoveryMachineTypes,
} from '../recovery.machine.js';

/** Parameters of a cleanup(-and-retry) strategy. */
export interface CleanupAndRetryParams {
  /** The name reported as `recovery` / `strategy`. Default `cleanup_and_retry` (`cleanup` when `retry` is false). */
  name?: string;
  /** Re-run the operation once after cleaning up. Default true. */
  retry?: boolean;
}

/** The cleanup machine's context. */
export interface CleanupAndRetryContext extends RecoveryContextBase {
  retry: boolean;
  hasOperation: boolean;
}

/** A cleanup(-and-retry) machine with `params` baked into its context. */
export function createCleanupAndRetryMachine(params: CleanupAndRetryParams = {}): AnyStateMachine {
  const retry = params.retry ?? true;
  const name = params.name ?? (retry ? 'cleanup_and_retry' : 'cleanup');
  return setup({
    types: {} as RecoveryMachineTypes<CleanupAndRetryContext>,
    actors: {
      cleanup: fromPromise<unknown, void>(async () => {
        throw new Error('the `cleanup` actor was not provided: supply it with machine.provide()');
      }),
      attempt: fromPromise<unknown, { operation: string | undefined; attempt: number }>(async () => {
        throw new Error('the `attempt` actor was not provided: supply it with machine.provide()');
      }),
    },
    actions: {
      countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
      recordCleaned: assign({
        result: ({ event }) => (event as { output?: unknown }).output,
        message: ({ context }) => (context.retry ? 'freed resources; no operation to retry' : 'freed resources'),
      }),
      recordResult: assign({
        result: ({ event }) => (event as { output?: unknown }).output,
        message: 'freed resources, then the operation succeeded',
      }),
      recordCleanupFailed: assign({ reason: ({ event }) => `cleanup failed: ${errorOf(event as { error?: unknown }).message}` }),
      recordAttemptFailed: assign({
        reason: ({ event }) => `the operation failed again after cleanup: ${errorOf(event as { error?: unknown }).message}`,
      }),
      ...strategyShapeActions<CleanupAndRetryContext>(),
    },
    guards: {
      cleanupOnly: ({ context }) => !context.retry || !context.hasOperation,
    },
  }).createMachine({
    id: name,
    initial: 'cleaning',
    context: ({ input }) => ({
      ...baseContext(input, name, retry ? 1 : 0),
      retry,
      hasOperation: input.hasOperation ?? true,
    }),
    states: {
      cleaning: {
        invoke: {
          id: 'cleanup',
          src: 'cleanup',
          onDone: [
            { guard: 'cleanupOnly', target: 'recovered', actions: 'recordCleaned' },
            { target: 'attempting' },
          ],
          onError: { target: 'escalated', actions: 'recordCleanupFailed' },
        },
        on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
      },
      attempting: {
        entry: 'countAttempt',
        invoke: {
          id: 'attempt',
          src: 'attempt',
          input: ({ context }) => ({ operation: context.operation, attempt: context.attempts }),
          onDone: { target: 'recovered', actions: 'recordResult' },
          onError: { target: 'escalated', actions: 'recordAttemptFailed' },
        },
        on: { SHUTDOWN: { target: 'escalated', actions: 'recordShutdown' } },
      },
      ...strategyFinalStates,
    },
    output: finalOutput,
  });
}

/** Cleanup, then one retry. */
export const cleanupAndRetryMachine = createCleanupAndRetryMachine();
