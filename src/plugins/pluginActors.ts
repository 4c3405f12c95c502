/**
 * Supplies the plugin machine's named hook actors (`loadPlugin`,
 * `initializePlugin`, `executeAction`, `disposePlugin`) from the runtime's hook
 * functions. The machine stays pure; this is where its side effects come from.
 */
import { pluginMachine, type ExecuteEvent, type PluginHookInput } from '../../machines/plugin.machine.js';
import { fromExecutor } from './executorActor.js';
import { fromHook } from './hookActor.js';

/**
 * The side effects behind the machine's hook actors, each keyed by plugin name.
 * A load/initialize/dispose hook may finish synchronously (return, or throw)
 * or return a promise; a synchronous one ends its actor without a promise turn.
 */
export interface PluginHooks {
  load(input: PluginHookInput): void | Promise<void>;
  initialize(input: PluginHookInput): void | Promise<void>;
  /** Runs one request; resolves with the action's result or rejects with its (already wrapped) error. */
  execute(name: string, request: ExecuteEvent): Promise<unknown>;
  dispose(input: PluginHookInput): void | Promise<void>;
}

/** The plugin machine with its hook actors provided; one per registry, shared by all its plugins. */
export function providePluginMachine(hooks: PluginHooks) {
  return pluginMachine.provide({
    actors: {
      loadPlugin: fromHook<void, PluginHookInput>((input) => hooks.load(input)),
      initializePlugin: fromHook<void, PluginHookInput>((input) => hooks.initialize(input)),
      // One executor per running plugin: each request in, one EXECUTION.* event back.
      executeAction: fromExecutor((name, request) => hooks.execute(name, request)),
      disposePlugin: fromHook<void, PluginHookInput>((input) => hooks.dispose(input)),
    },
  });
}

/** The provided machine's type. */
export type ProvidedPluginMachine = ReturnType<typeof providePluginMachine>;
