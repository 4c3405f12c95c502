/**
 * The inspection relay: one HTTP + WebSocket port that serves the visualizer page
 * and forwards, in order, everything worth watching to every connected page:
 * XState inspection events from the in-process observer `server.inspect`, events
 * of an attached EventBus, metrics samples, and Stately inspection events sent by
 * other processes (`createWebSocketInspector({ url: 'ws://localhost:<port>' })`).
 *
 * The observer only queues references; one flush per event-loop turn serializes the
 * batch once, numbers it (`seq`) and sends one frame to every page. A page that
 * connects late first receives a `hello` with the world so far.
 *
 * It answers only itself (accessGuard.ts): requests and WebSocket upgrades whose
 * Host or Origin is not the server's own are refused with 403, and beyond
 * loopback the WebSocket needs the access token printed in `url`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { InspectionEvent, Observer } from 'xstate';
import type { EventBus } from '../events/EventBus.js';
import { ResourceError } from '../errors/ResourceError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { createAccessGuard, type AccessGuard } from './accessGuard.js';
import { captureInspection, fromStatelyEvent, InspectionConverter, type CapturedInspection } from './inspectionMessages.js';
import type { RelayMessage, UnnumberedMessage } from './protocol.js';
import { ReplayState, type ReplayLimits } from './replayState.js';
import { safeSerialize, serializeError, type SafeSerializeOptions } from './safeSerialize.js';
import { createStaticHandler, type StaticHandler } from './staticFiles.js';

/** Options of `createInspectionServer`. */
export interface InspectionServerOptions {
  /** TCP port for both HTTP and WebSocket; `0` picks a free one (read it from `server.port`). Default 7777. */
  port?: number;
  /** Interface to listen on. Default `'127.0.0.1'`: inspection data shows contexts, keep it local. */
  host?: string;
  /** The access token carried by `url` and `wsUrl`. Default: a random one per server (at least 16 URL-safe characters when given). */
  token?: string;
  /** Whether a WebSocket must present the token. Default: only when listening beyond loopback, where `false` is refused. */
  requireToken?: boolean;
  /** Further `Host` names (without port) to answer, e.g. a reverse proxy's. Default: loopback names and the bound interface. */
  allowedHosts?: readonly string[];
  /** Further page origins that may connect, e.g. `http://localhost:5173` for an app sending inspection events. Default: the server's own page only. */
  allowedOrigins?: readonly string[];
  /**
   * Polled every `metricsIntervalMs`; whatever it returns is forwarded as a metrics sample,
   * e.g. `() => ({ usage: o.getResourceManager().getUsage(), metrics: o.getPerformanceMonitor().getMetrics() })`.
   * Default: none (no polling).
   */
  metrics?: () => unknown;
  /** How often `metrics` is polled, in ms. Default 1000. */
  metricsIntervalMs?: number;
  /** The folder of the page to serve, or `false` to serve none (relay only). Default: this package's `visualizer/`. */
  staticRoot?: string | false;
  /** Bounds of what a late page receives in its `hello`. Defaults: see `ReplayLimits`. */
  replay?: ReplayLimits;
  /** Bounds of serialized contexts, events and payloads. Defaults: see `SafeSerializeOptions`. */
  serialize?: SafeSerializeOptions;
  /** A page whose unsent data exceeds this many bytes is disconnected (it reconnects and resyncs). Default 64 MiB. */
  maxBufferedBytes?: number;
  /**
   * JSON endpoints for the page, by name: `GET /api/<name>` answers what the function
   * returns (or resolves with), serialized; a throwing function answers 500 with its
   * message. The demo serves its model-checker report as `check`. Default: none.
   */
  api?: Record<string, () => unknown>;
  /** Receives problems that must not stop the relay (a failing `metrics()`, a bad client frame). Default: `console.warn`. */
  onWarning?: (message: string, error?: unknown) => void;
}

/** Counters of a running relay. */
export interface InspectionServerStats {
  /** Messages numbered and sent so far (the last `seq`). */
  sent: number;
  /** Pages and producers connected now. */
  clients: number;
  /** Messages queued for the next flush. */
  pending: number;
  /** Actors remembered for late pages. */
  actors: number;
}

