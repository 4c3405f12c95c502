/**
 * The fault model: defaults, and the one error object each kind of failure is
 * answered with. The same object is used every time, so transitions stay
 * deterministic and cacheable, and a trace names its fault by kind.
 */
import { DataPrismError } from '../errors/DataPrismError.js';
import { LifecycleError } from '../errors/LifecycleError.js';
import { MemoryError } from '../errors/MemoryError.js';
import { QueryError } from '../errors/QueryError.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { FAILURE_KINDS, type FailureKind, type FaultModel, type ResolvedFaultModel } from './types.js';

/** Fills in the defaults of a fault model and rejects impossible budgets. */
export function resolveFaultModel(faults: FaultModel | undefined, disposeDefault: number): ResolvedFaultModel {
  const budget = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new ValidationError(`faults.${name} must be a count ≥ 0 (or Infinity), got ${String(value)}`, {
        component: 'check',
        issues: [{ path: `faults.${name}`, message: 'expected a number ≥ 0' }],
      });
    }
    return value === Infinity ? Infinity : Math.floor(value);
  };
  return {
    transient: budget('transient', faults?.transient, Infinity),
    permanent: budget('permanent', faults?.permanent, Infinity),
    timeout: budget('timeout', faults?.timeout, Infinity),
    memory: budget('memory', faults?.memory, Infinity),
    shutdown: budget('shutdown', faults?.shutdown, 1),
    dispose: Math.min(1, budget('dispose', faults?.dispose, disposeDefault)),
    appliesTo: faults?.appliesTo ?? {},
    outputs: faults?.outputs ?? {},
  };
}

/** The kind of fault a plain text names; for the CLI and traces read back from JSON. */
export function isFailureKind(value: string): value is FailureKind {
  return (FAILURE_KINDS as readonly string[]).includes(value);
}

/** Builds the error an invoke rejects with for a fault (a fresh object each call). */
export function createFaultError(kind: FailureKind | 'disposed', actor: string, plugin?: string): Error {
  const component = plugin ? `plugin:${plugin}` : 'check';
  switch (kind) {
    case 'transient':
      return new DataPrismError(`${actor} failed transiently (injected fault): it may succeed if tried again`, 'transient', { component });
    case 'permanent':
      return new QueryError(`${actor} failed permanently (injected fault): retrying cannot help`, { component });
    case 'timeout':
      return new TimeoutError(`${actor} timed out (injected fault)`, { timeoutMs: 1000, operation: actor, component });
    case 'memory':
      return new MemoryError(`${actor} ran out of memory (injected fault): free memory, then retry`, { component });
    case 'disposed':
      return new LifecycleError(`cannot restart plugin '${plugin ?? '?'}': it was disposed (injected fault); do not restart a disposed plugin`, {
        component,
        state: 'disposed',
      });
  }
}

/** One shared error object per (kind, actor), so equal moves give equal events. */
export class FaultErrors {
  private readonly cache = new Map<string, Error>();
  constructor(private readonly plugin?: string) {}

  /** The error for `kind` on invoke `actor`. */
  get(kind: FailureKind | 'disposed', actor: string): Error {
    const key = `${kind}:${actor}`;
    let error = this.cache.get(key);
    if (!error) {
      error = createFaultError(kind, actor, this.plugin);
      this.cache.set(key, error);
    }
    return error;
  }
}
