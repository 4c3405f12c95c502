// Draws a statechart as SVG from the relay's chart definition. Layout is ELK's
// (layered, hierarchical: compound states contain their children, transitions
// may cross levels); this module only sizes the boxes and paints the result.
// One layout per machine definition, shared by every actor that runs it.

import { shortEvent } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Font sizes in chart units: at the default fit a chart unit is at least one CSS pixel. */
export const STATE_FONT_PX = 13;
export const EDGE_FONT_PX = 12;
const STATE_FONT = `${STATE_FONT_PX}px ui-monospace, monospace`;
const EDGE_FONT = `${EDGE_FONT_PX}px ui-monospace, monospace`;

let measureContext;
/** The rendered width of `text` in `font`: boxes and labels sized to their text, not to a guess per character. */
function textWidth(text, font) {
  measureContext ??= document.createElement('canvas').getContext('2d');
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

/** @type {Map<string, Promise<object>>} */
const layouts = new Map();
let elk;

function getElk() {
  if (!elk) {
    if (typeof window.ELK !== 'function') throw new Error('elkjs did not load (/vendor/elk.bundled.js)');
    elk = new window.ELK();
  }
  return elk;
}

/** The paths (`running`, `running.retrying`) of the states active in `value`; `''` is the root. */
export function activePaths(value, prefix = '') {
  const out = new Set(['']);
  collect(value, prefix, out);
  return out;
}

function collect(value, prefix, out) {
  if (typeof value === 'string') {
    out.add(prefix ? `${prefix}.${value}` : value);
    return;
  }
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.add(path);
      collect(value[key], path, out);
    }
  }
}

/**
 * Lays out `definition` once per distinct definition and viewport shape; resolves
 * with boxes and edge routes. Both flow directions are laid out and the one that
 * fits `aspect` (width / height of where it will be shown) at the larger scale wins.
 */
export function layoutChart(definition, aspect = 1.5) {
  const key = JSON.stringify(definition);
  let promise = layouts.get(key);
  if (!promise) {
    promise = Promise.all([computeLayout(definition, 'DOWN'), computeLayout(definition, 'RIGHT')]);
    layouts.set(key, promise);
  }
  return promise.then((candidates) => {
    const scale = (l) => Math.min(aspect / l.width, 1 / l.height);
    return candidates.reduce((best, l) => (scale(l) > scale(best) * 1.05 ? l : best));
  });
}

