/**
 * The cost of the recovery machinery beyond a strategy's own delays: a recovery
 * (one retry actor, zero backoff, succeeding on its first attempt) against calling
 * the operation directly in a try/catch; and `ErrorHandler.execute` (circuit breaker
 * asked and told) for an operation that succeeds, against calling it directly.
 * Run alone with `npx tsx bench/recovery.bench.ts`.
 */
import { compareMs, runWhenMain, type BenchRow } from './harness.js';
import { createErrorHandler } from '../src/errors/ErrorHandler.js';
import { RecoveryRuntime, createStandaloneRecoveryHost, retryStrategy } from '../src/errors/recovery/index.js';
import { createEventBus } from '../src/events/index.js';

const RECOVERIES = 2_000;
const EXECUTES = 20_000;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const bus = createEventBus();
  const host = createStandaloneRecoveryHost({ bus, logger: quiet });
  const runtime = new RecoveryRuntime(host);
  const strategy = retryStrategy({ maxAttempts: 1, initialDelayMs: 0, jitter: 0 });
  const error = new Error('transient failure');
  let sink = 0;
  const operation = async () => ++sink;

  {
    const t = await compareMs(
      async () => {
        for (let i = 0; i < RECOVERIES; i++) {
          const outcome = await runtime.run(strategy, { error, category: 'transient', component: 'engine', retry: operation });
          if (!outcome.success) throw new Error('the benchmark recovery failed');
        }
      },
      async () => {
        for (let i = 0; i < RECOVERIES; i++) {
          try {
            await operation();
          } catch {
            sink--;
          }
        }
      },
    );
    const ours = (t.ours / RECOVERIES) * 1000;
    const baseline = (t.baseline / RECOVERIES) * 1000;
    rows.push({
      name: 'recovery: retry actor, zero backoff, first attempt succeeds',
      baselineName: 'operation in try/catch',
      ours,
      baseline,
      unit: 'µs/op',
      higherIsBetter: false,
      target: 'overhead (ours − baseline) ≤ 1000 µs per recovery',
      met: ours - baseline <= 1000,
    });
    if (runtime.active !== 0) throw new Error('recovery actors were left running');
  }

  {
    const handler = createErrorHandler({ host, logger: quiet });
    const t = await compareMs(
      async () => {
        for (let i = 0; i < EXECUTES; i++) await handler.execute(operation, { component: 'engine', operation: 'query' });
      },
      async () => {
        for (let i = 0; i < EXECUTES; i++) await operation();
      },
    );
    rows.push({
      name: 'ErrorHandler.execute (breaker asked + told), op succeeds',
      baselineName: 'await operation()',
      ours: (t.ours / EXECUTES) * 1000,
      baseline: (t.baseline / EXECUTES) * 1000,
      unit: 'µs/op',
      higherIsBetter: false,
    });
    handler.shutdown();
  }
  return rows;
}

runWhenMain(import.meta.url, run);
