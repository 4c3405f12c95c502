/** What a late page is told: bounded history, bounded timeline, finished actors evicted first. */
import { describe, expect, it } from 'vitest';
import { ReplayState } from '../../src/inspect/replayState.js';
import type { ActorMessage, RelayMessage, SnapshotMessage } from '../../src/inspect/protocol.js';

let seq = 0;
const actor = (sessionId: string): ActorMessage => ({ kind: 'actor', seq: ++seq, time: 0, sessionId, id: sessionId, logic: 'm' });
const snapshot = (sessionId: string, value: string, status = 'active'): SnapshotMessage => ({
  kind: 'snapshot',
  seq: ++seq,
  time: 0,
  sessionId,
  eventType: `to:${value}`,
  value,
  status,
});
const bus = (type: string): RelayMessage => ({ kind: 'bus', seq: ++seq, time: 0, type, payload: null });

describe('ReplayState', () => {
  it('keeps each actor latest state and only its most recent snapshots', () => {
    const state = new ReplayState({ historyPerActor: 3 });
    state.apply(actor('a'));
    for (const v of ['s1', 's2', 's3', 's4', 's5']) state.apply(snapshot('a', v));
    const hello = state.hello();
    expect(hello.seq).toBe(seq);
    expect(hello.actors[0]).toMatchObject({ value: 's5', status: 'active' });
    expect(hello.actors[0]!.history.map((h) => h.value)).toEqual(['s3', 's4', 's5']);
  });

  it('keeps the newest timeline entries in order, and metrics apart from them', () => {
    const state = new ReplayState({ timeline: 3, metrics: 2 });
    for (const t of ['e1', 'e2', 'e3', 'e4', 'e5']) state.apply(bus(t));
    for (let i = 0; i < 3; i++) state.apply({ kind: 'metrics', seq: ++seq, time: i, sample: i });
    const hello = state.hello();
    expect(hello.timeline.map((m) => m.kind === 'bus' && m.type)).toEqual(['e3', 'e4', 'e5']);
    expect(hello.metrics.map((m) => m.sample)).toEqual([1, 2]);
  });

  it('evicts the oldest finished actor before any running one', () => {
    const state = new ReplayState({ actors: 3 });
    state.apply(actor('running-1'));
    state.apply(actor('done-1'));
    state.apply(snapshot('done-1', 'final', 'done'));
    state.apply(actor('running-2'));
    state.apply(actor('running-3'));
    expect(state.hello().actors.map((a) => a.actor.sessionId)).toEqual(['running-1', 'running-2', 'running-3']);
    state.apply(actor('running-4'));
    expect(state.actorCount).toBe(3);
    expect(state.hello().actors.map((a) => a.actor.sessionId)).toEqual(['running-2', 'running-3', 'running-4']);
  });
});
