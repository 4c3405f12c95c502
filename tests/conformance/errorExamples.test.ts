/**
 * The spec's "Error Recovery" and "Best Practices › Error Handling" examples, run
 * verbatim on the real DuckDB-WASM engine (only the names the spec leaves undefined
 * — `reportError`, `restartEngine` — are supplied), each driven into the branch it
 * was written for: `error.name === 'MemoryError'` → cleanup (for DuckDB's and the
 * ResourceManager's MemoryError), `error.name === 'PluginError'` → plugin_restart,
 * `context.component === 'engine'` → restartEngine.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DataPrismOrchestrator as SpecOrchestrator,
  MemoryError,
  PluginError,
  QueryError,
  type DataPrismPlugin,
  type ErrorContext,
  type OrchestratorOptions,
} from '@dataprism/orchestration';

/**
 * The class the examples construct. One test swaps in a subclass whose default
 * memoryLimit is 20 MB, so DuckDB runs out of memory in a second instead of after
 * filling the default 1 GiB (the engine's configuration is locked once it runs);
 * the example's text stays as written.
 */
let DataPrismOrchestrator = SpecOrchestrator;
class SmallMemoryOrchestrator extends SpecOrchestrator {
  constructor(options: OrchestratorOptions = {}) {
    super({ memoryLimit: 20 * 1024 * 1024, ...options });
  }
}

const live: SpecOrchestrator[] = [];
let consoleError: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  // The examples log with console.error; keep the output and check it.
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(async () => {
  DataPrismOrchestrator = SpecOrchestrator;
  await Promise.all(live.splice(0).map((o) => o.shutdown()));
  vi.restoreAllMocks();
});

// ── the spec's "Error Recovery" example, verbatim ─────────────────────────────
async function setupWithErrorRecovery() {
  const orchestrator = new DataPrismOrchestrator({
    enableErrorRecovery: true,
    errorHandler: {
      handle: async (error, context) => {
        console.error(`Error in ${context.component}: ${error.message}`);
        
        // Custom error handling logic
        if (error.name === 'MemoryError') {
          await orchestrator.getResourceManager().cleanup();
        }
      },
      
      recover: async (error) => {
        // Attempt recovery
        if (error.name === 'PluginError') {
          // Restart plugin
          return { success: true, strategy: 'plugin_restart' };
        }
        
        return { success: false, strategy: 'none' };
      }
    }
  });
  
  await orchestrator.initialize();
  return orchestrator;
}
// ──────────────────────────────────────────────────────────────────────────────

const OOM_SQL = 'SELECT list(range) FROM range(50000000) GROUP BY range % 1000000';

