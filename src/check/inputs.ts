/**
 * The input domain of a strategy check: which inputs runs start from. A
 * strategy sees its error's category, whether the operation can be re-run, the
 * plugin's state, how many recent restarts the log holds and the jitter seed;
 * a bug that only shows for one of them is found only if runs start from it.
 * The check starts once from every point of the domain's product (the base
 * input with the point's fields applied), and names each start by its point.
 */
import { ValidationError } from '../errors/ValidationError.js';
import type { InputDomain, InputPoint } from './types.js';

/** The fields of the domain, in the order a start variant names them. */
const FIELDS = ['category', 'hasOperation', 'pluginState', 'restartLogLength', 'seed'] as const;
type Field = (typeof FIELDS)[number];

/** The input with `point` applied: the error takes the point's category too, so the two agree. */
export function applyInputPoint(base: Record<string, unknown>, point: InputPoint | undefined): Record<string, unknown> {
  if (!point) return base;
  const input: Record<string, unknown> = { ...base };
  if (point.category !== undefined) {
    input.category = point.category;
    const error = base.error;
    if (error instanceof Error) {
      const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
      Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
      (copy as unknown as { category: string }).category = point.category;
      input.error = copy;
    }
  }
  if (point.hasOperation !== undefined) input.hasOperation = point.hasOperation;
  if (point.pluginState !== undefined) input.pluginState = point.pluginState === 'active' ? undefined : point.pluginState;
  if (point.restartLogLength !== undefined) {
    const now = typeof base.now === 'number' ? base.now : 0;
    // Recent restarts, 1 ms apart, the latest 1 ms ago: inside any restart-intensity window.
    input.restartLog = Array.from({ length: point.restartLogLength }, (_, i) => now - (point.restartLogLength! - i));
  }
  if (point.seed !== undefined) input.seed = point.seed;
  return input;
}

/** A start's name: `input` for the base input, else its point (`category=transient, hasOperation=false`). */
export function pointName(point: InputPoint | undefined): string {
  if (!point || Object.keys(point).length === 0) return 'input';
  if (Object.keys(point).length === 1 && point.pluginState === 'disposed') return 'plugin disposed';
  return FIELDS.filter((f) => point[f] !== undefined)
    .map((f) => `${f}=${String(point[f])}`)
    .join(', ');
}

/**
 * Every point of `domain` (the base input itself first, as the point `{}`,
 * when the domain keeps its values). A field the base input sets is varied
 * only when `domain` names it explicitly (`explicit`).
 */
export function domainPoints(base: Record<string, unknown>, domain: InputDomain): InputPoint[] {
  validateDomain(domain);
  const current: Record<Field, unknown> = {
    category: base.category,
    hasOperation: base.hasOperation ?? true,
    pluginState: base.pluginState ?? 'active',
    restartLogLength: Array.isArray(base.restartLog) ? base.restartLog.length : 0,
    seed: base.seed ?? 1,
  };
  let points: InputPoint[] = [{}];
  for (const field of FIELDS) {
    const values = domain[field] as readonly unknown[] | undefined;
    if (!values || values.length === 0) continue;
    const next: InputPoint[] = [];
    for (const p of points) {
      // The base input's own value first, so the base input is the first start.
      const ordered = values.includes(current[field]) ? [current[field], ...values.filter((v) => v !== current[field])] : values;
      for (const v of ordered) next.push(v === current[field] ? p : { ...p, [field]: v });
    }
    points = next;
  }
  return points;
}

function validateDomain(domain: InputDomain): void {
  const bad = (field: string, rule: string) =>
    new ValidationError(`inputs.${field} must be ${rule}`, { component: 'check', issues: [{ path: `inputs.${field}`, message: `expected ${rule}` }] });
  for (const key of Object.keys(domain)) if (!(FIELDS as readonly string[]).includes(key)) throw bad(key, `one of the domain's fields (${FIELDS.join(', ')})`);
  const list = (field: Field, ok: (v: unknown) => boolean, rule: string) => {
    const values = domain[field] as unknown;
    if (values === undefined) return;
    if (!Array.isArray(values) || !values.every(ok)) throw bad(field, `an array of ${rule}`);
  };
  list('category', (v) => typeof v === 'string' && v !== '', 'error categories (strings)');
  list('hasOperation', (v) => typeof v === 'boolean', 'booleans');
  list('pluginState', (v) => typeof v === 'string', "plugin states ('active', 'disposed', ...)");
  list('restartLogLength', (v) => Number.isInteger(v) && (v as number) >= 0, 'whole numbers ≥ 0');
  list('seed', (v) => typeof v === 'number' && Number.isFinite(v), 'numbers');
}
