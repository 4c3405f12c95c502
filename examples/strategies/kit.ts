/**
 * What the example strategies share: a small context of the strategy shape,
 * the two final states with their events and outputs, and placeholder actors
 * (`attempt`, `restart`, `cleanup`) that the runtime replaces with real ones.
 */
import { emit, fromPromise } from 'xstate';
import type { RecoveryInput } from '../../src/errors/recovery/index.js';

export interface KitContext {
  error: Error;
  plugin: string | undefined;
  attempts: number;
  maxAttempts: number;
}

export const types = {} as { context: KitContext; input: RecoveryInput; events: { type: 'SHUTDOWN' } };

export const context = ({ input }: { input: RecoveryInput }): KitContext => ({ error: input.error, plugin: input.plugin, attempts: 0, maxAttempts: 3 });

/** The two final states of the shape; typed loosely so each machine's setup can take them. */
export const finals = (name: string): Record<string, never> =>
  ({
    recovered: {
      type: 'final' as const,
      entry: emit(({ context: c }: { context: KitContext }) => ({ type: 'error:recovered' as const, error: c.error, recovery: name })),
      output: ({ context: c }: { context: KitContext }) => ({ success: true, strategy: name, message: 'recovered', attempts: c.attempts }),
    },
    escalated: {
      type: 'final' as const,
      entry: emit(({ context: c }: { context: KitContext }) => ({ type: 'error:escalated' as const, error: c.error, recovery: name, reason: 'gave up' })),
      output: ({ context: c }: { context: KitContext }) => ({ success: false, strategy: name, message: 'gave up', attempts: c.attempts }),
    },
  }) as unknown as Record<string, never>;

/** The machine's output is the output of the final state it ended in. */
export const output = ({ event }: { event: unknown }) => (event as { output?: unknown }).output;

export const attempt = fromPromise<unknown, { attempt: number }>(async () => {
  throw new Error('the runtime provides `attempt`');
});
export const restart = fromPromise<void, { plugin: string | undefined; dependents: string[] }>(async () => {
  throw new Error('the runtime provides `restart`');
});
export const cleanup = fromPromise<void>(async () => {
  throw new Error('the runtime provides `cleanup`');
});

/** The error's category says another try cannot help. */
export const permanent = ({ event }: { event: unknown }) => (event as { error?: { category?: unknown } }).error?.category === 'query';
/** The error is one that may go away. */
export const transient = ({ event }: { event: unknown }) => (event as { error?: { category?: unknown } }).error?.category === 'transient';

/** Another attempt is within the bound. */
export const canRetry = ({ context: c }: { context: { attempts: number; maxAttempts: number } }) => c.attempts < c.maxAttempts;
