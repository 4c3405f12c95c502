/**
 * A broken composition of correct strategies: each stage passes on its own, the
 * bug is in how they follow each other, so only a checker that explores a
 * composition through its stages finds it.
 *
 * - `restartTwice` restarts the plugin one_for_one and, if that fails, with
 *   its dependents (rest_for_one). When the first restart fails because the
 *   plugin was disposed, the second stage still starts from the original
 *   input, which does not say so, and restarts it again           no-restart-after-dispose
 *
 * `dataprism check examples/strategies/brokenCompose.ts` exits 1 and prints the trace.
 */
import { compose, restartPluginStrategy } from '../../src/errors/recovery/index.js';

/** Bug: the second stage restarts a plugin the first one found disposed. */
export const restartTwice = compose(restartPluginStrategy(), restartPluginStrategy({ mode: 'rest_for_one' }));
