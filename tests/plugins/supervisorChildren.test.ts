// The supervisor owns the plugin actors: each is its child in the actor system
// and the inspector, and their done and error events come to it. Attacks: a
// child that fails, an error event forged from outside into a plugin actor, a
// parent from another actor system. Invariants: the supervisor never stops,
// the failure reaches the ErrorHandler, the failed plugin's calls are answered,
// the other plugins go on, and shutdown completes.
import { describe, expect, it } from 'vitest';
import { createActor, setup, type AnyActorRef } from 'xstate';
import { LifecycleError } from '../../src/errors/LifecycleError.js';
import { createStandaloneActorHost } from '../../src/orchestrator/ActorHost.js';
import { PluginRegistry } from '../../src/plugins/PluginRegistry.js';
import { Supervisor } from '../../src/plugins/supervisor.js';
import type { PluginErrorContext } from '../../src/plugins/types.js';
import { gate, testPlugin } from './helpers.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A machine whose BREAK event runs an action that throws: XState puts the actor in its error status. */
const breakable = setup({
  actions: {
    explode: () => {
      throw new Error('child exploded');
    },
  },
}).createMachine({ initial: 'up', states: { up: { on: { BREAK: { actions: 'explode' }, FINISH: 'over' } }, over: { type: 'final' } } });

describe('the supervisor as the parent of its children', () => {
  it('a child that fails is reported with its id and error; the supervisor stays open and keeps deciding', () => {
    const failures: Array<{ id: string; error: unknown }> = [];
    const host = createStandaloneActorHost();
    const supervisor = new Supervisor(host, 'supervisor', 1, { cancelRestart() {}, stopHooks() {}, childFailed: (id, error) => failures.push({ id, error }) });
    const child = supervisor.spawnChild(breakable, { id: 'plugin:boom', systemId: 'plugin:boom' });
    const sibling = supervisor.spawnChild(breakable, { id: 'plugin:ok' });
    expect((child as unknown as { _parent: AnyActorRef })._parent).toBe(supervisor.actor);
    child.send({ type: 'BREAK' });
    expect(child.getSnapshot().status).toBe('error');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.id).toBe('plugin:boom');
    expect((failures[0]!.error as Error).message).toBe('child exploded');
    // A child that ends sends its done event too: taken, nothing changes.
    sibling.send({ type: 'FINISH' });
    expect(sibling.getSnapshot().status).toBe('done');
    expect(supervisor.actor.getSnapshot().status).toBe('active');
    expect(supervisor.state).toBe('open');
    const started: number[] = [];
    supervisor.request({ start: () => started.push(1), drop: () => started.push(-1) });
    expect(started).toEqual([1]);
    expect(supervisor.slots()).toEqual({ inUse: 1, waiting: 0, maxConcurrency: 1 });
  });

  it('without a childFailed handler a failing child still never stops the supervisor', () => {
    const host = createStandaloneActorHost();
    const supervisor = new Supervisor(host, 'supervisor', 2);
    for (let i = 0; i < 3; i++) supervisor.spawnChild(breakable, { id: `c${i}` }).send({ type: 'BREAK' });
    expect(supervisor.actor.getSnapshot().status).toBe('active');
  });

  it('a host refuses a parent from another actor system', () => {
    const host = createStandaloneActorHost();
    const stranger = createActor(setup({}).createMachine({})).start();
    expect(() => host.spawn(breakable, { id: 'x', parent: stranger })).toThrow(LifecycleError);
    expect(() => host.spawn(breakable, { id: 'x', parent: stranger })).toThrow(/another actor system/);
  });

  it("an error event forged into a plugin actor from outside: the ErrorHandler is told, that plugin's calls are answered, the others go on, shutdown completes", async () => {
    const handled: Array<{ error: Error; context?: PluginErrorContext }> = [];
    const errors = { handle: (error: Error, context?: PluginErrorContext) => void handled.push({ error, context }) };
    const registry = new PluginRegistry({ logger: quiet, errors, maxConcurrency: 2 });
    const held = gate();
    await registry.register(testPlugin('victim', { execute: () => held.promise.then(() => 'late') }));
    await registry.register(testPlugin('bystander'));
    await registry.initializeAll();
    const victim = registry.getServices().actors.get('plugin:victim')!;
    expect((victim as unknown as { _parent: { id: string } })._parent.id).toBe('supervisor');

    const owed = registry.execute('victim', 'run');
    await new Promise((r) => setTimeout(r, 0));
    victim.send({ type: 'xstate.error.actor.forged', error: new Error('forged failure') });

    await expect(owed).rejects.toThrow(LifecycleError);
    expect(handled).toHaveLength(1);
    expect(handled[0]!.error.message).toBe('forged failure');
    expect(handled[0]!.context).toMatchObject({ component: 'plugin:victim', operation: 'actor', plugin: 'victim' });
    expect(registry.slots().inUse).toBe(0);
    // The failed plugin refuses new calls with a reason instead of leaving them waiting.
    await expect(registry.execute('victim', 'run')).rejects.toThrow(/'victim' is out of service: its actor failed \(forged failure\)/);
    await expect(registry.restart('victim')).rejects.toThrow(/'victim' is out of service/);
    await expect(registry.execute('bystander', 'run', 7)).resolves.toEqual({ action: 'run', params: 7 });
    held.open();
    await registry.shutdownAll();
    expect(registry.list()).toEqual([]);
    expect(registry.slots()).toEqual({ inUse: 0, waiting: 0, maxConcurrency: 2 });
  });
});
