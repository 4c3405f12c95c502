/** The LifecycleError the registry answers with for anything asked of it once its shutdown began. */
import { LifecycleError } from '../errors/LifecycleError.js';

/** Refuses `what` for plugin `name`: after SHUTDOWN nothing new starts. */
export function shutdownRefusal(name: string, what: string): LifecycleError {
  return new LifecycleError(`plugin '${name}' cannot ${what}: the plugin registry is shutting down; nothing new starts after shutdownAll()`, {
    component: `plugin:${name}`,
    state: 'stopping',
  });
}
