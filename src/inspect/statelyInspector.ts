/**
 * The Stately inspector for the current platform. In a browser it opens the
 * Stately inspector window (`createBrowserInspector`); in Node it sends over a
 * WebSocket (`createWebSocketInspector`) to a relay: Stately's own
 * `createInspectorServer` from `@statelyai/inspect/server` (which embeds the
 * online inspector), or our offline `dataprism visualize` relay, which accepts
 * the same events.
 */
import { createBrowserInspector, createWebSocketInspector } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';
import { ConfigError } from '../errors/ConfigError.js';

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
  const inspector =
    platform === 'browser'
      ? createBrowserInspector({ ...shared, ...(options.url ? { url: options.url } : {}) })
      : createWebSocketInspector({ ...shared, url: options.url ?? 'ws://localhost:8080' });
  return {
    inspect: inspector.inspect,
    platform,
    start: () => inspector.start(),
    stop: () => inspector.stop(),
  };
}
