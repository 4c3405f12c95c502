export * from './types.js';
export * from './EventBus.js';
export type { EventObserver } from './observers.js';
export * from './reservedNamespaces.js';
