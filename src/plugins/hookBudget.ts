/**
 * Runs one plugin hook under its time budget. A hook that returns a plain value
 * or throws is answered synchronously, with no promise and no timer; one that
 * returns a promise is raced against the budget. When the budget runs out the
 * hook is abandoned: the caller gets a TimeoutError, the hook's signal is
 * aborted (it is told to stop), and it counts as abandoned until its promise
 * finally settles — so users can see the zombies a slow hook leaves behind.
 * Failures come out as a PluginError naming the plugin, phase, action and cause
 * (a MemoryError stays one, see `hookError`).
 */
import { MemoryError } from '../errors/MemoryError.js';
import { PluginError } from '../errors/PluginError.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import { toError } from '../errors/DataPrismError.js';
import { withTimeout } from '../util/withTimeout.js';

const HOOK_TIMEOUT_HINT = 'make the hook faster, stop it when context.signal aborts, or raise its timeoutMs';

/** One hook run: what it is, its budget, and what to do when it overruns it. */
export interface HookRun {
  /** The plugin's name. */
  name: string;
  /** The component named in errors (`plugin:<name>`). */
  component: string;
  /** `initialize`, `execute` or `dispose`. */
  phase: string;
  /** The action, for `execute`. */
  action?: string;
  /** The budget in ms. */
  timeoutMs: number;
  /** Aborts the hook's signal; called once, when the budget runs out. */
  abort(reason: Error): void;
  /** Called when the hook is abandoned, and again (`settled`) when its promise finally settles. */
  abandoned(): void;
  settled(): void;
}

/**
 * Wraps a hook's failure in a PluginError naming the plugin, phase, action and cause.
 * A memory failure stays a MemoryError (DuckDB's or the ResourceManager's, category
 * `resource`), so recovery frees memory instead of restarting the plugin and a
 * handler's `error.name === 'MemoryError'` sees it; it carries the same plugin,
 * phase and action, and the original as `cause`.
 */
export function hookError(name: string, phase: string, error: unknown, action?: string): PluginError | MemoryError {
  const cause = toError(error);
  const where = action === undefined ? `${phase}` : `${phase}('${action}')`;
  const message = `plugin '${name}' failed in ${where}: ${cause.message}`;
  const at = { plugin: name, phase, ...(action === undefined ? {} : { action }) };
  if (cause.name === 'MemoryError') {
    const { requested, available } = cause as { requested?: number; available?: number };
    const memory = new MemoryError(message, {
      component: `plugin:${name}`,
      cause,
      ...(requested === undefined ? {} : { requested }),
      ...(available === undefined ? {} : { available }),
    });
    return Object.assign(memory, at);
  }
  return new PluginError(message, { ...at, cause });
}

/**
 * Runs `run` as the hook `describe()` describes: synchronously when it answers
 * synchronously, else under its budget. The description is made only when
 * needed (a failure, or a promise to race): most hooks answer at once, and with
 * thousands of plugins an object and its closures per hook add up.
 */
export function runHook<T>(run: () => T | PromiseLike<T>, describe: () => HookRun): T | Promise<T> {
  let result: T | PromiseLike<T>;
  try {
    result = run();
  } catch (error) {
    const spec = describe();
    throw hookError(spec.name, spec.phase, error, spec.action);
  }
  if (!isThenable(result)) return result;
  const spec = describe();
  const work = Promise.resolve(result);
  const operation = `plugin:${spec.name}.${spec.phase}${spec.action === undefined ? '' : `(${spec.action})`}`;
  return withTimeout(work, spec.timeoutMs, {
    operation,
    component: spec.component,
    hint: HOOK_TIMEOUT_HINT,
    onTimeout: () => {
      spec.abort(
        new TimeoutError(`${operation} ran past its budget of ${spec.timeoutMs} ms and was abandoned`, {
          timeoutMs: spec.timeoutMs,
          operation,
          component: spec.component,
        }),
      );
      spec.abandoned();
      work.then(
        () => spec.settled(),
        () => spec.settled(),
      );
    },
  }).then(undefined, (error: unknown) => {
    throw hookError(spec.name, spec.phase, error, spec.action);
  });
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
