// The engine machine on its own, with its actors replaced: every path ends in a
// state of the contract and never in XState's `error` status.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, type AnyActorRef } from 'xstate';
import { engineMachine, engineStateOf } from '../../machines/engine.machine.js';

function waitForState(actor: AnyActorRef, state: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => engineStateOf(actor.getSnapshot().value) === state;
    if (check()) return resolve();
    const sub = actor.subscribe(() => {
      if (check()) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
}

function machine(open: () => Promise<{ version: string }>, close: () => Promise<void> = async () => undefined) {
  return engineMachine.provide({ actors: { openEngine: fromPromise(open), closeEngine: fromPromise(close) } });
}

describe('engine machine', () => {
  it('idle → starting → ready emits engine:ready with the version, CLOSE ends in closed', async () => {
    const emitted: unknown[] = [];
    const actor = createActor(machine(async () => ({ version: 'v9.9.9' })));
    actor.on('*', (e) => emitted.push(e));
    actor.start();
    expect(actor.getSnapshot().value).toBe('idle');
    actor.send({ type: 'OPEN' });
    expect(actor.getSnapshot().value).toBe('starting');
    await waitForState(actor, 'ready');
    expect(actor.getSnapshot().context.version).toBe('v9.9.9');
    expect(typeof actor.getSnapshot().context.startedAt).toBe('number');
    expect(emitted).toEqual([{ type: 'engine:ready', version: 'v9.9.9' }]);
    actor.send({ type: 'CLOSE' });
    await waitForState(actor, 'closed');
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('a failed open ends in failed with the error, not in the error status', async () => {
    const actor = createActor(machine(async () => { throw new Error('no wasm'); }));
    actor.start();
    actor.send({ type: 'OPEN' });
    await waitForState(actor, 'failed');
    expect(actor.getSnapshot().status).toBe('active');
    expect(actor.getSnapshot().context.error?.message).toBe('no wasm');
  });

  it('CLOSE while the open is in flight closes, and a failing close still ends closed', async () => {
    let finishOpen!: () => void;
    const actor = createActor(
      machine(
        () => new Promise((resolve) => (finishOpen = () => resolve({ version: 'v1' }))),
        async () => { throw new Error('close failed'); },
      ),
    );
    actor.start();
    actor.send({ type: 'OPEN' });
    actor.send({ type: 'CLOSE' });
    finishOpen();
    await waitForState(actor, 'closed');
    expect(actor.getSnapshot().context.error?.message).toBe('close failed');
  });

  it('RESTART from failed and FAIL from ready go through restarting back to ready', async () => {
    let opens = 0;
    const actor = createActor(machine(async () => {
      opens++;
      if (opens === 1) throw new Error('first open fails');
      return { version: `v${opens}` };
    }));
    actor.start();
    actor.send({ type: 'OPEN' });
    await waitForState(actor, 'failed');
    actor.send({ type: 'RESTART' });
    expect(engineStateOf(actor.getSnapshot().value)).toBe('restarting');
    await waitForState(actor, 'ready');
    expect(actor.getSnapshot().context.version).toBe('v2');
    expect(actor.getSnapshot().context.error).toBeUndefined();
    actor.send({ type: 'FAIL', error: new Error('worker died') });
    expect(engineStateOf(actor.getSnapshot().value)).toBe('failed');
    actor.send({ type: 'RESTART' });
    await waitForState(actor, 'ready');
    expect(actor.getSnapshot().context.version).toBe('v3');
  });
});
