// esbuild: the DuckDB files are served from ./duckdb/ next to the bundle (copied, not bundled).
import { DataPrismOrchestrator, duckdbBundles } from '@dataprism/orchestration';
import { report, runTour } from './tour.js';

// The bad-bundle checks drive the same minified build from the test.
window.__dataprism = { DataPrismOrchestrator, duckdbBundles };
if (!location.hash.includes('no-tour')) report(runTour(duckdbBundles(new URL('./duckdb/', import.meta.url))));
