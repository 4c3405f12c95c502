/**
 * `@dataprism/orchestration/inspect`: watch every lifecycle live. Nothing here is
 * loaded unless imported, and the orchestrator only inspects when given an
 * `inspect` observer, so inspection costs nothing when off.
 *
 * - `createStatelyInspector()`: the Stately inspector (browser window, or WebSocket in Node);
 * - `createInspectionServer({ port })`: the offline relay + visualizer page;
 *   `server.inspect` is the observer, `server.attachEventBus(bus)` adds the bus events;
 * - `safeSerialize()`: the serializer the relay uses for snapshots and payloads.
 */
export { createStatelyInspector, isBrowser, type StatelyInspector, type StatelyInspectorOptions } from './statelyInspector.js';
export {
  createInspectionServer,
  type InspectionServer,
  type InspectionServerOptions,
  type InspectionServerStats,
} from './InspectionServer.js';
export { safeSerialize, serializeError, type JsonValue, type SafeSerializeOptions, type SerializedError, type SerializedActorRef } from './safeSerialize.js';
export { chartFromMachine, chartFromMachineJson, chartFromMachineConfig, type ChartNode, type ChartTransition, type MachineLike } from './chartDefinition.js';
export type { ReplayLimits } from './replayState.js';
export type {
  ActorMessage,
  ActorSummary,
  BusMessage,
  EventMessage,
  HelloMessage,
  MetricsMessage,
  RelayMessage,
  SnapshotMessage,
} from './protocol.js';
