// webpack 5, zero config (src/index.js → dist/main.js): `new URL('<package file>', import.meta.url)`
// is webpack's own asset syntax — it emits each file into dist/ and gives its served URL.
import { report, runTour } from './tour.js';

report(
  runTour({
    eh: {
      mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm', import.meta.url).href,
      mainWorker: new URL('@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js', import.meta.url).href,
    },
    mvp: {
      mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm', import.meta.url).href,
      mainWorker: new URL('@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js', import.meta.url).href,
    },
  }),
);