describe("the spec's Error Recovery example", () => {
  it("takes the MemoryError branch for DuckDB's out-of-memory error: the handler's cleanup runs", async () => {
    DataPrismOrchestrator = SmallMemoryOrchestrator;
    const orchestrator = await setupWithErrorRecovery();
    live.push(orchestrator);
    const engine = orchestrator.getEngine();
    const cleanup = vi.spyOn(orchestrator.getResourceManager(), 'cleanup');
    const failure = await engine.query(OOM_SQL).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MemoryError);
    await vi.waitFor(() => expect(cleanup).toHaveBeenCalledTimes(1));
    expect(consoleError).toHaveBeenCalledWith(expect.stringMatching(/^Error in engine: DuckDB ran out of memory/));
    // The example's recover answered { success: false, strategy: 'none' } for it: nothing else ran.
    await vi.waitFor(() => expect(orchestrator.getErrorHandler().getHistory().at(-1)?.recovery).toMatchObject({ success: false, strategy: 'none' }));
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it("takes the MemoryError branch for the ResourceManager's MemoryError", async () => {
    const orchestrator = await setupWithErrorRecovery();
    live.push(orchestrator);
    const resources = orchestrator.getResourceManager();
    const cleanup = vi.spyOn(resources, 'cleanup');
    const failure = await resources.allocate(2 * 1024 ** 3, 'buffer').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MemoryError);
    await vi.waitFor(() => expect(cleanup).toHaveBeenCalledTimes(1));
    expect(consoleError).toHaveBeenCalledWith(expect.stringMatching(/^Error in resources: Cannot allocate 2147483648 bytes of 'buffer'/));
  });

  it("takes the MemoryError branch for a plugin's MemoryError too (not wrapped into PluginError)", async () => {
    const orchestrator = await setupWithErrorRecovery();
    live.push(orchestrator);
    const cleanup = vi.spyOn(orchestrator.getResourceManager(), 'cleanup');
    const hoarder: DataPrismPlugin = {
      name: 'hoarder',
      version: '1.0.0',
      description: 'allocates more than the budget',
      capabilities: ['hoard'],
      permissions: ['resources'],
      async initialize() {},
      async execute(_action, _params, context) {
        return context.allocate(2 * 1024 ** 3, 'cache');
      },
      async dispose() {},
    };
    await orchestrator.getPluginRegistry().register(hoarder);
    await orchestrator.getPluginRegistry().initializeAll();
    const failure = await orchestrator.getEngine().executePlugin('hoarder', 'hoard', {}).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MemoryError);
    expect(failure).not.toBeInstanceOf(PluginError);
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(consoleError).toHaveBeenCalledWith(expect.stringMatching(/^Error in plugin:hoarder: plugin 'hoarder' failed in execute\('hoard'\): Cannot allocate/));
  });

  it('takes the PluginError branch: the plugin is restarted and the call is answered', async () => {
    const orchestrator = await setupWithErrorRecovery();
    live.push(orchestrator);
    let starts = 0;
    let calls = 0;
    const flaky: DataPrismPlugin = {
      name: 'flaky',
      version: '1.0.0',
      description: 'fails its first call',
      capabilities: ['run'],
      async initialize() {
        starts++;
      },
      async execute() {
        calls++;
        if (calls === 1) throw new Error('first call fails');
        return { starts, calls };
      },
      async dispose() {},
    };
    await orchestrator.getPluginRegistry().register(flaky);
    await orchestrator.getPluginRegistry().initializeAll();
    const recovered = vi.fn();
    orchestrator.getEventBus().on('error:recovered', recovered);
    expect(await orchestrator.getEngine().executePlugin('flaky', 'run', {})).toEqual({ starts: 2, calls: 2 });
    expect(recovered).toHaveBeenCalledWith(expect.objectContaining({ recovery: 'plugin_restart' }), 'error:recovered');
    expect(consoleError).toHaveBeenCalledWith("Error in plugin:flaky: plugin 'flaky' failed in execute('run'): first call fails");
  });
});

describe("the spec's Best Practices › Error Handling example", () => {
  it("takes the context.component === 'engine' branch for a failed query: restartEngine runs", async () => {
    // The names the spec leaves undefined.
    const reportError = vi.fn(async (_error: Error, _context: ErrorContext) => {});
    const restartEngine = vi.fn(async () => {});

    // ── verbatim ──
    // Implement proper error boundaries
    const orchestrator = new DataPrismOrchestrator({
      errorHandler: {
        handle: async (error, context) => {
          // Log error
          console.error('Orchestrator error:', error);
          
          // Report to monitoring service
          await reportError(error, context);
          
          // Attempt recovery
          if (context.component === 'engine') {
            await restartEngine();
          }
        }
      }
    });
    // ──────────────
    live.push(orchestrator);
    await orchestrator.initialize();
    const failure = await orchestrator.getEngine().query('SELECT * FROM missing_table').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(QueryError);
    await vi.waitFor(() => expect(restartEngine).toHaveBeenCalledTimes(1));
    expect(consoleError).toHaveBeenCalledWith('Orchestrator error:', failure);
    expect(reportError).toHaveBeenCalledWith(failure, expect.objectContaining({ component: 'engine', operation: 'query', timestamp: expect.any(Number) }));
  });

  it('does not restart the engine for an error of another component', async () => {
    const restartEngine = vi.fn(async () => {});
    const orchestrator = new DataPrismOrchestrator({
      errorHandler: {
        handle: async (_error, context) => {
          if (context.component === 'engine') await restartEngine();
        },
      },
    });
    live.push(orchestrator);
    await orchestrator.initialize();
    const handled = vi.spyOn(orchestrator.getErrorHandler(), 'handle');
    await orchestrator.getResourceManager().allocate(2 * 1024 ** 3, 'buffer').catch(() => {});
    // The orchestrator's own path is the public ErrorHandler.handle.
    expect(handled).toHaveBeenCalledWith(expect.any(MemoryError), expect.objectContaining({ component: 'resources', operation: 'allocate' }));
    await vi.waitFor(() => expect(orchestrator.getErrorHandler().getHistory()).toHaveLength(1));
    expect(restartEngine).not.toHaveBeenCalled();
  });
});
