// Composing strategies and defining one's own: the composed machine runs each
// stage as a real child actor until one recovers.
import { describe, expect, it } from 'vitest';
import { assign, emit, fromPromise, setup } from 'xstate';
import { ValidationError } from '../../src/errors/index.js';
import { RecoveryRuntime, compose, defineRecoveryStrategy, escalateStrategy, fallbackStrategy, retryStrategy } from '../../src/errors/recovery/index.js';
import { finalOutput, type RecoveryInput } from '../../machines/recovery.machine.js';
import { fakeHost, recordingBus } from './support.js';

describe('compose', () => {
  it('falls back after the retries give up, emitting one error:recovered for the composition', async () => {
    const { bus, named } = recordingBus();
    const runtime = new RecoveryRuntime(fakeHost(bus));
    let calls = 0;
    const strategy = compose(retryStrategy({ maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 }), fallbackStrategy((error) => `cached (${error.message})`));
    expect(strategy).toMatchObject({ name: 'retry+fallback', bound: 2 });
    const error = new Error('feed down');
    const outcome = await runtime.run(strategy, {
      error,
      category: 'transient',
      component: 'plugin:feed',
      retry: async () => {
        calls++;
        throw new Error('still down');
      },
    });
    expect(calls).toBe(2);
    expect(outcome).toMatchObject({ success: true, strategy: 'retry+fallback', recovered: 'cached (feed down)', attempts: 2, produced: true });
    expect(named('error:recovered')).toEqual([{ error, recovery: 'retry+fallback' }]);
    expect(named('error:escalated')).toEqual([]);
  });

  it('escalates when every stage escalates, with the last stage’s reason', async () => {
    const { bus, named } = recordingBus();
    const runtime = new RecoveryRuntime(fakeHost(bus));
    const outcome = await runtime.run(compose(retryStrategy(), escalateStrategy({ reason: 'nothing else to try' })), {
      error: new Error('x'),
      category: 'transient',
      component: 'engine',
    });
    expect(outcome).toMatchObject({ success: false, message: 'nothing else to try' });
    expect(named('error:escalated')).toEqual([expect.objectContaining({ recovery: 'retry+escalate', reason: 'nothing else to try' })]);
  });

  it('rejects an empty composition', () => {
    expect(() => compose()).toThrow(ValidationError);
  });
});

describe('defineRecoveryStrategy', () => {
  const base = setup({
    types: {} as { context: { error: Error; attempts: number; maxAttempts: number; reason: string }; input: RecoveryInput },
    actors: { attempt: fromPromise<unknown>(async () => undefined) },
    actions: {
      emitRecovered: emit(({ context }) => ({ type: 'error:recovered', error: context.error, recovery: 'twice' })),
      emitEscalated: emit(({ context }) => ({ type: 'error:escalated', error: context.error, recovery: 'twice', reason: context.reason })),
    },
  });

  it('accepts a user machine of the strategy shape and runs it with the runtime’s actors', async () => {
    const machine = base.createMachine({
      id: 'twice',
      initial: 'attempting',
      context: ({ input }) => ({ error: input.error, attempts: 0, maxAttempts: 2, reason: '' }),
      states: {
        attempting: {
          entry: assign({ attempts: ({ context }) => context.attempts + 1 }),
          invoke: {
            id: 'attempt',
            src: 'attempt',
            onDone: 'recovered',
            onError: [
              { guard: ({ context }) => context.attempts < context.maxAttempts, target: 'attempting', reenter: true },
              { target: 'escalated', actions: assign({ reason: 'failed twice' }) },
            ],
          },
          on: { SHUTDOWN: 'escalated' },
        },
        recovered: { type: 'final', entry: 'emitRecovered', output: ({ context }) => ({ success: true, strategy: 'twice', message: 'ok', attempts: context.attempts }) },
        escalated: { type: 'final', entry: 'emitEscalated', output: ({ context }) => ({ success: false, strategy: 'twice', message: context.reason, attempts: context.attempts }) },
      },
      output: finalOutput,
    });
    const strategy = defineRecoveryStrategy({ name: 'twice', machine, bound: 2 });
    const { bus, named } = recordingBus();
    let calls = 0;
    const outcome = await new RecoveryRuntime(fakeHost(bus)).run(strategy, {
      error: new Error('x'),
      category: 'transient',
      component: 'engine',
      retry: async () => {
        if (++calls < 2) throw new Error('once');
        return 'fine';
      },
    });
    expect(outcome).toMatchObject({ success: true, strategy: 'twice', attempts: 2 });
    expect(calls).toBe(2);
    expect(named('error:recovered')).toHaveLength(1);
  });

  it('refuses a machine without the final states or with an invoke lacking onError', () => {
    const noFinals = base.createMachine({ id: 'bad', initial: 'a', context: ({ input }) => ({ error: input.error, attempts: 0, maxAttempts: 1, reason: '' }), states: { a: {} } });
    expect(() => defineRecoveryStrategy({ name: 'bad', machine: noFinals })).toThrow(/final state named 'recovered'/);
    const noOnError = base.createMachine({
      id: 'bad2',
      initial: 'a',
      context: ({ input }) => ({ error: input.error, attempts: 0, maxAttempts: 1, reason: '' }),
      states: { a: { invoke: { id: 'attempt', src: 'attempt', onDone: 'recovered' } }, recovered: { type: 'final' }, escalated: { type: 'final' } },
    });
    expect(() => defineRecoveryStrategy({ name: 'bad2', machine: noOnError })).toThrow(/needs an onError/);
  });
});

describe('retry builder', () => {
  it('builds immutable retry strategies and chains fallbacks', async () => {
    const { retry } = await import('../../src/errors/recovery/index.js');
    const base = retry().attempts(2);
    const fast = base.constant(1);
    expect(base.build()).toMatchObject({ name: 'retry', bound: 2, minBackoffMs: 80 });
    expect(fast.build()).toMatchObject({ bound: 2, minBackoffMs: 1 });
    expect(retry().exponential({ initialDelayMs: 50, jitter: 0.5 }).build().minBackoffMs).toBe(25);
    expect(() => retry().attempts(0).build()).toThrow(ValidationError);

    const { bus } = recordingBus();
    let calls = 0;
    const outcome = await new RecoveryRuntime(fakeHost(bus)).run(fast.named('quick').orElse(fallbackStrategy('default')), {
      error: new Error('x'),
      category: 'transient',
      component: 'engine',
      retry: async () => {
        calls++;
        throw new Error('down');
      },
    });
    expect(calls).toBe(2);
    expect(outcome).toMatchObject({ success: true, strategy: 'quick+fallback', recovered: 'default' });
  });
});
