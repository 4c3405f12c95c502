/** The engine component's public API. */
export { DataPrismEngine } from './DataPrismEngine.js';
export { createEngine, type CreateEngineHooks } from './createEngine.js';
export { provideEngineMachine, type ProvidedEngineMachine } from './provideEngineMachine.js';
export { quoteIdentifier, quoteLiteral } from './sql.js';
export { FULL_ACCESS, READ_ONLY_ACCESS, HOST_FILES_DIRECTORY, readOnlyStatement, withoutTrailingSemicolons, type StatementAccess } from './access.js';
export { duckdbBundles, selectBundle, supportsWasmExceptions } from './browserBundles.js';
export { engineMachine, engineStateOf, type EngineContext, type EngineEvent, type EngineEmitted } from '../../machines/engine.machine.js';
export type * from './types.js';
