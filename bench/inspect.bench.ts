/**
 * What inspection costs a lifecycle. The workload is the real plugin machine
 * (machines/plugin.machine.ts) driven through whole lifecycles: register → load →
 * initialize → 10 executions (through the plugin's executor actor) → dispose, with hooks that
 * resolve at once, so the machine's own work is all there is to measure.
 *
 * - on: the same lifecycles with the relay's observer (`server.inspect`) attached
 *   and a WebSocket client connected, including the relay's flush (serializing and
 *   sending every message), against no inspection. Target: ≤ 3×.
 * - off: an actor created with `inspect: undefined` (what the orchestrator does when
 *   the option is not set) against a plain `createActor` with no options at all.
 *   Target: ≤ 1.02×, i.e. the option plumbing costs nothing.
 *
 * Run alone: `npx tsx bench/inspect.bench.ts`.
 */
import WebSocket from 'ws';
import { createActor, waitFor, type InspectionEvent, type Observer } from 'xstate';
import { providePluginMachine } from '../src/plugins/pluginActors.js';
import { createInspectionServer, type InspectionServer } from '../src/inspect/index.js';
import { compareMs, slowdown, runWhenMain, type BenchRow } from './harness.js';

const LIFECYCLES = 60;
const EXECUTIONS = 10;

// The runtime's own wiring of the hook actors (src/plugins/pluginActors.ts), with hooks that resolve at once.
const machine = providePluginMachine({
  load: async () => undefined,
  initialize: async () => undefined,
  execute: async () => ({ rows: 3 }),
  dispose: async () => undefined,
});

type ActorFactory = (name: string) => ReturnType<typeof createActor<typeof machine>>;

/** One whole plugin lifecycle; returns the number of state changes it went through. */
async function lifecycle(make: ActorFactory, name: string): Promise<void> {
  const actor = make(name);
  actor.subscribe({ error: () => undefined });
  actor.start();
  actor.send({ type: 'LOAD' });
  await waitFor(actor, (s) => s.matches('loaded'));
  actor.send({ type: 'INITIALIZE' });
  await waitFor(actor, (s) => s.matches('initialized'));
  for (let i = 0; i < EXECUTIONS; i++) {
    actor.send({ type: 'EXECUTE', requestId: String(i), action: 'query', params: { sql: 'SELECT 1' } });
    await waitFor(actor, (s) => s.matches('initialized'));
  }
  actor.send({ type: 'DISPOSE' });
  await waitFor(actor, (s) => s.status === 'done');
}

async function lifecycles(make: ActorFactory): Promise<void> {
  for (let i = 0; i < LIFECYCLES; i++) await lifecycle(make, `p${i}`);
}

function input(name: string) {
  return { name, version: '1.0.0' };
}

/** Counts the transitions one lifecycle makes, so rows can be reported per transition. */
async function countTransitions(): Promise<number> {
  let snapshots = 0;
  const inspect: Observer<InspectionEvent> = {
    next: (event) => {
      if (event.type === '@xstate.snapshot' && event.actorRef.sessionId === root) snapshots++;
    },
  };
  let root = '';
  await lifecycle((name) => {
    const actor = createActor(machine, { input: input(name), inspect });
    root = actor.sessionId;
    return actor;
  }, 'count');
  return snapshots;
}

/**
 * Like the harness's compareMs, but alternating which side runs first (A B, B A, ...).
 * For two identical workloads the second run of a pair pays the first one's garbage,
 * a bias of a few percent that would swamp a 2 % target.
 */
async function compareAlternating(
  ours: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  pairs: number,
): Promise<{ ours: number; baseline: number }> {
  await baseline();
  await ours();
  const a: number[] = [];
  const b: number[] = [];
  const time = async (fn: () => Promise<unknown>, into: number[]) => {
    const start = performance.now();
    await fn();
    into.push(performance.now() - start);
  };
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      await time(baseline, b);
      await time(ours, a);
    } else {
      await time(ours, a);
      await time(baseline, b);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { ours: median(a), baseline: median(b) };
}

async function connectClient(server: InspectionServer): Promise<{ socket: WebSocket; received: () => number }> {
  const socket = new WebSocket(server.wsUrl);
  let bytes = 0;
  socket.on('message', (data: Buffer) => {
    bytes += data.length;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received: () => bytes };
}

export async function run(): Promise<BenchRow[]> {
  const transitions = (await countTransitions()) * LIFECYCLES;
  const server = await createInspectionServer({ port: 0, staticRoot: false });
  const client = await connectClient(server);
  try {
    const plain: ActorFactory = (name) => createActor(machine, { input: input(name) });
    const inspected: ActorFactory = (name) => createActor(machine, { input: input(name), inspect: server.inspect });
    const optionOff: ActorFactory = (name) => createActor(machine, { input: input(name), inspect: undefined });

    const on = await compareMs(
      async () => {
        await lifecycles(inspected);
        // The relay's work is part of the cost: serialize and send everything queued.
        server.flush();
      },
      () => lifecycles(plain),
      9,
      2,
    );
    const off = await compareAlternating(
      () => lifecycles(optionOff),
      () => lifecycles((name) => createActor(machine, { input: input(name) })),
      21,
    );
    // The same workload against itself: how far apart two identical runs land on this machine now.
    const noise = await compareAlternating(
      () => lifecycles((name) => createActor(machine, { input: input(name) })),
      () => lifecycles((name) => createActor(machine, { input: input(name) })),
      21,
    );
    if (client.received() === 0) throw new Error('inspect bench: the relay sent nothing to its client; the "on" row would be meaningless');

    const perTransition = (ms: number) => (ms * 1000) / transitions;
    const rows: BenchRow[] = [
      {
        name: `plugin lifecycle, inspection on (relay + 1 client), ${transitions} transitions`,
        baselineName: 'no inspect',
        ours: perTransition(on.ours),
        baseline: perTransition(on.baseline),
        unit: 'µs/transition',
        higherIsBetter: false,
        target: 'ratio ≤ 3',
      },
      {
        name: `plugin lifecycle, inspect: undefined, ${transitions} transitions`,
        baselineName: 'plain createActor',
        ours: perTransition(off.ours),
        baseline: perTransition(off.baseline),
        unit: 'µs/transition',
        higherIsBetter: false,
        target: 'ratio ≤ 1.02',
      },
      {
        name: `noise floor: plain createActor vs itself, ${transitions} transitions`,
        baselineName: 'plain createActor',
        ours: perTransition(noise.ours),
        baseline: perTransition(noise.baseline),
        unit: 'µs/transition',
        higherIsBetter: false,
        target: 'information: the off row is only as precise as this',
      },
    ];
    rows[0]!.met = slowdown(rows[0]!) <= 3;
    rows[1]!.met = slowdown(rows[1]!) <= 1.02;
    return rows;
  } finally {
    client.socket.terminate();
    await server.close();
  }
}

runWhenMain(import.meta.url, run);