/** A running relay. Close it with `close()`. */
export interface InspectionServer {
  /** An XState inspection observer: pass it as `inspect` to `createActor` or to the orchestrator's options. */
  readonly inspect: Observer<InspectionEvent>;
  /** The port it listens on. */
  readonly port: number;
  /** The page's URL with the access token, e.g. `http://localhost:7777/?token=…`. */
  readonly url: string;
  /** The WebSocket URL, with the token, for pages and for `createWebSocketInspector` in other processes. */
  readonly wsUrl: string;
  /** The access token (`?token=` on either URL, or `Authorization: Bearer <token>`). */
  readonly token: string;
  /** Forwards every event of `bus` (subscribed with `'*'`) as `{ type, payload }`; returns a function that detaches it. */
  attachEventBus(bus: EventBus): () => void;
  /** Forwards one event of your own to the timeline, like an EventBus event. */
  publish(type: string, payload?: unknown): void;
  /** Sends everything queued now instead of at the end of this event-loop turn. */
  flush(): void;
  /** Current counters. */
  stats(): InspectionServerStats;
  /** Stops polling, sends what is queued, disconnects every page and closes the port. Idempotent. */
  close(): Promise<void>;
}

type Pending =
  | CapturedInspection
  | { raw: 'bus'; time: number; type: string; payload: unknown }
  | { raw: 'message'; message: UnnumberedMessage };

/** Messages per WebSocket frame: bounds frame size when a burst queued thousands. */
const FRAME_MESSAGES = 2000;
/** Queue length that triggers a flush at once instead of at the end of the event-loop turn. */
const FLUSH_SLICE = 256;

/**
 * Starts the relay and resolves once it listens. Throws `ValidationError` for a bad
 * port and `ResourceError` when the port is taken.
 */
export async function createInspectionServer(options: InspectionServerOptions = {}): Promise<InspectionServer> {
  const port = options.port ?? 7777;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ValidationError(`createInspectionServer: port must be an integer from 0 to 65535 (0 = any free port), got ${String(port)}`, {
      component: 'inspect',
    });
  }
  const interval = options.metricsIntervalMs ?? 1000;
  if (options.metrics !== undefined && (!Number.isFinite(interval) || interval < 10)) {
    throw new ValidationError(`createInspectionServer: metricsIntervalMs must be at least 10 ms, got ${String(interval)}`, { component: 'inspect' });
  }
  const host = options.host ?? '127.0.0.1';
  const access = { host, token: options.token, requireToken: options.requireToken, allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins };
  // Checked before listening, so bad access options leave no port open; rebuilt below with the actual port.
  let guard = createAccessGuard({ ...access, port });
  const serveStatic = options.staticRoot === false ? undefined : createStaticHandler(options.staticRoot);
  const relay = new Relay(options);
  const api = options.api ?? {};
  const http = createServer((request, response) => handleHttp(guard, api, serveStatic, request, response));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      http.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new ResourceError(`the inspection server cannot listen: port ${port} on ${host} is already in use; pass another port, or 0 for any free port`, {
              component: 'inspect',
              cause: error,
            })
          : new ResourceError(`the inspection server cannot listen on ${host}:${port}: ${error.message}`, { component: 'inspect', cause: error }),
      );
    };
    const onListening = () => {
      http.off('error', onError);
      resolve();
    };
    http.once('error', onError);
    http.once('listening', onListening);
    http.listen(port, host);
  });
  http.on('error', (error) => relay.warn('the HTTP server reported an error', error));
  const actualPort = (http.address() as AddressInfo).port;
  guard = createAccessGuard({ ...access, token: guard.token, port: actualPort });
  // Upgrades are checked here, before the WebSocket handshake, so a refused page never sees a frame.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const refused = guard.refuseUpgrade(request.headers, request.url);
    if (refused !== undefined) {
      refuse(socket, refused);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  wss.on('connection', (socket: WebSocket) => relay.connect(socket));
  wss.on('error', (error) => relay.warn('the WebSocket server reported an error', error));

  const shownHost = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  relay.startMetrics(options.metrics, interval);
  return relay.facade(http, wss, actualPort, shownHost, guard.token);
}

