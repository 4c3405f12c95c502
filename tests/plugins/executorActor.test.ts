// The executor actor logic (src/plugins/executorActor.ts) under a small parent
// machine: every request is answered to the parent with its requestId, a throw
// becomes EXECUTION.FAILED, and a stopped executor answers nothing.
import { describe, expect, test } from 'vitest';
import { assign, createActor, sendTo, setup } from 'xstate';
import type { ExecuteEvent, ExecutionEvent } from '../../machines/plugin.machine.js';
import { fromExecutor, type ExecuteFunction } from '../../src/plugins/executorActor.js';
import { gate } from './helpers.js';

function parentOf(execute: ExecuteFunction) {
  return setup({
    types: {
      context: {} as { answers: ExecutionEvent[] },
      events: {} as ExecuteEvent | ExecutionEvent | { type: 'LEAVE' },
    },
    actors: { executor: fromExecutor(execute) },
  }).createMachine({
    context: { answers: [] },
    initial: 'serving',
    states: {
      serving: {
        invoke: { id: 'executor', src: 'executor', input: { name: 'p', version: '1.0.0' } },
        on: {
          EXECUTE: { actions: sendTo('executor', ({ event }) => event) },
          LEAVE: 'gone',
        },
      },
      gone: {},
    },
    on: {
      'EXECUTION.DONE': { actions: assign({ answers: ({ context, event }) => [...context.answers, event] }) },
      'EXECUTION.FAILED': { actions: assign({ answers: ({ context, event }) => [...context.answers, event] }) },
    },
  });
}

const request = (requestId: string, params: unknown = null): ExecuteEvent => ({ type: 'EXECUTE', requestId, action: 'run', params });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('fromExecutor', () => {
  test('answers each request to its parent with the same requestId, in the order the work ends', async () => {
    const slow = gate();
    const seen: [string, ExecuteEvent][] = [];
    const actor = createActor(
      parentOf(async (name, r) => {
        seen.push([name, r]);
        if (r.requestId === '1') await slow.promise;
        return (r.params as number) * 2;
      }),
    ).start();
    actor.send(request('1', 1));
    actor.send(request('2', 2));
    await settle();
    slow.open();
    await settle();
    expect(seen.map(([name, r]) => `${name} ${r.requestId}`)).toEqual(['p 1', 'p 2']);
    expect(actor.getSnapshot().context.answers).toEqual([
      { type: 'EXECUTION.DONE', requestId: '2', action: 'run', result: 4 },
      { type: 'EXECUTION.DONE', requestId: '1', action: 'run', result: 2 },
    ]);
  });

  test('a rejection, or a synchronous throw, is answered as EXECUTION.FAILED with the error', async () => {
    const thrown = new Error('thrown');
    const rejected = new Error('rejected');
    const actor = createActor(
      parentOf((_name, r) => {
        if (r.requestId === 'a') throw thrown;
        return Promise.reject(rejected);
      }),
    ).start();
    actor.send(request('a'));
    actor.send(request('b'));
    await settle();
    expect(actor.getSnapshot().context.answers).toEqual([
      { type: 'EXECUTION.FAILED', requestId: 'a', action: 'run', error: thrown },
      { type: 'EXECUTION.FAILED', requestId: 'b', action: 'run', error: rejected },
    ]);
    expect(actor.getSnapshot().children.executor!.getSnapshot().status).toBe('active');
  });

  test('once stopped, work still in flight is not answered', async () => {
    const open = gate();
    const actor = createActor(parentOf(() => open.promise.then(() => 'late'))).start();
    actor.send(request('1'));
    const executor = actor.getSnapshot().children.executor!;
    actor.send({ type: 'LEAVE' });
    expect(executor.getSnapshot().status).toBe('stopped');
    open.open();
    await settle();
    expect(actor.getSnapshot().context.answers).toEqual([]);
  });
});
