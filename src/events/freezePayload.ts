/**
 * Deep-freezes an event payload before it is handed to subscribers, so that
 * what one subscriber receives cannot be changed for the others — nor for the
 * caller whose result travels in it (`plugin:executed` carries the very object
 * `execute()` resolves with).
 *
 * Frozen, not cloned, and deliberately so: freezing walks the payload once and
 * every subscriber then shares it for free, while a structured clone costs a
 * copy per delivery, drops prototypes and methods (an Arrow table arrives as a
 * plain object) and throws on functions; bench/events.bench.ts measures both.
 * Plain objects, arrays, Maps and Sets are frozen (immer's `freeze`, which also
 * disables a Map's `set`); class instances (Arrow tables, typed arrays, Errors,
 * Dates) are passed as they are and stay the emitter's responsibility.
 */
import { freeze } from 'immer';

// Nodes that were already frozen when a walk found them, and have since been walked
// all the way down. A shallow `Object.freeze({ rows: [...] })` would otherwise keep
// mutable rows below a frozen top; remembering them (and only them: a WeakSet entry
// per fresh node would cost more than the freeze) walks each such node once.
const walkedFrozen = new WeakSet<object>();

/** Freezes `data` in place, deeply, and returns it; primitives are returned unchanged. */
export function freezePayload<T>(data: T): T {
  if (typeof data === 'object' && data !== null) freezeNode(data);
  return data;
}

function freezeNode(node: object): void {
  if (Array.isArray(node)) {
    if (!enter(node)) return;
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (typeof child === 'object' && child !== null) freezeNode(child);
    }
    return;
  }
  const proto: unknown = Object.getPrototypeOf(node);
  if (proto === Object.prototype || proto === null) {
    if (!enter(node)) return;
    const record = node as Record<string, unknown>;
    for (const key in record) {
      const child = record[key];
      if (typeof child === 'object' && child !== null) freezeNode(child);
    }
    return;
  }
  if (node instanceof Map || node instanceof Set) {
    if (!enter(node)) return;
    for (const child of node.values() as IterableIterator<unknown>) {
      if (typeof child === 'object' && child !== null) freezeNode(child);
    }
  }
  // Any other class instance is passed as it is (see the header).
}

/**
 * Freezes `node` itself and says whether its children still need a walk: a node
 * frozen here is new to this walk; one found frozen is walked once, ever — which
 * also ends every cycle, since a node seen twice is frozen on the second visit.
 */
function enter(node: object): boolean {
  if (Object.isFrozen(node)) {
    if (walkedFrozen.has(node)) return false;
    walkedFrozen.add(node);
    return true;
  }
  // immer's freeze also disables the mutating methods of a Map or a Set.
  if (node instanceof Map || node instanceof Set) freeze(node, false);
  else Object.freeze(node);
  return true;
}
