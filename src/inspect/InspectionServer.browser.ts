/**
 * `createInspectionServer` in a browser build, swapped in for InspectionServer.ts
 * by package.json's `browser` field: the relay is an HTTP + WebSocket server, so
 * it exists in Node only; a page watches its lifecycles with createStatelyInspector().
 */
import { DataPrismError } from '../errors/DataPrismError.js';
import type { InspectionServer, InspectionServerOptions } from './InspectionServer.js';

/** Rejects: there is no HTTP server in a browser. */
export function createInspectionServer(_options: InspectionServerOptions = {}): Promise<InspectionServer> {
  return Promise.reject(
    new DataPrismError(
      'createInspectionServer runs in Node only (it serves the visualizer over HTTP); in a browser use createStatelyInspector(), or run the relay in Node',
      'usage',
      { component: 'inspect' },
    ),
  );
}
