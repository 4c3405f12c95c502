/**
 * Renders a Vega-Lite spec to an SVG string in Node or a browser: compile with
 * vega-lite, run the Vega dataflow headless (`renderer: 'none'`), serialize to
 * SVG. No canvas, no DOM, no network (data is inline).
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { VegaLiteSpec } from './chartSpec.js';

/** The SVG of `spec`. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Vega tags the inline rows it ingests; render from a copy so the caller's spec stays plain JSON.
  const compiled = vl.compile(structuredClone(spec) as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
