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
  return [await plainEmit(), await objectEmit(), await freezeVersusClone()];
}

async function plainEmit(): Promise<BenchRow> {
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
  return {
    name: 'EventBus.emit, 3 handlers + wildcard',
    baselineName: 'mitt emit',
    ours: oursRate,
    baseline: baseRate,
    unit: 'emits/s',
    higherIsBetter: true,
    target: '≥ 0.8 × mitt',
    met: oursRate >= 0.8 * baseRate,
  };
}

/** The shape of `plugin:executed`: a fresh, small object per emit, frozen by our bus and not by mitt. */
async function objectEmit(): Promise<BenchRow> {
  let sink = 0;
  const add = (e: unknown) => {
    sink += (e as { result: { n: number } }).result.n;
  };
  const ours = new DefaultEventBus();
  const baseline = mitt<{ tick: { result: { n: number } } }>();
  for (let i = 0; i < 3; i++) {
    ours.on('tick', add);
    baseline.on('tick', add);
  }
  ours.on('*', add);
  baseline.on('*', (_type: unknown, e: unknown) => add(e));
  const payload = (i: number) => ({ name: 'p', action: 'run', result: { n: 1, i } });
  const times = await compareMs(
    () => {
      for (let i = 0; i < OBJECT_EMITS; i++) ours.emit('tick', payload(i));
    },
    () => {
      for (let i = 0; i < OBJECT_EMITS; i++) baseline.emit('tick', payload(i));
    },
    7,
    2,
  );
  if (sink === 0) throw new Error('handlers did not run');
  const oursRate = OBJECT_EMITS / (times.ours / 1000);
  const baseRate = OBJECT_EMITS / (times.baseline / 1000);
  return {
    name: 'EventBus.emit of a fresh object payload (deep-frozen), 3 handlers + wildcard',
    baselineName: 'mitt emit, nothing frozen',
    ours: oursRate,
    baseline: baseRate,
    unit: 'emits/s',
    higherIsBetter: true,
    target: 'reported (the price of isolated payloads)',
  };
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
