/**
 * @dataprism/orchestration — the public API.
 *
 * The orchestrator and its components (engine, plugin registry, event bus,
 * resources, errors and recovery, performance monitor, configuration), every
 * lifecycle machine, and every public type. Sub-paths: `/check` (the model
 * checker), `/inspect` (inspector helpers and the visualizer relay) and the
 * deprecated `/plugins` (re-exports `@dataprism/plugins`, where the built-in
 * visualization and analytics plugins live now).
 */
export * from './orchestrator/index.js';
export * from './engine/index.js';
export * from './events/index.js';
export * from './errors/index.js';
export * from './plugins/index.js';
export * from './resources/index.js';
export * from './monitor/index.js';
export * from './config/index.js';