/** Answers `GET /api/<name>` from `api`; false when the request is not one of them. */
function serveApi(api: Record<string, () => unknown>, request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== 'GET') return false;
  const match = /^\/api\/([\w-]+)$/.exec(new URL(request.url ?? '/', 'http://localhost').pathname);
  // Own keys only: `/api/constructor` must not reach Object.prototype.
  const endpoint = match && Object.hasOwn(api, match[1]!) ? api[match[1]!] : undefined;
  if (typeof endpoint !== 'function') return false;
  const answer = (status: number, text: string) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    response.end(text);
  };
  Promise.resolve()
    .then(endpoint)
    // JSON.stringify inside the chain: an unserializable answer is a 500 too, never a crash.
    .then((body) => JSON.stringify(body ?? null))
    .then(
      (text) => answer(200, text),
      (error: unknown) => answer(500, JSON.stringify({ error: serializeError(error).message })),
    );
  return true;
}

/** Answers a refused upgrade with a plain 403 and closes the connection. */
function refuse(socket: Socket, reason: string): void {
  const body = `${reason}\n`;
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function handleHttp(
  guard: AccessGuard,
  api: Record<string, () => unknown>,
  serveStatic: StaticHandler | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const refused = guard.refuseHttp(request.headers);
  if (refused !== undefined) {
    response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`${refused}\n`);
    return;
  }
  if (serveApi(api, request, response)) return;
  try {
    if (serveStatic?.(request, response)) return;
  } catch {
    // Fall through to 404: a bad URL must never take the relay down.
  }
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('not found\n');
}