async function computeLayout(definition, direction) {
  const nodeInfo = new Map();
  const edges = [];
  const rootTransitions = [];
  let edgeCount = 0;

  const toElk = (node, depth) => {
    const compound = node.states.length > 0;
    nodeInfo.set(node.id, { path: node.path, key: node.key, type: node.type, depth, compound });
    const elkNode = { id: node.id };
    if (compound) {
      elkNode.layoutOptions = { 'elk.padding': '[top=30,left=12,bottom=12,right=12]' };
      elkNode.labels = [{ text: node.key, width: textWidth(node.key, STATE_FONT) + 8, height: 16 }];
      elkNode.children = node.states.map((child) => toElk(child, depth + 1));
      if (node.initial && node.type !== 'parallel') {
        const initId = `${node.id}::initial`;
        nodeInfo.set(initId, { initial: true });
        elkNode.children.unshift({ id: initId, width: 10, height: 10 });
        edges.push({ id: `e${edgeCount++}`, sources: [initId], targets: [node.initial], labels: [] });
      }
    } else {
      elkNode.width = Math.max(70, textWidth(node.key, STATE_FONT) + 28);
      elkNode.height = 32;
    }
    return elkNode;
  };

  const children = definition.states.map((state) => toElk(state, 0));
  if (definition.initial) {
    const initId = `${definition.id}::initial`;
    nodeInfo.set(initId, { initial: true });
    children.unshift({ id: initId, width: 10, height: 10 });
    edges.push({ id: `e${edgeCount++}`, sources: [initId], targets: [definition.initial], labels: [] });
  }

  // One edge per (source, target) with every event that takes it: parallel edges
  // with long labels are what makes lifecycle charts unreadably wide.
  const merged = new Map();
  const addTransitions = (node) => {
    for (const transition of node.transitions) {
      for (const target of transition.targets) {
        if (!nodeInfo.has(target)) continue;
        if (node.id === definition.id) {
          rootTransitions.push({ event: transition.event, target });
          continue;
        }
        const key = `${node.id}\u0000${target}`;
        let edge = merged.get(key);
        if (!edge) {
          edge = { id: `e${edgeCount++}`, sources: [node.id], targets: [target], events: [], labels: [] };
          merged.set(key, edge);
          edges.push(edge);
        }
        const label = shortEvent(transition.event) + (transition.guarded ? '?' : '');
        if (!edge.events.includes(transition.event)) edge.events.push(transition.event);
        if (!edge.labelParts) edge.labelParts = [];
        if (!edge.labelParts.includes(label)) edge.labelParts.push(label);
        if (transition.guarded) edge.guarded = true;
      }
    }
    for (const child of node.states) addTransitions(child);
  };
  addTransitions(definition);
  for (const edge of merged.values()) {
    const text = edge.labelParts.join(', ');
    edge.labels = [{ text, width: textWidth(text, EDGE_FONT) + 6, height: EDGE_FONT_PX + 4 }];
  }

  const graph = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction,
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.layered.spacing.edgeNodeBetweenLayers': '14',
      'elk.spacing.nodeNode': '22',
      'elk.spacing.edgeEdge': '8',
      'elk.spacing.edgeLabel': '2',
      // Labels are dummy nodes in the middle of their edge, so each sits on its own edge.
      'elk.edgeLabels.placement': 'CENTER',
      'elk.edgeLabels.inline': 'false',
      // Edges into one state share one entry point: one arrowhead, not a stack of them.
      'elk.layered.mergeEdges': 'true',
      'elk.nodeLabels.placement': 'INSIDE V_TOP H_LEFT',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': '[top=6,left=6,bottom=6,right=6]',
    },
    children,
    edges: edges.map(({ id, sources, targets, labels }) => ({ id, sources, targets, labels })),
  };
  const result = await getElk().layout(graph);

  const boxes = [];
  const walk = (node) => {
    for (const child of node.children ?? []) {
      const info = nodeInfo.get(child.id);
      if (info) boxes.push({ id: child.id, x: child.x, y: child.y, width: child.width, height: child.height, ...info });
      walk(child);
    }
  };
  walk(result);
  const events = new Map(edges.map((edge) => [edge.id, edge.events ?? []]));
  const guarded = new Set(edges.filter((edge) => edge.guarded).map((edge) => edge.id));
  const routes = (result.edges ?? []).map((edge) => ({
    id: edge.id,
    source: edge.sources[0],
    target: edge.targets[0],
    events: events.get(edge.id),
    targetPath: nodeInfo.get(edge.targets[0])?.path,
    sections: edge.sections ?? [],
    label: edge.labels?.[0],
    guarded: guarded.has(edge.id),
  }));
  return { width: result.width, height: result.height, boxes, routes, rootTransitions, direction };
}

function svg(tag, attributes) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes ?? {})) node.setAttribute(name, String(value));
  return node;
}

/**
 * Paints a layout as an SVG element that fills its container; the drawing sits in
 * `g.viewport`, whose transform the chart view sets for zoom and pan.
 * `highlight(svgElement, value, lastEvent)` marks the active states.
 */
