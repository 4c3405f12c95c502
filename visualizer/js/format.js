// Small text helpers shared by the views: state values, event names, times, JSON.

/** A state value as text: `ready`, `active.initializing.engine`, `{a: x, b: y}` for parallel states. */
export function formatValue(value) {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const inner = value[keys[0]];
      return inner && typeof inner === 'object' && Object.keys(inner).length === 0 ? keys[0] : `${keys[0]}.${formatValue(inner)}`;
    }
    return `{${keys.map((k) => `${k}: ${formatValue(value[k])}`).join(', ')}}`;
  }
  return String(value);
}

/** XState's internal event names, shortened for labels: `xstate.done.actor.0.plugin.loading` → `done: loading`. */
export function shortEvent(type) {
  if (!type) return '';
  let match = /^xstate\.done\.actor\.(.+)$/.exec(type);
  if (match) return `done: ${lastSegment(match[1])}`;
  match = /^xstate\.error\.actor\.(.+)$/.exec(type);
  if (match) return `error: ${lastSegment(match[1])}`;
  match = /^xstate\.after\.([^.]+)\./.exec(type);
  if (match) return `after ${match[1]}`;
  match = /^xstate\.snapshot\.(.+)$/.exec(type);
  if (match) return `snapshot: ${lastSegment(match[1])}`;
  match = /^xstate\.done\.state\.(.+)$/.exec(type);
  if (match) return `done: ${lastSegment(match[1])}`;
  if (type === 'always') return 'always';
  return type;
}

function lastSegment(path) {
  const parts = path.split('.');
  return parts[parts.length - 1];
}

/** `hh:mm:ss.mmm` of an epoch-ms time. */
export function formatTime(time) {
  const d = new Date(time);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Compact one-line JSON, cut at `max` characters. */
export function compactJson(value, max = 240) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Human-readable number: 1234567 → `1.23M`, 0.000123 → `1.23e-4`. */
export function formatNumber(value) {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (abs >= 0.01 || abs === 0) return value.toFixed(2);
  return value.toExponential(2);
}

/** Creates an element with a class and text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
