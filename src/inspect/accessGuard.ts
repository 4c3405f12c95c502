/**
 * Who may talk to the inspection server. Inspection data shows every actor's
 * context and every EventBus payload, and a connected page may inject actors
 * that other viewers display, so the server answers only itself:
 *
 * - the `Host` header must name the server as bound (loopback with its port, or
 *   the interface it listens on): a page on `evil.example` that re-points its DNS
 *   name at 127.0.0.1 (DNS rebinding) sends `Host: evil.example` and is refused;
 * - an `Origin` header, which browsers send on every WebSocket and on
 *   cross-origin requests, must be the server's own page (or one the host
 *   allowed explicitly), so another web page cannot open the stream;
 * - an access token, printed in the page's URL, is required on the WebSocket
 *   when the server listens beyond loopback (and accepted on loopback).
 *
 * Clients outside browsers (the Stately WebSocket inspector in another process)
 * send no Origin; on loopback they need nothing, beyond it the token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { ValidationError } from '../errors/ValidationError.js';

/** How the server was told to listen and whom else to admit. */
export interface AccessOptions {
  /** The interface the server listens on. */
  host: string;
  /** The port it listens on (the actual one, after binding). */
  port: number;
  /** The token; default: 24 random bytes, base64url. */
  token?: string;
  /** Whether the WebSocket needs the token. Default: only when `host` is beyond loopback; `false` is refused there. */
  requireToken?: boolean;
  /** Further `Host` names (without port) the server answers to, e.g. a reverse proxy's name. Default none. */
  allowedHosts?: readonly string[];
  /** Further page origins allowed to connect, e.g. `http://localhost:5173` for an app sending its own inspection events. Default none. */
  allowedOrigins?: readonly string[];
}

/** The checks of one running server. */
export interface AccessGuard {
  /** The token to present (`?token=` on the URL, or `Authorization: Bearer`). */
  readonly token: string;
  /** Whether the WebSocket requires it. */
  readonly requireToken: boolean;
  /** Why an HTTP request is refused, or undefined when it is allowed. */
  refuseHttp(headers: IncomingHttpHeaders): string | undefined;
  /** Why a WebSocket upgrade is refused, or undefined when it is allowed. */
  refuseUpgrade(headers: IncomingHttpHeaders, url: string | undefined): string | undefined;
}

/** The shortest token a caller may choose: shorter ones can be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/** True for an address or name that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** Builds the guard of a server listening on `host:port`. Throws ValidationError for a weak token or an unprotected public bind. */
export function createAccessGuard(options: AccessOptions): AccessGuard {
  const loopback = isLoopback(options.host);
  const token = options.token ?? randomBytes(24).toString('base64url');
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || !/^[A-Za-z0-9._~-]+$/.test(token)) {
    throw new ValidationError(
      `createInspectionServer: token must be at least ${MIN_TOKEN_LENGTH} URL-safe characters (letters, digits, '.', '_', '~', '-'); omit it to get a random one`,
      { component: 'inspect' },
    );
  }
  const requireToken = options.requireToken ?? !loopback;
  if (!requireToken && !loopback) {
    throw new ValidationError(
      `createInspectionServer: listening on ${options.host} (beyond loopback) requires the access token; drop requireToken: false, or listen on 127.0.0.1`,
      { component: 'inspect' },
    );
  }
  const hosts = allowedHostHeaders(options);
  const origins = new Set<string>([...hosts].map((h) => `http://${h}`));
  for (const origin of options.allowedOrigins ?? []) origins.add(origin.toLowerCase().replace(/\/$/, ''));
  const expected = Buffer.from(token);
  const own = `http://localhost:${options.port}/`;

  const refuseHost = (headers: IncomingHttpHeaders): string | undefined => {
    const host = headers.host?.toLowerCase();
    if (host === undefined) return `the request has no Host header; open ${own}`;
    if (!hosts.has(host)) {
      return `the Host '${host}' is not this inspection server's own (a DNS name re-pointed at it?); open ${own}, or list the name in allowedHosts`;
    }
    return undefined;
  };
  const refuseOrigin = (headers: IncomingHttpHeaders): string | undefined => {
    const origin = headers.origin;
    if (origin === undefined) return undefined;
    if (!origins.has(origin.toLowerCase())) {
      return `the Origin '${origin}' is not this inspection server's page; open ${own}, or list the origin in allowedOrigins`;
    }
    return undefined;
  };
  const presented = (headers: IncomingHttpHeaders, url: string | undefined): string | undefined => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer !== undefined) return bearer;
    if (url === undefined) return undefined;
    return new URL(url, 'http://relay.invalid').searchParams.get('token') ?? undefined;
  };

  return {
    token,
    requireToken,
    refuseHttp: (headers) => refuseHost(headers) ?? refuseOrigin(headers),
    refuseUpgrade(headers, url) {
      const refused = refuseHost(headers) ?? refuseOrigin(headers);
      if (refused !== undefined) return refused;
      const given = presented(headers, url);
      // A token given is checked even where none is needed: a wrong one is a client's mistake worth reporting.
      if (given === undefined) return requireToken ? `the inspection server requires its access token; use the URL it printed (…?token=…)` : undefined;
      const candidate = Buffer.from(given);
      if (candidate.length !== expected.length || !timingSafeEqual(candidate, expected)) return `the access token is wrong; use the URL the inspection server printed`;
      return undefined;
    },
  };
}

/** Every `Host` header value (lowercase, with the port) that names this server. */
function allowedHostHeaders(options: AccessOptions): Set<string> {
  const names = new Set<string>(['localhost', '127.0.0.1', '[::1]']);
  const bound = options.host.toLowerCase();
  const wildcard = bound === '0.0.0.0' || bound === '::' || bound === '';
  if (wildcard) {
    // Listening everywhere: the machine's own names and addresses name it.
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) {
      for (const address of list ?? []) names.add(address.family === 'IPv6' ? `[${address.address.toLowerCase()}]` : address.address);
    }
  } else {
    names.add(bound.includes(':') && !bound.startsWith('[') ? `[${bound}]` : bound);
  }
  for (const name of options.allowedHosts ?? []) names.add(name.toLowerCase());
  const hosts = new Set<string>();
  for (const name of names) {
    hosts.add(`${name}:${options.port}`);
    if (options.port === 80) hosts.add(name);
  }
  return hosts;
}