export function renderChart(layout) {
  const root = svg('svg', { class: 'chart-canvas', role: 'img', 'data-width': Math.ceil(layout.width), 'data-height': Math.ceil(layout.height) });
  const markerId = `arrow-${Math.random().toString(36).slice(2, 8)}`;
  const defs = svg('defs');
  for (const [suffix, cls] of [['', 'arrow'], ['-taken', 'arrow taken']]) {
    const marker = svg('marker', { id: markerId + suffix, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
    defs.append(marker);
  }
  root.append(defs);
  const viewport = svg('g', { class: 'viewport' });
  root.append(viewport);

  // Outer boxes first so that children paint over their parents.
  const sorted = [...layout.boxes].sort((a, b) => (a.depth ?? 0) - (b.depth ?? 0));
  for (const box of sorted) {
    if (box.initial) {
      const g = svg('g', { class: 'initial' });
      g.append(svg('circle', { cx: box.x + box.width / 2, cy: box.y + box.height / 2, r: 4.5 }));
      viewport.append(g);
      continue;
    }
    const classes = ['state', box.compound ? 'compound' : 'atomic', box.type, box.key];
    const g = svg('g', { class: classes.join(' '), 'data-path': box.path });
    g.append(svg('rect', { class: 'outer', x: box.x, y: box.y, width: box.width, height: box.height, rx: box.compound ? 8 : 6 }));
    if (box.type === 'final') {
      g.append(svg('rect', { x: box.x + 3, y: box.y + 3, width: box.width - 6, height: box.height - 6, rx: 4 }));
    }
    const text = svg(
      'text',
      box.compound ? { x: box.x + 8, y: box.y + 8 + STATE_FONT_PX } : { x: box.x + box.width / 2, y: box.y + box.height / 2 + STATE_FONT_PX * 0.36, 'text-anchor': 'middle' },
    );
    text.textContent = box.key;
    g.append(text);
    const title = svg('title');
    title.textContent = `${box.path || box.key}${box.type === 'final' ? ' (final)' : box.type === 'parallel' ? ' (parallel regions)' : ''}`;
    g.append(title);
    viewport.append(g);
  }
  const edgeLayer = svg('g', { class: 'edges' });
  const labelLayer = svg('g', { class: 'edge-labels' });
  for (const route of layout.routes) {
    const attributes = { class: `edge${route.guarded ? ' guarded' : ''}`, 'data-events': (route.events ?? []).join(' '), 'data-target': route.targetPath ?? '', 'data-edge': route.id };
    const g = svg('g', attributes);
    for (const section of route.sections) {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
      g.append(svg('path', { d: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' '), 'data-marker': markerId }));
    }
    edgeLayer.append(g);
    if (route.label && route.label.text) {
      // Labels paint above every edge, on a backing plate, so a crossing line never runs through one.
      const lg = svg('g', { ...attributes, class: `edge-label${route.guarded ? ' guarded' : ''}` });
      lg.append(svg('rect', { class: 'plate', x: route.label.x, y: route.label.y, width: route.label.width, height: route.label.height, rx: 3 }));
      const text = svg('text', { x: route.label.x + 3, y: route.label.y + EDGE_FONT_PX });
      text.textContent = route.label.text;
      lg.append(text);
      const title = svg('title');
      title.textContent = `${(route.events ?? []).join(', ')}${route.guarded ? '\n? = guarded: taken only when its guard holds' : ''}`;
      lg.append(title);
      labelLayer.append(lg);
    }
  }
  viewport.append(edgeLayer, labelLayer);
  for (const path of edgeLayer.querySelectorAll('path')) path.setAttribute('marker-end', `url(#${markerId})`);
  return root;
}

/** Marks the states active in `value`, and the edges of `lastEvent` that lead into them. */
export function highlight(svgElement, value, lastEvent) {
  const active = activePaths(value);
  for (const node of svgElement.querySelectorAll('g.state')) {
    node.classList.toggle('active', active.has(node.getAttribute('data-path')));
  }
  for (const edge of svgElement.querySelectorAll('g.edge, g.edge-label')) {
    const events = edge.getAttribute('data-events');
    const taken = lastEvent !== undefined && events !== '' && takes(events.split(' '), lastEvent) && active.has(edge.getAttribute('data-target'));
    edge.classList.toggle('taken', taken);
    if (edge.classList.contains('edge')) {
      for (const path of edge.querySelectorAll('path')) path.setAttribute('marker-end', `url(#${path.dataset.marker}${taken ? '-taken' : ''})`);
    }
  }
}

/**
 * True when one of the edge's event descriptors (`EVENT`, `xstate.done.actor.*`) matches
 * `eventType`; delayed events match by delay name (`xstate.after.backoff.<state>` and
 * `xstate.after.backoff.` are both `after backoff`), since a trace names the delay, not the state.
 */
function takes(events, eventType) {
  const short = shortEvent(eventType);
  return events.some((e) => e === eventType || (e.endsWith('.*') && eventType.startsWith(e.slice(0, -1))) || e === '*' || (eventType.startsWith('xstate.after.') && shortEvent(e) === short));
}