/** The relay's state: queue, numbering, replay memory and connected sockets. */
class Relay {
  private queue: Pending[] = [];
  private flushScheduled = false;
  private seq = 0;
  private closed = false;
  private readonly clients = new Set<WebSocket>();
  private readonly converter: InspectionConverter;
  private readonly replay: ReplayState;
  private readonly maxBuffered: number;
  private readonly detachers = new Set<() => void>();
  private metricsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: InspectionServerOptions) {
    this.converter = new InspectionConverter(options.serialize);
    this.replay = new ReplayState(options.replay);
    this.maxBuffered = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  }

  /** The hot path: one capture and one push per inspection event. */
  readonly inspect: Observer<InspectionEvent> = {
    next: (event) => {
      if (this.closed) return;
      const captured = captureInspection(event);
      if (captured !== undefined) this.enqueue(captured);
    },
  };

  warn(message: string, error?: unknown): void {
    if (this.options.onWarning) this.options.onWarning(message, error);
    else console.warn(`[inspect] ${message}${error === undefined ? '' : `: ${serializeError(error).message}`}`);
  }

  enqueue(item: Pending): void {
    // A long synchronous or microtask-only burst never reaches setImmediate: flush in
    // slices, so queued snapshots are serialized while still young (cheap to collect).
    if (this.queue.push(item) >= FLUSH_SLICE) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const messages: RelayMessage[] = new Array<RelayMessage>(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const message = this.toMessage(batch[i]!) as RelayMessage;
      message.seq = ++this.seq;
      this.replay.apply(message);
      messages[i] = message;
    }
    if (this.clients.size === 0) return;
    for (let start = 0; start < messages.length; start += FRAME_MESSAGES) {
      const frame = JSON.stringify(start === 0 && messages.length <= FRAME_MESSAGES ? messages : messages.slice(start, start + FRAME_MESSAGES));
      for (const socket of this.clients) this.send(socket, frame);
    }
  }

  private toMessage(item: Pending): UnnumberedMessage {
    try {
      switch (item.raw) {
        case 'bus':
          return { kind: 'bus', time: item.time, type: item.type, payload: safeSerialize(item.payload, this.options.serialize) };
        case 'message':
          return item.message;
        default:
          return this.converter.convert(item);
      }
    } catch (error) {
      // Serialization is defensive already; this keeps numbering gap-free if it still fails.
      return { kind: 'bus', time: Date.now(), type: 'inspect:unserializable', payload: serializeError(error) };
    }
  }

  private send(socket: WebSocket, frame: string): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.maxBuffered) {
      // Dropping messages silently would lie to the page; a reconnect resyncs it with a fresh hello.
      this.warn(`a page fell ${socket.bufferedAmount} bytes behind; disconnecting it so it resyncs`);
      socket.terminate();
      return;
    }
    socket.send(frame);
  }

  connect(socket: WebSocket): void {
    if (this.closed) {
      socket.close(1001, 'inspection server closing');
      return;
    }
    // Everything queued so far belongs in the hello, not after it.
    this.flush();
    this.clients.add(socket);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => this.clients.delete(socket));
    socket.on('message', (data) => this.receive(data));
    socket.send(JSON.stringify([this.replay.hello()]));
  }

  /** Frames from producers in other processes: Stately inspection events, one or an array per frame. */
  private receive(data: RawData): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch (error) {
      this.warn('a client sent a frame that is not JSON; ignored', error);
      return;
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    for (const item of items) {
      const message = fromStatelyEvent(item, this.options.serialize);
      if (message !== undefined) this.enqueue({ raw: 'message', message });
    }
  }

  startMetrics(metrics: (() => unknown) | undefined, interval: number): void {
    if (metrics === undefined) return;
    let running = false;
    let lastFailure = '';
    this.metricsTimer = setInterval(() => {
      if (running || this.closed) return;
      running = true;
      Promise.resolve()
        .then(metrics)
        .then(
          (sample) => {
            this.enqueue({ raw: 'message', message: { kind: 'metrics', time: Date.now(), sample: safeSerialize(sample, this.options.serialize) } });
            lastFailure = '';
          },
          (error: unknown) => {
            const message = serializeError(error).message;
            // Warn once per distinct failure: a broken metrics() would otherwise flood the log every tick.
            if (message !== lastFailure) this.warn('metrics() failed; the relay keeps polling', error);
            lastFailure = message;
          },
        )
        .finally(() => {
          running = false;
        });
    }, interval);
    this.metricsTimer.unref();
  }

  facade(http: Server, wss: WebSocketServer, port: number, shownHost: string, token: string): InspectionServer {
    // The facade's methods are called detached (destructured by users), so they close over the relay.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const relay = this;
    let closing: Promise<void> | undefined;
    return {
      inspect: this.inspect,
      port,
      url: `http://${shownHost}:${port}/?token=${token}`,
      wsUrl: `ws://${shownHost}:${port}/?token=${token}`,
      token,
      attachEventBus(bus) {
        const handler = (payload: unknown, type: string) => {
          if (!relay.closed) relay.enqueue({ raw: 'bus', time: Date.now(), type, payload });
        };
        bus.on('*', handler);
        const detach = () => {
          bus.off('*', handler);
          relay.detachers.delete(detach);
        };
        relay.detachers.add(detach);
        return detach;
      },
      publish(type, payload) {
        if (typeof type !== 'string' || type.length === 0) {
          throw new ValidationError(`InspectionServer.publish: the event type must be a non-empty string, got ${String(type)}`, { component: 'inspect' });
        }
        if (!relay.closed) relay.enqueue({ raw: 'bus', time: Date.now(), type, payload });
      },
      flush: () => relay.flush(),
      stats: () => ({ sent: relay.seq, clients: relay.clients.size, pending: relay.queue.length, actors: relay.replay.actorCount }),
      close() {
        closing ??= relay.shutdown(http, wss);
        return closing;
      },
    };
  }

  private async shutdown(http: Server, wss: WebSocketServer): Promise<void> {
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    for (const detach of [...this.detachers]) detach();
    this.flush();
    this.closed = true;
    for (const socket of this.clients) socket.close(1001, 'inspection server closing');
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    // Sockets that ignore the close handshake must not keep the port (and the process) alive.
    for (const socket of this.clients) socket.terminate();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}
