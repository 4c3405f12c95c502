/**
 * The relay forwards every inspection event, bus event and metrics sample to a
 * real WebSocket client, numbered without gaps and in the order they happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { assign, createActor, setup } from 'xstate';
import { createEventBus } from '../../src/events/index.js';
import { createInspectionServer, createStatelyInspector, type InspectionServer } from '../../src/inspect/index.js';
import type { HelloMessage, RelayMessage, SnapshotMessage } from '../../src/inspect/protocol.js';
import { ConfigError, ResourceError, ValidationError } from '../../src/errors/index.js';

const counter = setup({
  types: { context: {} as { count: number; lastError?: Error }, events: {} as { type: 'INC' } | { type: 'FAIL' } | { type: 'RESET' } },
}).createMachine({
  id: 'counter',
  context: { count: 0 },
  initial: 'idle',
  states: {
    idle: { on: { INC: { target: 'counting', actions: assign({ count: ({ context }) => context.count + 1 }) } } },
    counting: {
      on: {
        INC: { actions: assign({ count: ({ context }) => context.count + 1 }) },
        FAIL: { target: 'failed', actions: assign({ lastError: () => new TypeError('boom') }) },
      },
    },
    failed: { on: { RESET: 'idle' } },
  },
});

/** A connected client that collects every message after the hello. */
async function connect(server: InspectionServer): Promise<{ socket: WebSocket; hello: Promise<HelloMessage>; messages: RelayMessage[] }> {
  const socket = new WebSocket(server.wsUrl);
  const messages: RelayMessage[] = [];
  let resolveHello!: (hello: HelloMessage) => void;
  const hello = new Promise<HelloMessage>((resolve) => (resolveHello = resolve));
  socket.on('message', (data) => {
    for (const message of JSON.parse(data.toString()) as (RelayMessage | HelloMessage)[]) {
      if (message.kind === 'hello') resolveHello(message);
      else messages.push(message);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await hello;
  return { socket, hello, messages };
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let server: InspectionServer | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await server?.close();
  server = undefined;
});

describe('createInspectionServer', () => {
  it('forwards every inspection event of a running actor, in order and numbered without gaps', async () => {
    server = await createInspectionServer({ port: 0, staticRoot: false });
    const client = await connect(server);
    sockets.push(client.socket);

    const actor = createActor(counter, { inspect: server.inspect });
    actor.subscribe({ error: () => undefined });
    actor.start();
    for (let i = 0; i < 200; i++) actor.send({ type: 'INC' });
    actor.send({ type: 'FAIL' });
    actor.send({ type: 'RESET' });
    actor.stop();

    // 1 actor + (init + 202 events) × (event + snapshot) + the stop snapshot.
    const expected = 1 + 203 * 2 + 1;
    await until(() => client.messages.length >= expected, `${expected} messages`);
    expect(client.messages).toHaveLength(expected);
    expect(client.messages.map((m) => m.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));

    const [registered] = client.messages;
    expect(registered).toMatchObject({ kind: 'actor', logic: 'counter', sessionId: actor.sessionId });
    expect(registered!.kind === 'actor' && registered!.definition?.states.map((s) => s.key)).toEqual(['idle', 'counting', 'failed']);

    const snapshots = client.messages.filter((m): m is SnapshotMessage => m.kind === 'snapshot');
    expect(snapshots.map((s) => s.eventType)).toEqual(['xstate.init', ...Array(200).fill('INC'), 'FAIL', 'RESET', 'xstate.stop']);
    expect(snapshots.map((s) => s.value).slice(0, 3)).toEqual(['idle', 'counting', 'counting']);
    expect(snapshots.at(-1)).toMatchObject({ status: 'stopped', value: 'idle' });
    // Context is sent only when it changed, and errors inside it arrive as { name, message }.
    const failed = snapshots.find((s) => s.eventType === 'FAIL')!;
    expect(failed.context).toEqual({ count: 200, lastError: { name: 'TypeError', message: 'boom' } });
    expect(snapshots.find((s) => s.eventType === 'RESET')!.context).toBeUndefined();

    const events = client.messages.filter((m) => m.kind === 'event');
    expect(events.map((e) => e.kind === 'event' && e.type)).toEqual(['xstate.init', ...Array(200).fill('INC'), 'FAIL', 'RESET']);
  });

  it('interleaves EventBus events with inspection events in the order they happened', async () => {
    server = await createInspectionServer({ port: 0, staticRoot: false });
    const client = await connect(server);
    sockets.push(client.socket);
    const bus = createEventBus();
    const detach = server.attachEventBus(bus);

    const actor = createActor(counter, { inspect: server.inspect }).start();
    bus.emit('plugin:error', { name: 'viz', error: new Error('render failed'), phase: 'execute' });
    actor.send({ type: 'INC' });
    bus.emit('error:recovered', { error: new Error('render failed'), recovery: 'retry' });
    bus.emit('custom:big', { n: 12n, fn: () => 1 });
    detach();
    bus.emit('plugin:loaded', { name: 'late', version: '1.0.0' });
    actor.stop();

    await until(() => client.messages.some((m) => m.kind === 'snapshot' && m.status === 'stopped'), 'the stop snapshot');
    const order = client.messages.map((m) => (m.kind === 'bus' ? m.type : m.kind === 'snapshot' ? `snapshot:${m.eventType}` : m.kind === 'event' ? `event:${m.type}` : m.kind));
    expect(order).toEqual([
      'actor',
      'event:xstate.init',
      'snapshot:xstate.init',
      'plugin:error',
      'event:INC',
      'snapshot:INC',
      'error:recovered',
      'custom:big',
      'snapshot:xstate.stop',
    ]);
    const pluginError = client.messages.find((m) => m.kind === 'bus' && m.type === 'plugin:error');
    expect(pluginError).toMatchObject({ payload: { name: 'viz', phase: 'execute', error: { name: 'Error', message: 'render failed' } } });
    expect(client.messages.find((m) => m.kind === 'bus' && m.type === 'custom:big')).toMatchObject({ payload: { n: '12n', fn: '[Function fn]' } });
  });

  it('gives a late client the world so far in its hello, then only new messages', async () => {
    server = await createInspectionServer({ port: 0, staticRoot: false });
    const actor = createActor(counter, { inspect: server.inspect }).start();
    actor.send({ type: 'INC' });
    actor.send({ type: 'INC' });
    server.publish('demo:tick', { n: 1 });
    server.flush();

    const client = await connect(server);
    sockets.push(client.socket);
    const hello = await client.hello;
    expect(hello.seq).toBe(server.stats().sent);
    expect(hello.actors).toHaveLength(1);
    expect(hello.actors[0]).toMatchObject({ value: 'counting', status: 'active', context: { count: 2 } });
    expect(hello.actors[0]!.history.map((h) => h.eventType)).toEqual(['xstate.init', 'INC', 'INC']);
    expect(hello.timeline.some((m) => m.kind === 'bus' && m.type === 'demo:tick')).toBe(true);

    actor.send({ type: 'FAIL' });
    await until(() => client.messages.length >= 2, 'the FAIL event and snapshot');
    expect(client.messages[0]!.seq).toBe(hello.seq + 1);
    expect(client.messages.map((m) => m.kind)).toEqual(['event', 'snapshot']);
    actor.stop();
  });

  it('polls metrics() and forwards the samples; a failing metrics() only warns', async () => {
    const warnings: string[] = [];
    let calls = 0;
    server = await createInspectionServer({
      port: 0,
      staticRoot: false,
      metricsIntervalMs: 20,
      onWarning: (message) => warnings.push(message),
      metrics: () => {
        calls++;
        if (calls === 2) throw new Error('monitor unavailable');
        return { usage: { allocated: calls * 10, total: 100 }, at: new Date(0) };
      },
    });
    const client = await connect(server);
    sockets.push(client.socket);
    await until(() => client.messages.filter((m) => m.kind === 'metrics').length >= 3, 'three metrics samples');
    const samples = client.messages.filter((m) => m.kind === 'metrics');
    expect(samples[0]).toMatchObject({ sample: { usage: { total: 100 }, at: '1970-01-01T00:00:00.000Z' } });
    expect(warnings.some((w) => w.includes('metrics() failed'))).toBe(true);
  });

  it('accepts Stately inspection events from another process (createStatelyInspector in Node) and forwards them', async () => {
    server = await createInspectionServer({ port: 0, staticRoot: false });
    const client = await connect(server);
    sockets.push(client.socket);
    const inspector = createStatelyInspector({ url: server.wsUrl });
    expect(inspector.platform).toBe('node');
    const actor = createActor(counter, { inspect: inspector.inspect }).start();
    actor.send({ type: 'INC' });
    try {
      await until(() => client.messages.some((m) => m.kind === 'snapshot' && m.eventType === 'INC'), 'the remote INC snapshot');
    } finally {
      actor.stop();
      inspector.stop();
    }
    const registered = client.messages.find((m) => m.kind === 'actor');
    expect(registered).toMatchObject({ kind: 'actor', sessionId: actor.sessionId, logic: 'counter' });
    expect(registered!.kind === 'actor' && registered!.definition?.states.find((s) => s.key === 'idle')?.transitions).toEqual([
      { event: 'INC', targets: ['counter.counting'] },
    ]);
    expect(client.messages.find((m) => m.kind === 'snapshot' && m.eventType === 'INC')).toMatchObject({ value: 'counting', context: { count: 1 } });
  });

  it('refuses a browser Stately inspector where there is no window', () => {
    expect(() => createStatelyInspector({ platform: 'browser' })).toThrow(ConfigError);
  });

  it('serves the page, elkjs and uPlot over HTTP, and 404s anything else', async () => {
    server = await createInspectionServer({ port: 0 });
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/vendor/elk.bundled.js');
    const elk = await fetch(new URL('/vendor/elk.bundled.js', server.url));
    expect(elk.status).toBe(200);
    expect((await elk.text()).length).toBeGreaterThan(100_000);
    // Every library the page references is served from node_modules: it works offline.
    const html = await (await fetch(server.url)).text();
    const vendored = [...html.matchAll(/(?:src|href)="(\/vendor\/[^"]+)"/g)].map((m) => m[1]!);
    expect(vendored).toEqual(expect.arrayContaining(['/vendor/uPlot.iife.min.js', '/vendor/uPlot.min.css']));
    for (const path of vendored) expect((await fetch(new URL(path, server.url))).status, path).toBe(200);
    expect(html).not.toMatch(/(?:src|href)="https?:/);
    expect((await fetch(new URL('/../package.json', server.url))).status).toBe(404);
    expect((await fetch(new URL('/nope.js', server.url))).status).toBe(404);
  });

  it('rejects a bad port with ValidationError and a taken port with ResourceError', async () => {
    await expect(createInspectionServer({ port: -1, staticRoot: false })).rejects.toBeInstanceOf(ValidationError);
    server = await createInspectionServer({ port: 0, staticRoot: false });
    await expect(createInspectionServer({ port: server.port, staticRoot: false })).rejects.toThrow(/already in use/);
    await expect(createInspectionServer({ port: server.port, staticRoot: false })).rejects.toBeInstanceOf(ResourceError);
  });

  it('answers the page JSON endpoints of `api`, a failing one with 500, and nothing that is not its own', async () => {
    let calls = 0;
    const api = Object.assign(Object.create({ inherited: () => 'from the prototype' }) as Record<string, () => unknown>, {
      check: async () => ({ ok: true, calls: ++calls }),
      broken: () => {
        throw new Error('no report today');
      },
      cyclic: () => {
        const a: Record<string, unknown> = {};
        a['self'] = a;
        return a;
      },
    });
    server = await createInspectionServer({ port: 0, staticRoot: false, api, onWarning: () => undefined });
    const get = (path: string, init?: RequestInit) => fetch(new URL(path, server!.url), init);
    const ok = await get('/api/check');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('application/json');
    expect(await ok.json()).toEqual({ ok: true, calls: 1 });
    const broken = await get('/api/broken');
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ error: 'no report today' });
    expect((await get('/api/cyclic')).status).toBe(500);
    for (const path of ['/api/inherited', '/api/constructor', '/api/__proto__', '/api/toString', '/api/', '/api/check/x', '/api/../api/nope']) {
      expect((await get(path)).status, path).toBe(404);
    }
    expect((await get('/api/check', { method: 'POST' })).status).toBe(404);
    expect(calls).toBe(1);
  });
});
