/**
 * `@dataprism/orchestration/plugins` — deprecated: the built-in visualization and
 * analytics plugins moved to their own package, `@dataprism/plugins`, so that a
 * core install does not carry the chart renderer (vega, vega-lite). This entry
 * re-exports that package so existing imports keep working while
 * `@dataprism/plugins` is installed next to the core.
 *
 * @deprecated Install `@dataprism/plugins` and import from it instead; this
 * entry will be removed in a later minor release.
 */
export * from '@dataprism/plugins';
