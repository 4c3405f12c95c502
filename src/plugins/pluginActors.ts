/**
 * Supplies the plugin machine's named hook actors (`loadPlugin`,
 * `initializePlugin`, `executeAction`, `disposePlugin`) from the runtime's hook
 * functions. The machine stays pure; this is where its side effects come from.
 */
import { fromPromise } from 'xstate';
import { pluginMachine, type ExecuteActionInput, type ExecuteActionOutput, type PluginHookInput } from '../../machines/plugin.machine.js';

/** The side effects behind the machine's hook actors, each keyed by plugin name. */
export interface PluginHooks {
  load(input: PluginHookInput): Promise<void>;
  initialize(input: PluginHookInput): Promise<void>;
  execute(input: ExecuteActionInput): Promise<unknown>;
  dispose(input: PluginHookInput): Promise<void>;
}

/** The plugin machine with its hook actors provided; one per registry, shared by all its plugins. */
export function providePluginMachine(hooks: PluginHooks) {
  return pluginMachine.provide({
    actors: {
      loadPlugin: fromPromise<void, PluginHookInput>(({ input }) => hooks.load(input)),
      initializePlugin: fromPromise<void, PluginHookInput>(({ input }) => hooks.initialize(input)),
      executeAction: fromPromise<ExecuteActionOutput, ExecuteActionInput>(({ input }) =>
        hooks.execute(input).then((result) => ({ requestId: input.requestId, action: input.action, result })),
      ),
      disposePlugin: fromPromise<void, PluginHookInput>(({ input }) => hooks.dispose(input)),
    },
  });
}

/** The provided machine's type. */
export type ProvidedPluginMachine = ReturnType<typeof providePluginMachine>;
