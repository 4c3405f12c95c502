// Vite: the README's one-liner per file — `?url` imports give served asset URLs, no config.
import ehModule from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import mvpModule from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import { report, runTour } from './tour.js';

report(runTour({ eh: { mainModule: ehModule, mainWorker: ehWorker }, mvp: { mainModule: mvpModule, mainWorker: mvpWorker } }));
