// The hook actor logic (src/plugins/hookActor.ts) invoked by a small machine: it
// finishes synchronously for synchronous hooks, later for promises, drops the
// outcome of a hook stopped before it settled, and is seen by the inspector.
import { describe, expect, test } from 'vitest';
import { assign, createActor, setup, type InspectionEvent } from 'xstate';
import { fromHook, type HookFunction } from '../../src/plugins/hookActor.js';
import { gate } from './helpers.js';

/** A machine that invokes `hook` in `running` and records its output or error. */
function invoking(hook: HookFunction<unknown, { n: number }>) {
  return setup({
    types: { context: {} as { output: unknown; error: unknown } },
    actors: { hook: fromHook(hook) },
  }).createMachine({
    context: { output: undefined, error: undefined },
    initial: 'running',
    states: {
      running: {
        invoke: {
          id: 'hook',
          src: 'hook',
          input: { n: 2 },
          onDone: { target: 'done', actions: assign({ output: ({ event }) => event.output }) },
          onError: { target: 'failed', actions: assign({ error: ({ event }) => event.error }) },
        },
        on: { LEAVE: 'left' },
      },
      done: {},
      failed: {},
      left: {},
    },
  });
}

describe('fromHook', () => {
  test('a hook that returns a plain value finishes before start() returns, with that value', () => {
    const calls: unknown[] = [];
    const actor = createActor(
      invoking((input) => {
        calls.push(input);
        return input.n * 21;
      }),
    ).start();
    expect(calls).toEqual([{ n: 2 }]);
    expect(actor.getSnapshot().value).toBe('done');
    expect(actor.getSnapshot().context.output).toBe(42);
    expect(actor.getSnapshot().children.hook).toBeUndefined();
  });

  test('a hook that throws fails its actor at once; the machine takes onError and keeps running', () => {
    const boom = new Error('boom');
    const actor = createActor(
      invoking(() => {
        throw boom;
      }),
    ).start();
    expect(actor.getSnapshot().value).toBe('failed');
    expect(actor.getSnapshot().context.error).toBe(boom);
    expect(actor.getSnapshot().status).toBe('active');
  });

  test('a promise hook finishes when the promise settles: resolved → onDone, rejected → onError', async () => {
    const open = gate();
    const resolving = createActor(invoking(() => open.promise.then(() => 'late'))).start();
    expect(resolving.getSnapshot().value).toBe('running');
    open.open();
    await open.promise;
    await Promise.resolve();
    expect(resolving.getSnapshot().value).toBe('done');
    expect(resolving.getSnapshot().context.output).toBe('late');

    const rejecting = createActor(invoking(() => Promise.reject(new Error('no')))).start();
    expect(rejecting.getSnapshot().value).toBe('running');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(rejecting.getSnapshot().value).toBe('failed');
    expect((rejecting.getSnapshot().context.error as Error).message).toBe('no');
  });

  test('a hook stopped before it settles is dropped: its late outcome reaches nobody', async () => {
    const open = gate();
    const seen: string[] = [];
    const actor = createActor(invoking(() => open.promise.then(() => 'late')), {
      inspect: (e: InspectionEvent) => {
        if (e.type === '@xstate.event') seen.push(e.event.type);
      },
    }).start();
    const hook = actor.getSnapshot().children.hook!;
    actor.send({ type: 'LEAVE' });
    expect(hook.getSnapshot().status).toBe('stopped');
    open.open();
    await open.promise;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(actor.getSnapshot().value).toBe('left');
    expect(actor.getSnapshot().context.output).toBeUndefined();
    expect(seen.filter((t) => t.startsWith('xstate.hook') || t.startsWith('xstate.done'))).toEqual([]);
  });

  test('the inspector sees the hook actor, its outcome as an event from itself, and the done event to its parent', () => {
    const events: InspectionEvent[] = [];
    const actor = createActor(invoking(() => 'ok'), { inspect: (e: InspectionEvent) => void events.push(e) }).start();
    const hookActors = events.filter((e) => e.type === '@xstate.actor' && e.actorRef !== actor);
    expect(hookActors).toHaveLength(1);
    const hookRef = hookActors[0]!.actorRef;
    const outcome = events.find((e) => e.type === '@xstate.event' && e.actorRef === hookRef && e.event.type === 'xstate.hook.done');
    expect(outcome).toBeDefined();
    expect((outcome as { sourceRef?: unknown }).sourceRef).toBe(hookRef);
    const done = events.find((e) => e.type === '@xstate.event' && e.actorRef === actor && e.event.type === 'xstate.done.actor.hook');
    expect(done).toMatchObject({ sourceRef: hookRef, event: { output: 'ok' } });
  });
});
