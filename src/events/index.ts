export * from './types.js';
export * from './EventBus.js';
