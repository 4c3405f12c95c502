/**
 * The Stately inspector for the current platform. In a browser it opens the
 * Stately inspector window (`createBrowserInspector`); in Node it sends over a
 * WebSocket (`createWebSocketInspector`) to a relay: Stately's own
 * `createInspectorServer` from `@statelyai/inspect/server` (which embeds the
 * online inspector), or our offline `dataprism visualize` relay, which accepts
 * the same events.
 *
 * `@statelyai/inspect` is an optional peer dependency (it brings superjson and a
 * WebSocket client, which a core install should not carry): it is loaded when an
 * inspector is created, and inspection events seen before it has loaded are
 * kept and passed on once it has.
 */
import type { InspectionEvent, Observer } from 'xstate';
import { ConfigError } from '../errors/ConfigError.js';

/** Inspection events kept while `@statelyai/inspect` loads; an actor system emits far fewer before its first await. */
const MAX_PENDING_EVENTS = 10_000;

/** Options of `createStatelyInspector`. */
export interface StatelyInspectorOptions {
  /**
   * Node: the relay's WebSocket URL. Default `'ws://localhost:8080'` (the port of
   * Stately's `createInspectorServer`); use `'ws://localhost:7777'` for `dataprism visualize`.
   * Browser: the inspector page to open. Default `'https://stately.ai/inspect'`.
   */
  url?: string;
  /** Force a platform instead of detecting it. Default: `'browser'` when `window` and `document` exist, else `'node'`. */
  platform?: 'browser' | 'node';
  /** Connect (browser: open the window) at once. Default true. */
  autoStart?: boolean;
  /** Removes secrets from contexts before they leave the process. Default: contexts are sent as they are. */
  sanitizeContext?: (context: Record<string, unknown>) => Record<string, unknown>;
  /** Removes secrets from events before they leave the process. Default: events are sent as they are. */
  sanitizeEvent?: (event: { type: string; [key: string]: unknown }) => { type: string; [key: string]: unknown };
}

/** A Stately inspector: pass `inspect` to the orchestrator; `stop()` disconnects it. */
export interface StatelyInspector {
  /** The XState inspection observer (the orchestrator's `inspect` option). */
  readonly inspect: Observer<InspectionEvent>;
  /** Which platform's inspector this is. */
  readonly platform: 'browser' | 'node';
  /** Connects (or opens the window) if `autoStart` was false. */
  start(): void;
  /** Disconnects (or stops posting to the window). */
  stop(): void;
  /**
   * Settles once `@statelyai/inspect` has loaded; rejects with a ConfigError naming
   * the package to install when it is missing (the inspector then drops events).
   */
  readonly ready: Promise<void>;
}

/** True when running in a browser page (or a DOM-like environment with a window). */
export function isBrowser(): boolean {
  const scope = globalThis as { window?: unknown; document?: unknown };
  return typeof scope.window === 'object' && scope.window !== null && typeof scope.document === 'object';
}

/**
 * Creates the Stately inspector for the current platform; see `StatelyInspectorOptions`
 * for defaults. Throws ConfigError when asked for a browser inspector where there is no window.
 */
export function createStatelyInspector(options: StatelyInspectorOptions = {}): StatelyInspector {
  const platform = options.platform ?? (isBrowser() ? 'browser' : 'node');
  if (platform === 'browser' && !isBrowser()) {
    // Stately's createBrowserInspector would hand back an adapter with no `inspect` at all.
    throw new ConfigError(
      "createStatelyInspector: platform 'browser' needs a window to open the inspector in; in Node use platform 'node' with a WebSocket relay (`dataprism visualize`, or createInspectorServer from @statelyai/inspect/server)",
      { component: 'inspect' },
    );
  }
  const shared = {
    autoStart: options.autoStart ?? true,
    ...(options.sanitizeContext ? { sanitizeContext: options.sanitizeContext } : {}),
    ...(options.sanitizeEvent ? { sanitizeEvent: options.sanitizeEvent as never } : {}),
  };
  let inspector: { inspect: Observer<InspectionEvent>; start(): void; stop(): void } | undefined;
  let pending: InspectionEvent[] | undefined = [];
  // What start()/stop() asked for before the adapter existed; applied when it does.
  let wanted: 'start' | 'stop' | undefined;
  const ready = import('@statelyai/inspect').then(
    (stately) => {
      inspector =
        platform === 'browser'
          ? stately.createBrowserInspector({ ...shared, ...(options.url ? { url: options.url } : {}) })
          : stately.createWebSocketInspector({ ...shared, url: options.url ?? 'ws://localhost:8080' });
      if (wanted === 'start') inspector.start();
      for (const event of pending ?? []) inspector.inspect.next?.(event);
      pending = undefined;
      if (wanted === 'stop') inspector.stop();
    },
    (error: unknown) => {
      pending = undefined;
      throw new ConfigError(
        'createStatelyInspector needs the optional peer dependency @statelyai/inspect, which is not installed: run npm install @statelyai/inspect',
        { component: 'inspect', cause: error },
      );
    },
  );
  // The failure is also reported on `ready`; it must not become an unhandled rejection when nobody awaits it.
  ready.catch((error: unknown) => console.error(error instanceof Error ? error.message : error));
  return {
    inspect: {
      next: (event) => {
        if (inspector) inspector.inspect.next?.(event);
        else if (pending && pending.length < MAX_PENDING_EVENTS) pending.push(event);
      },
    },
    platform,
    start: () => (inspector ? inspector.start() : void (wanted = 'start')),
    stop: () => (inspector ? inspector.stop() : void (wanted = 'stop')),
    ready,
  };
}
