// Attacks on the inspection server from other web pages and other machines: a
// WebSocket opened by a page on another origin (it would read every EventBus
// payload and inject fake actors), a DNS-rebinding request naming another Host,
// and a connection without (or with a wrong) access token where one is required.
// Every refusal is a 403 that says why, over a real socket.
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { createInspectionServer, type InspectionServer } from '../../src/inspect/index.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { createEventBus } from '../../src/events/EventBus.js';

const servers: InspectionServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Parameters<typeof createInspectionServer>[0] = {}) {
  const server = await createInspectionServer({ port: 0, staticRoot: false, onWarning: () => undefined, ...options });
  servers.push(server);
  return server;
}

/** Opens a WebSocket with the given headers; resolves with its first frame, or with the refusal's status and body. */
function openSocket(url: string, headers: Record<string, string> = {}): Promise<{ open: true; first: unknown } | { open: false; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('message', (data) => {
      socket.close();
      resolve({ open: true, first: JSON.parse(data.toString()) });
    });
    socket.once('unexpected-response', (_req, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ open: false, status: response.statusCode ?? 0, body }));
    });
    socket.once('error', (error) => reject(error));
  });
}

/** A GET with exactly these headers (fetch would not let us set Host). */
function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, method: 'GET' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const bare = (server: InspectionServer) => `ws://127.0.0.1:${server.port}/ws`;

describe('WebSocket upgrades from other origins', () => {
  test('a page on http://evil.example is refused, before it sees any payload', async () => {
    const server = await start();
    const bus = createEventBus();
    server.attachEventBus(bus);
    bus.emit('secret:data', { password: 'hunter2' });
    server.flush();
    const answer = await openSocket(bare(server), { Origin: 'http://evil.example' });
    expect(answer).toMatchObject({ open: false, status: 403 });
    expect((answer as { body: string }).body).toContain("the Origin 'http://evil.example' is not this inspection server's page");
    expect((answer as { body: string }).body).not.toContain('hunter2');
    expect(server.stats().clients).toBe(0);
  });

  test.each(['http://localhost.evil.example', `null`, 'http://127.0.0.1.nip.io', 'https://localhost'])('Origin %s is refused', async (origin) => {
    const server = await start();
    const answer = await openSocket(bare(server), { Origin: origin });
    expect(answer).toMatchObject({ open: false, status: 403 });
  });

  test("the server's own page (any loopback name with its port) connects, and so does a client that sends no Origin", async () => {
    const server = await start();
    for (const origin of [`http://localhost:${server.port}`, `http://127.0.0.1:${server.port}`, `http://LOCALHOST:${server.port}`]) {
      const answer = await openSocket(bare(server), { Origin: origin });
      expect(answer.open, origin).toBe(true);
    }
    expect((await openSocket(bare(server))).open).toBe(true);
  });

  test('an origin the host allowed explicitly connects', async () => {
    const server = await start({ allowedOrigins: ['http://localhost:5173'] });
    expect((await openSocket(bare(server), { Origin: 'http://localhost:5173' })).open).toBe(true);
    expect((await openSocket(bare(server), { Origin: 'http://localhost:5174' })).open).toBe(false);
  });
});

describe('DNS rebinding: a Host that is not the server', () => {
  test('an HTTP request with Host: evil.example is refused with 403, and the page is served to its own host', async () => {
    const server = await start({ staticRoot: undefined });
    const evil = await get(server.port, '/', { Host: 'evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.body).toContain("the Host 'evil.example' is not this inspection server's own");
    const own = await get(server.port, '/', { Host: `localhost:${server.port}` });
    expect(own.status).toBe(200);
    expect(own.body).toContain('<html');
  });

  test.each(['evil.example', `evil.example:PORT`, 'localhost', 'localhost:1', '127.0.0.1:PORT.evil.example'])('Host %s is refused for HTTP and WebSocket', async (raw) => {
    const server = await start();
    const host = raw.replace('PORT', String(server.port));
    expect((await get(server.port, '/', { Host: host })).status).toBe(403);
    expect(await openSocket(bare(server), { Host: host })).toMatchObject({ open: false, status: 403 });
  });

  test('a cross-origin HTTP request (Origin sent) is refused too', async () => {
    const server = await start({ staticRoot: undefined });
    expect((await get(server.port, '/', { Host: `localhost:${server.port}`, Origin: 'http://evil.example' })).status).toBe(403);
  });
});

describe('the access token', () => {
  test('is printed in url and wsUrl, and is accepted on loopback but not required', async () => {
    const server = await start();
    expect(server.token.length).toBeGreaterThanOrEqual(16);
    expect(new URL(server.url).searchParams.get('token')).toBe(server.token);
    expect(new URL(server.wsUrl).searchParams.get('token')).toBe(server.token);
    expect((await openSocket(server.wsUrl)).open).toBe(true);
    expect((await openSocket(bare(server))).open).toBe(true);
    expect((await openSocket(bare(server), { Authorization: `Bearer ${server.token}` })).open).toBe(true);
  });

  test('a wrong token is refused even on loopback', async () => {
    const server = await start();
    const answer = await openSocket(`${bare(server)}?token=${'x'.repeat(server.token.length)}`);
    expect(answer).toMatchObject({ open: false, status: 403 });
    expect((answer as { body: string }).body).toContain('the access token is wrong');
    expect(await openSocket(`${bare(server)}?token=short`)).toMatchObject({ open: false, status: 403 });
  });

  test('is required when asked on loopback', async () => {
    const server = await start({ requireToken: true, token: 'a-token-of-my-own-choosing' });
    expect(await openSocket(bare(server))).toMatchObject({ open: false, status: 403 });
    expect((await openSocket(`${bare(server)}?token=a-token-of-my-own-choosing`)).open).toBe(true);
  });

  test('is required when listening beyond loopback, where it cannot be turned off', async () => {
    await expect(createInspectionServer({ port: 0, host: '0.0.0.0', requireToken: false, staticRoot: false })).rejects.toThrow(ValidationError);
    const server = await start({ host: '0.0.0.0' });
    const answer = await openSocket(bare(server));
    expect(answer).toMatchObject({ open: false, status: 403 });
    expect((answer as { body: string }).body).toContain('requires its access token');
    expect((await openSocket(`${bare(server)}?token=${server.token}`)).open).toBe(true);
    // The machine's own addresses name it when it listens everywhere.
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
    if (lan !== undefined) {
      expect((await get(server.port, '/', { Host: `${lan.address}:${server.port}` })).status).toBe(404); // allowed, and nothing served (staticRoot false)
    }
  });

  test('a weak token of the caller is refused before any port is opened', async () => {
    await expect(createInspectionServer({ port: 0, token: 'short', staticRoot: false })).rejects.toThrow(/at least 16 URL-safe characters/);
    await expect(createInspectionServer({ port: 0, token: 'has spaces and is long enough', staticRoot: false })).rejects.toThrow(ValidationError);
  });
});
