// The plugin machine alone, through XState's pure transition functions (no actors, no I/O).
import { describe, expect, test } from 'vitest';
import { initialTransition, transition, type AnyEventObject } from 'xstate';
import { pluginMachine, type PluginMachineEvent } from '../../machines/plugin.machine.js';

type Snapshot = ReturnType<typeof initialTransition<typeof pluginMachine>>[0];

/** Feeds events and returns the final snapshot and the emitted event types. */
function run(events: (PluginMachineEvent | AnyEventObject)[], from?: Snapshot): { snapshot: Snapshot; emitted: string[] } {
  let [snapshot] = from ? [from] : initialTransition(pluginMachine, { name: 'p', version: '1.0.0' });
  const emitted: string[] = [];
  for (const event of events) {
    const [next, actions] = transition(pluginMachine, snapshot, event as never);
    for (const a of actions as { type: string; params?: { event?: { type: string } } }[]) {
      if (a.type === 'xstate.emit') emitted.push(a.params!.event!.type);
    }
    snapshot = next;
  }
  return { snapshot, emitted };
}

const done = (id: string) => ({ type: `xstate.done.actor.${id}`, output: undefined, actorId: id });
const started = () => run([{ type: 'LOAD' }, done('0.plugin.loading'), { type: 'INITIALIZE' }, done('0.plugin.initializing')]);
const exec = (requestId: string) => ({ type: 'EXECUTE' as const, requestId, action: 'run', params: null });

describe('plugin machine', () => {
  test('reaches initialized emitting the spec lifecycle, with no executor until the first request', () => {
    const { snapshot, emitted } = started();
    expect(snapshot.value).toBe('initialized');
    expect(Object.keys(snapshot.children)).toEqual([]);
    expect(snapshot.context.executorRunning).toBe(false);
    expect(emitted).toEqual(['plugin:loading', 'plugin:loaded', 'plugin:initializing', 'plugin:initialized']);
  });

  test('the first request spawns the executor, which serves every later one until the plugin is disposed', () => {
    const first = run([exec('1')], started().snapshot);
    expect(Object.keys(first.snapshot.children)).toEqual(['executor']);
    const executor = first.snapshot.children.executor;
    const idle = run([{ type: 'EXECUTION.DONE', requestId: '1', action: 'run', result: 1 }, exec('2')], first.snapshot);
    expect(idle.snapshot.value).toBe('executing');
    expect(idle.snapshot.children.executor).toBe(executor);
    const back = run([{ type: 'EXECUTION.DONE', requestId: '2', action: 'run', result: 2 }, { type: 'RESTART' }], idle.snapshot);
    expect(back.snapshot.value).toBe('disposing');
    expect(back.snapshot.children.executor).toBeUndefined();
    expect(back.snapshot.context.executorRunning).toBe(false);
    // After the restart, the next request gets a new executor.
    const restarted = run([done('0.plugin.disposing'), done('0.plugin.initializing'), exec('3')], back.snapshot);
    expect(restarted.snapshot.value).toBe('executing');
    expect(restarted.snapshot.children.executor).toBeDefined();
    expect(restarted.snapshot.children.executor).not.toBe(executor);
    // A restart is a full stop, then a new start.
    expect(restarted.emitted).toEqual(['plugin:disposed', 'plugin:initializing', 'plugin:initialized', 'plugin:executing']);
  });

  test('counts executions in flight and returns to initialized after the last', () => {
    const s0 = started().snapshot;
    const { snapshot, emitted } = run(
      [exec('1'), exec('2'), { type: 'EXECUTION.DONE', requestId: '1', action: 'run', result: 1 }],
      s0,
    );
    expect(snapshot.value).toBe('executing');
    expect(snapshot.context.executions).toBe(1);
    const end = run([{ type: 'EXECUTION.FAILED', requestId: '2', action: 'run', error: new Error('x') }], snapshot);
    expect(end.snapshot.value).toBe('initialized');
    expect(end.snapshot.context).toMatchObject({ executions: 0, executionCount: 2, errorCount: 1 });
    expect([...emitted, ...end.emitted]).toEqual(['plugin:executing', 'plugin:executing', 'plugin:executed', 'plugin:error']);
  });

  test('refuses requests outside initialized/executing, and while a DISPOSE waits', () => {
    expect(run([exec('1')]).emitted).toEqual(['plugin:refused']);
    const busy = run([exec('1'), { type: 'DISPOSE' }, exec('2')], started().snapshot);
    expect(busy.emitted).toEqual(['plugin:executing', 'plugin:refused']);
    expect(busy.snapshot.value).toBe('executing');
    const after = run([{ type: 'EXECUTION.DONE', requestId: '1', action: 'run', result: 0 }], busy.snapshot);
    expect(after.snapshot.value).toBe('disposing');
    expect(after.snapshot.children.executor).toBeUndefined();
  });

  test('an executor failure goes to error and drops what was in flight or deferred', () => {
    const busy = run([exec('1'), { type: 'DISPOSE' }], started().snapshot).snapshot;
    const { snapshot, emitted } = run([{ type: 'xstate.error.actor.executor', error: new Error('dead'), actorId: 'executor' }], busy);
    expect(snapshot.value).toBe('error');
    expect(snapshot.context).toMatchObject({ executions: 0, pending: 'none' });
    expect(snapshot.status).toBe('active');
    expect(emitted).toEqual(['plugin:error']);
    expect(run([{ type: 'DISPOSE' }], snapshot).snapshot.value).toBe('disposing');
  });
});
