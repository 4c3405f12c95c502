export * from './types.js';
export * from './EventBus.js';
export * from './reservedNamespaces.js';
