/**
 * User-supplied components (`eventBus`, `errorHandler`, `pluginRegistry`) work
 * fully or are refused at construction with a ValidationError naming what is
 * missing; and `enablePlugins: false` means no plugin hook ever runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  DataPrismOrchestrator,
  LifecycleError,
  PluginRegistry,
  ValidationError,
  type DataPrismPlugin,
  type Logger,
  type OrchestratorOptions,
} from '@dataprism/orchestration';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const live: DataPrismOrchestrator[] = [];

function orchestrator(options: OrchestratorOptions): DataPrismOrchestrator {
  const o = new DataPrismOrchestrator({ logger: quiet, engineOptions: { mode: 'blocking' }, ...options });
  live.push(o);
  return o;
}

afterEach(async () => {
  await Promise.all(live.splice(0).map((o) => o.shutdown()));
});

function refusal(options: Record<string, unknown>): ValidationError {
  try {
    orchestrator(options as OrchestratorOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected the constructor to refuse the options');
}

/** The spec's PluginRegistry interface, implemented as a user would from the spec alone. */
const specShapedRegistry = {
  async register() {},
  async unregister() {},
  get: () => null,
  list: () => [],
  async resolveDependencies() {},
  checkConflicts: () => ({ valid: true, errors: [], warnings: [] }),
  async initializeAll() {},
  async shutdownAll() {},
};

describe('user-supplied components', () => {
  it('a spec-shaped PluginRegistry is refused at construction, naming what the orchestrator needs (not a TypeError later)', () => {
    const error = refusal({ pluginRegistry: specShapedRegistry });
    expect(error.issues).toEqual([{ path: 'pluginRegistry', message: expect.stringMatching(/^lacks attach\(\), execute\(\), restart\(\), stateOf\(\), dependentsOf\(\).*pass a PluginRegistry from @dataprism\/orchestration/) }]);
    expect(error.message).toMatch(/pluginRegistry: lacks attach\(\)/);
  });

  it('a registry missing spec methods names each of them', () => {
    const { register: _register, shutdownAll: _shutdownAll, ...partial } = specShapedRegistry;
    const error = refusal({ pluginRegistry: partial });
    expect(error.issues.map((i) => i.path)).toEqual(['pluginRegistry.register', 'pluginRegistry.shutdownAll', 'pluginRegistry']);
    expect(refusal({ pluginRegistry: 42 }).issues).toEqual([{ path: 'pluginRegistry', message: expect.stringMatching(/must be an object .*got number/) }]);
  });

  it('an eventBus missing any of the spec’s seven methods is refused, naming each', () => {
    const error = refusal({ eventBus: { on() {}, emit() {}, off: 'no' } });
    expect(error.issues.map((i) => i.path)).toEqual(['eventBus.off', 'eventBus.once', 'eventBus.listEvents', 'eventBus.hasListeners', 'eventBus.removeAllListeners']);
    expect(refusal({ eventBus: null }).issues[0]).toMatchObject({ path: 'eventBus' });
  });

  it('an errorHandler may give any subset of the spec’s methods, but each given must be a function', () => {
    const error = refusal({ errorHandler: { handle: 'log it', report: 3 } });
    expect(error.issues.map((i) => i.path)).toEqual(['errorHandler.handle', 'errorHandler.report']);
    expect(refusal({ errorHandler: 'console' }).issues[0]).toMatchObject({ path: 'errorHandler' });
    expect(() => orchestrator({ errorHandler: { categorize: () => 'fatal' } })).not.toThrow();
  });

  it('a spec-shaped ErrorHandler class instance (methods on the prototype) is used fully', async () => {
    const seen: string[] = [];
    class MyHandler {
      async handle(error: Error) {
        seen.push(`handle ${error.name}`);
      }
      async recover() {
        return { success: false, strategy: 'none', message: 'not here' };
      }
      categorize() {
        return 'query' as const;
      }
      report(error: Error) {
        seen.push(`report ${error.name}`);
      }
    }
    const o = orchestrator({ errorHandler: new MyHandler() });
    await o.initialize();
    await o.getEngine().query('SELEC 1').catch(() => {});
    expect(seen).toEqual(['report QueryError', 'handle QueryError']);
    expect(o.getErrorHandler().getHistory()[0]!.category).toBe('query');
  });
});

const plugin = (hooks: string[]): DataPrismPlugin => ({
  name: 'counted',
  version: '1.0.0',
  description: 'records its hooks',
  capabilities: ['go'],
  async initialize() {
    hooks.push('initialize');
  },
  async execute() {
    hooks.push('execute');
  },
  async dispose() {
    hooks.push('dispose');
  },
});

describe('enablePlugins: false', () => {
  it('refuses register with a clear LifecycleError, and no hook ever runs', async () => {
    const hooks: string[] = [];
    const o = orchestrator({ enablePlugins: false });
    await o.initialize();
    const registry = o.getPluginRegistry();
    await expect(registry.register(plugin(hooks))).rejects.toThrow(LifecycleError);
    await expect(registry.register(plugin(hooks))).rejects.toThrow(/plugins are disabled \(enablePlugins: false\); plugin 'counted' is not registered/);
    await registry.initializeAll();
    await expect(o.getEngine().executePlugin('counted', 'go', {})).rejects.toThrow(/plugins are disabled/);
    expect(registry.list()).toEqual([]);
    await o.shutdown();
    expect(hooks).toEqual([]);
  });

  it('refuses at construction a registry that already holds plugins', async () => {
    const hooks: string[] = [];
    const registry = new PluginRegistry();
    await registry.register(plugin(hooks));
    const error = refusal({ enablePlugins: false, pluginRegistry: registry });
    expect(error.message).toMatch(/holds plugins \(counted\) but enablePlugins is false/);
    expect(hooks).toEqual([]);
  });
});
