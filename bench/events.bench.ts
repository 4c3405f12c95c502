/**
 * EventBus emit against mitt, the plain emitter our bus is modelled on: the same
 * three handlers on one event, plus a wildcard, emitted a million times each —
 * with a number (the plain emit) and with a fresh object payload, which our bus
 * deep-freezes before delivery. A third row measures that isolation choice
 * itself: freezing a result once against structured-cloning it per subscriber.
 */
import mittModule, { type Emitter } from 'mitt';
import { DefaultEventBus } from '../src/events/EventBus.js';
import { freezePayload } from '../src/events/freezePayload.js';
import { compareMs, runWhenMain, type BenchRow } from './harness.js';

const EMITS = 1_000_000;
/** Emits of a fresh object each: fewer, since every one allocates and is frozen. */
const OBJECT_EMITS = 200_000;
/** A query-sized result: rows of a few columns. */
const RESULT_ROWS = 1_000;
const SUBSCRIBERS = 4;
const ISOLATIONS = 200;

// mitt ships CommonJS typings beside an ESM build: at run time the default import
// is the factory itself, while its typings describe the module object.
type MittFactory = <T extends Record<string, unknown>>() => Emitter<T>;
const mitt = ((mittModule as unknown as { default?: MittFactory }).default ?? mittModule) as unknown as MittFactory;

export async function run(): Promise<BenchRow[]> {
  const plain = await emitRates(EMITS, () => 1, (n) => n as number);
  // The shape of `plugin:executed`: a fresh, small object per emit, frozen by our bus and not by mitt.
  const objects = await emitRates(
    OBJECT_EMITS,
    (i) => ({ name: 'p', action: 'run', result: { n: 1, i } }),
    (e) => (e as { result: { n: number } }).result.n,
  );
  return [
    {
      name: 'EventBus.emit, 3 handlers + wildcard',
      baselineName: 'mitt emit',
      ...plain,
      unit: 'emits/s',
      higherIsBetter: true,
      target: '≥ 0.8 × mitt',
      met: plain.ours >= 0.8 * plain.baseline,
    },
    {
      name: 'EventBus.emit of a fresh object payload (deep-frozen), 3 handlers + wildcard',
      baselineName: 'mitt emit, nothing frozen',
      ...objects,
      unit: 'emits/s',
      higherIsBetter: true,
      target: 'reported (the price of isolated payloads)',
    },
    await freezeVersusClone(),
  ];
}

/** Emits/s of our bus and of mitt, each with the same three handlers plus a wildcard, emitting `payload(i)` `emits` times. */
async function emitRates(emits: number, payload: (i: number) => unknown, value: (data: unknown) => number): Promise<{ ours: number; baseline: number }> {
  let sink = 0;
  const add = (data: unknown) => {
    sink += value(data);
  };
  const ours = new DefaultEventBus();
  const baseline = mitt<{ tick: unknown }>();
  for (let i = 0; i < 3; i++) {
    ours.on('tick', add);
    baseline.on('tick', add);
  }
  ours.on('*', add);
  baseline.on('*', (_type: unknown, data: unknown) => add(data));
  const times = await compareMs(
    () => {
      for (let i = 0; i < emits; i++) ours.emit('tick', payload(i));
    },
    () => {
      for (let i = 0; i < emits; i++) baseline.emit('tick', payload(i));
    },
    7,
    2,
  );
  if (sink === 0) throw new Error('handlers did not run');
  return { ours: emits / (times.ours / 1000), baseline: emits / (times.baseline / 1000) };
}

/** Isolating a result from its subscribers: one deep freeze shared by all, or one structured clone each. */
async function freezeVersusClone(): Promise<BenchRow> {
  const result = () => ({ rows: Array.from({ length: RESULT_ROWS }, (_, i) => ({ id: i, name: `row ${i}`, value: i * 0.5 })), total: RESULT_ROWS });
  let sink = 0;
  const times = await compareMs(
    () => {
      for (let i = 0; i < ISOLATIONS; i++) {
        const shared = freezePayload(result());
        for (let s = 0; s < SUBSCRIBERS; s++) sink += shared.total;
      }
    },
    () => {
      for (let i = 0; i < ISOLATIONS; i++) {
        const original = result();
        for (let s = 0; s < SUBSCRIBERS; s++) sink += structuredClone(original).total;
      }
    },
    7,
    1,
  );
  if (sink === 0) throw new Error('nothing was delivered');
  return {
    name: `isolating a ${RESULT_ROWS}-row result from ${SUBSCRIBERS} subscribers (deep freeze once)`,
    baselineName: 'structuredClone per subscriber',
    ours: (times.ours * 1000) / ISOLATIONS,
    baseline: (times.baseline * 1000) / ISOLATIONS,
    unit: 'µs/op',
    higherIsBetter: false,
    target: 'freeze < clone (why payloads are frozen)',
    met: times.ours < times.baseline,
  };
}

runWhenMain(import.meta.url, run);
