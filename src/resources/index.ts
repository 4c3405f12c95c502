/** Resource management: the ResourceManager, its monitor, and their types. */
export * from './types.js';
export * from './ResourceManager.js';
export * from './ResourceMonitor.js';
export * from './AddressSpace.js';
