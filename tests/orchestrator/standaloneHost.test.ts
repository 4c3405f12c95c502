// The standalone ActorHost: its actors are children of one root of its own, share
// one actor system and one inspector, forward what they emit, report unhandled
// errors to onError without throwing, and are stopped by the host.
import { describe, expect, test } from 'vitest';
import { assign, emit, setup, type AnyActorRef, type InspectionEvent } from 'xstate';
import { createEventBus } from '../../src/events/EventBus.js';
import { createStandaloneActorHost } from '../../src/orchestrator/ActorHost.js';

const counter = setup({
  types: { context: {} as { n: number }, events: {} as { type: 'INC' } | { type: 'BREAK' } | { type: 'END' } },
  actions: {
    inc: assign({ n: ({ context }) => context.n + 1 }),
    announce: emit(({ context }) => ({ type: 'counter:inc', n: context.n })),
    crash: () => {
      throw new Error('broken action');
    },
  },
}).createMachine({
  context: { n: 0 },
  initial: 'on',
  states: {
    on: { on: { INC: { actions: ['inc', 'announce'] }, BREAK: { actions: 'crash' }, END: 'off' } },
    off: { type: 'final' },
  },
});

const parentOf = (actor: AnyActorRef) => (actor as unknown as { _parent?: AnyActorRef })._parent;

describe('createStandaloneActorHost', () => {
  test('its actors are children of one root and share its system: system.get finds any of them', () => {
    const host = createStandaloneActorHost();
    const a = host.spawn(counter, { id: 'counter:a', systemId: 'counter:a' });
    const b = host.spawn(counter, { id: 'counter:b', systemId: 'counter:b' });
    expect(parentOf(a)).toBeDefined();
    expect(parentOf(a)).toBe(parentOf(b));
    expect(parentOf(a)!.id).toBe('actors');
    expect(a.system).toBe(b.system);
    expect(a.system.get('counter:b')).toBe(b);
    expect(host.get('counter:a')).toBe(a);
  });

  test('emitted events reach the bus; one inspector sees every actor', () => {
    const bus = createEventBus();
    const heard: unknown[] = [];
    bus.on('counter:inc', (data) => void heard.push(data));
    const created: string[] = [];
    const host = createStandaloneActorHost({
      bus,
      inspect: (e: InspectionEvent) => {
        if (e.type === '@xstate.actor') created.push((e.actorRef as AnyActorRef).id);
      },
    });
    const a = host.spawn(counter, { id: 'counter:a' });
    host.spawn(counter, { id: 'counter:b' });
    a.send({ type: 'INC' });
    a.send({ type: 'INC' });
    expect(heard).toEqual([{ n: 1 }, { n: 2 }]);
    expect(created).toEqual(['actors', 'counter:a', 'counter:b']);
  });

  test('an unhandled error goes to onError, is not thrown, and leaves the other actors running', () => {
    const errors: [string, string][] = [];
    const host = createStandaloneActorHost({ onError: (error, id) => void errors.push([id, (error as Error).message]) });
    const a = host.spawn(counter, { id: 'counter:a' });
    const b = host.spawn(counter, { id: 'counter:b' });
    expect(() => a.send({ type: 'BREAK' })).not.toThrow();
    expect(errors).toEqual([['counter:a', 'broken action']]);
    expect(a.getSnapshot().status).toBe('error');
    b.send({ type: 'INC' });
    expect(b.getSnapshot()).toMatchObject({ status: 'active', context: { n: 1 } });
    expect(parentOf(b)!.getSnapshot().status).toBe('active');
  });

  test('stop ends an actor and frees its id and systemId; a finished actor stops quietly', () => {
    const host = createStandaloneActorHost();
    const a = host.spawn(counter, { id: 'counter:a', systemId: 'counter:a' });
    expect(() => host.spawn(counter, { id: 'counter:a' })).toThrow(/already running/);
    host.stop('counter:a');
    expect(a.getSnapshot().status).toBe('stopped');
    expect(host.get('counter:a')).toBeUndefined();
    expect(a.system.get('counter:a')).toBeUndefined();
    const again = host.spawn(counter, { id: 'counter:a', systemId: 'counter:a' });
    again.send({ type: 'END' });
    expect(again.getSnapshot().status).toBe('done');
    host.stop('counter:a');
    host.stop('never-spawned');
    expect(host.get('counter:a')).toBeUndefined();
  });
});
