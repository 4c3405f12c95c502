/**
 * EventBus emit against mitt, the plain emitter our bus is modelled on: the same
 * three handlers on one event, plus a wildcard, emitted a million times each.
 */
import mittModule, { type Emitter } from 'mitt';
import { DefaultEventBus } from '../src/events/EventBus.js';
import { compareMs, runWhenMain, type BenchRow } from './harness.js';

const EMITS = 1_000_000;

// mitt ships CommonJS typings beside an ESM build: at run time the default import
// is the factory itself, while its typings describe the module object.
type MittFactory = <T extends Record<string, unknown>>() => Emitter<T>;
const mitt = ((mittModule as unknown as { default?: MittFactory }).default ?? mittModule) as unknown as MittFactory;

export async function run(): Promise<BenchRow[]> {
  let sink = 0;
  const add = (n: unknown) => {
    sink += n as number;
  };

  const ours = new DefaultEventBus();
  ours.on('tick', add);
  ours.on('tick', add);
  ours.on('tick', add);
  ours.on('*', add);

  const baseline = mitt<{ tick: number }>();
  baseline.on('tick', add);
  baseline.on('tick', add);
  baseline.on('tick', add);
  baseline.on('*', (_type: unknown, n: unknown) => add(n));

  const times = await compareMs(
    () => {
      for (let i = 0; i < EMITS; i++) ours.emit('tick', 1);
    },
    () => {
      for (let i = 0; i < EMITS; i++) baseline.emit('tick', 1);
    },
    7,
    2,
  );
  if (sink === 0) throw new Error('handlers did not run');
  const oursRate = EMITS / (times.ours / 1000);
  const baseRate = EMITS / (times.baseline / 1000);
  return [
    {
      name: 'EventBus.emit, 3 handlers + wildcard',
      baselineName: 'mitt emit',
      ours: oursRate,
      baseline: baseRate,
      unit: 'emits/s',
      higherIsBetter: true,
      target: '≥ 0.8 × mitt',
      met: oursRate >= 0.8 * baseRate,
    },
  ];
}

runWhenMain(import.meta.url, run);
