/**
 * One actor system: the orchestrator, its engine, every plugin and every
 * recovery are actors of the root's system, visible to one inspector, and none
 * is left behind after shutdown.
 */
import { describe, expect, it } from 'vitest';
import { setup, type InspectionEvent } from 'xstate';
import { DataPrismOrchestrator, type DataPrismPlugin, type ErrorContext, type Logger } from '@dataprism/orchestration';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function plugin(name: string, failFirst = false): DataPrismPlugin {
  let calls = 0;
  return {
    name,
    version: '1.0.0',
    description: `${name} for the actor-system test`,
    capabilities: ['run'],
    permissions: [],
    async initialize() {},
    async execute() {
      calls++;
      if (failFirst && calls === 1) throw new Error('first call fails');
      return calls;
    },
    async dispose() {},
  } as DataPrismPlugin;
}

describe('the actor system of an orchestrator', () => {
  it('one inspector sees the orchestrator, engine, plugin and recovery actors, each parented to the tree', async () => {
    const created: Array<{ id: string; sessionId: string; systemId?: string; parent?: string; parentSession?: string }> = [];
    const orchestrator = new DataPrismOrchestrator({
      logger: quiet,
      engineOptions: { mode: 'blocking' },
      inspect: (event: InspectionEvent) => {
        if (event.type !== '@xstate.actor') return;
        const ref = event.actorRef as unknown as { id: string; sessionId: string; _parent?: { id: string; sessionId: string }; options?: { systemId?: string } };
        created.push({ id: ref.id, sessionId: ref.sessionId, systemId: ref.options?.systemId, parent: ref._parent?.id, parentSession: ref._parent?.sessionId });
      },
    });
    await orchestrator.initialize();
    const registry = orchestrator.getPluginRegistry();
    await registry.register(plugin('alpha', true));
    await registry.register(plugin('beta'));
    await registry.initializeAll();

    const system = orchestrator.getActor().system;
    expect(system.get('plugin:alpha')).toBeDefined();
    expect(system.get('engine')).toBeDefined();
    await expect(orchestrator.getEngine().executePlugin('alpha', 'run', {})).resolves.toBe(2);

    const systemIds = created.map((c) => c.systemId).filter(Boolean);
    expect(systemIds).toEqual(expect.arrayContaining(['orchestrator', 'engine', 'plugin:alpha', 'plugin:beta']));
    const recovery = created.find((c) => c.id.startsWith('recovery:'));
    expect(recovery).toBeDefined();
    // The tree: orchestrator → recoveries → each recovery (its done event never reaches the root machine).
    const recoveries = created.find((c) => c.id === 'recoveries')!;
    expect(recoveries.parentSession).toBe(orchestrator.getActor().sessionId);
    expect(recovery!.parent).toBe('recoveries');
    expect(recovery!.parentSession).toBe(recoveries.sessionId);
    // The tree: orchestrator → supervisor → each plugin.
    const supervisor = created.find((c) => c.systemId === 'supervisor')!;
    expect(supervisor.parentSession).toBe(orchestrator.getActor().sessionId);
    for (const name of ['alpha', 'beta']) {
      const pluginActor = created.find((c) => c.systemId === `plugin:${name}`)!;
      expect(pluginActor.parent).toBe('supervisor');
      expect(pluginActor.parentSession).toBe(supervisor.sessionId);
    }
    expect(system.get('supervisor')).toBeDefined();

    await registry.unregister('beta');
    expect(system.get('plugin:beta')).toBeUndefined();

    await orchestrator.shutdown();
    expect(system.get('plugin:alpha')).toBeUndefined();
    expect(orchestrator.getActor().getSnapshot().status).toBe('done');
  });

  it('a broken strategy that applies to every error fails once: its own failure is reported, not recovered again', async () => {
    const handled: Array<{ error: Error; context: ErrorContext }> = [];
    let entered = 0;
    const broken = setup({}).createMachine({
      entry: () => {
        entered++;
        // Bounded, so that a regression shows as a count instead of a hung process.
        if (entered <= 3) throw new Error('the strategy machine is broken');
      },
    });
    const orchestrator = new DataPrismOrchestrator({
      logger: quiet,
      engineOptions: { mode: 'blocking' },
      errorHandler: { handle: async (error, context) => void handled.push({ error, context }) },
      // No appliesTo: the strategy is chosen for its own failure too, which must not start it again.
      recoveryStrategies: [{ name: 'broken', machine: broken }],
    });
    const outcome = await orchestrator.getErrorHandler().process(new Error('first'), { component: 'engine', operation: 'query' });
    expect(outcome.recovery).toMatchObject({ success: false, strategy: 'broken' });
    // A timer still fires: the process is not spinning in recoveries of recoveries.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(entered).toBe(1);
    expect(handled.map((h) => h.error.message)).toEqual(['first', 'the strategy machine is broken']);
    expect(handled[1]!.context).toMatchObject({ operation: 'actor', component: expect.stringMatching(/^recovery:\d+$/) });
    const history = orchestrator.getErrorHandler().getHistory();
    expect(history.find((r) => r.error.message === 'the strategy machine is broken')?.recovery).toBeUndefined();
    await orchestrator.shutdown();
    expect(orchestrator.getActor().getSnapshot().status).toBe('done');
  });

  it('a recovery actor that fails is reported to the ErrorHandler by its parent, and nothing stops', async () => {
    const handled: Array<{ error: Error; context: ErrorContext }> = [];
    const broken = setup({}).createMachine({
      entry: () => {
        throw new Error('the strategy machine is broken');
      },
    });
    const orchestrator = new DataPrismOrchestrator({
      logger: quiet,
      engineOptions: { mode: 'blocking' },
      errorHandler: { handle: async (error, context) => void handled.push({ error, context }) },
      // Only for the first error: the actor failure it causes is recovered by the defaults.
      recoveryStrategies: [{ name: 'broken', machine: broken, appliesTo: (error) => error.message === 'first' }],
    });
    const outcome = await orchestrator.getErrorHandler().process(new Error('first'), { component: 'engine', operation: 'query' });
    expect(outcome.recovery).toMatchObject({ success: false, strategy: 'broken', message: 'the recovery machine failed: the strategy machine is broken' });
    const failure = handled.find((h) => h.context.operation === 'actor');
    expect(failure?.error.message).toBe('the strategy machine is broken');
    expect(failure?.context.component).toMatch(/^recovery:\d+$/);
    expect(orchestrator.getActor().getSnapshot().status).toBe('active');
    // The recoveries actor is still there for the next recovery, which succeeds.
    const next = await orchestrator.getErrorHandler().process(new Error('second'), { component: 'engine', operation: 'query', retry: async () => 'ok' });
    expect(next.recovery).toMatchObject({ success: true, strategy: 'retry', recovered: 'ok' });
    await orchestrator.shutdown();
    expect(orchestrator.getActor().getSnapshot().status).toBe('done');
  });
});
