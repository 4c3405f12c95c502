/**
 * User-defined properties over (state, context): `always` must hold in every
 * reachable state (a safety invariant), `eventually` must come to hold on every
 * run — a run that ends, or loops forever under the checker's fairness, without
 * ever reaching a state where it holds violates it.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { ValidationError } from '../errors/ValidationError.js';
import { valueKey } from './abstraction.js';
import type { Invariant, UserProperty } from './types.js';

/** Checks the properties' shape; throws ValidationError naming the bad one. */
export function validateProperties(properties: readonly UserProperty[]): void {
  const names = new Set<string>();
  properties.forEach((p, i) => {
    const where = `properties[${i}]`;
    const bad = (message: string) => new ValidationError(`${where}: ${message}`, { component: 'check', issues: [{ path: where, message }] });
    if (!p || typeof p !== 'object') throw bad('expected { name, always } or { name, eventually }');
    if (typeof p.name !== 'string' || p.name === '') throw bad('`name` must be a non-empty string');
    if (names.has(p.name)) throw bad(`the name '${p.name}' is used twice`);
    names.add(p.name);
    const kinds = [p.always, p.eventually].filter((f) => f !== undefined);
    if (kinds.length !== 1 || typeof kinds[0] !== 'function') throw bad(`'${p.name}' needs exactly one of \`always\` or \`eventually\`, a function (state, context) => boolean`);
  });
}

/** The `always` properties as invariants over snapshots. */
export function alwaysInvariants(properties: readonly UserProperty[]): Invariant[] {
  return properties.flatMap((p) =>
    p.always
      ? [{ name: p.name, check: (snapshot: AnyMachineSnapshot) => asVerdict(p.always!(valueKey(snapshot.value), snapshot.context), p.name, snapshot) }]
      : [],
  );
}

function asVerdict(verdict: boolean | string, name: string, snapshot: AnyMachineSnapshot): boolean | string {
  if (verdict === true) return true;
  return typeof verdict === 'string' ? verdict : `'${name}' does not hold in '${valueKey(snapshot.value)}'`;
}

/** The `eventually` properties, as predicates over snapshots (a throw counts as not holding). */
export function eventuallyPredicates(properties: readonly UserProperty[]): Array<{ name: string; holds: (snapshot: AnyMachineSnapshot) => boolean }> {
  return properties.flatMap((p) =>
    p.eventually
      ? [
          {
            name: p.name,
            holds: (snapshot: AnyMachineSnapshot) => {
              try {
                return p.eventually!(valueKey(snapshot.value), snapshot.context) === true;
              } catch {
                return false;
              }
            },
          },
        ]
      : [],
  );
}
