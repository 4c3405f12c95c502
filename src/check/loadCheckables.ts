/**
 * Loads a user's module (TypeScript too, through tsx's loader) and finds what it
 * exports that can be checked: recovery strategies (`{ name, machine }`) and bare
 * XState machines.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { ConfigError } from '../errors/ConfigError.js';
import { isCheckableStrategy, strategyProblem } from './checkMachine.js';
import type { CheckableStrategy } from './types.js';

/** One checkable export of a module. */
export type Checkable =
  | { exportName: string; kind: 'strategy'; strategy: CheckableStrategy }
  | { exportName: string; kind: 'machine'; machine: AnyStateMachine };

/** True for an XState machine (a StateMachine instance, however it was imported). */
export function isStateMachine(value: unknown): value is AnyStateMachine {
  const m = value as { root?: unknown; transition?: unknown; getInitialSnapshot?: unknown; provide?: unknown } | null;
  return typeof m === 'object' && m !== null && !!m.root && typeof m.transition === 'function' && typeof m.getInitialSnapshot === 'function' && typeof m.provide === 'function';
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Imports `file` (a .ts file through tsx, anything else natively). Throws ConfigError when it cannot. */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new ConfigError(`no such file: ${file} — give the path of a module that exports recovery strategies`, { file, component: 'check' });
  }
  const url = pathToFileURL(path).href;
  const tsx = TS_EXTENSIONS.has(extname(path)) ? await importTsx(file) : undefined;
  try {
    if (tsx) return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`could not load ${file}: ${reason}`, { file, component: 'check', cause: error });
  }
}

/**
 * tsx is an optional peer dependency (it brings esbuild): only checking a
 * TypeScript file needs it, so its absence is a usage error with the fix in it.
 */
async function importTsx(file: string): Promise<typeof import('tsx/esm/api')> {
  try {
    return await import('tsx/esm/api');
  } catch (error) {
    throw new ConfigError(
      `checking a TypeScript file (${file}) needs the optional peer dependency tsx, which is not installed: run npm install --save-dev tsx, or compile the strategy to JavaScript first`,
      { file, component: 'check', cause: error },
    );
  }
}

/** What a module exports that can be checked, and exports meant as strategies that are not. */
export interface FoundCheckables {
  checkables: Checkable[];
  /** Exports with a `machine` field that are not a strategy, each with what it lacks. */
  problems: Array<{ exportName: string; problem: string }>;
}

/**
 * Every export that is a strategy or a machine, in export order (a strategy's own
 * machine is not listed twice). An object with a `machine` field is meant as a
 * strategy: when it is not one, it is a problem, not silently skipped.
 */
export function findCheckables(module: Record<string, unknown>): FoundCheckables {
  const checkables: Checkable[] = [];
  const problems: FoundCheckables['problems'] = [];
  const seen = new Set<unknown>();
  for (const [exportName, value] of Object.entries(module)) {
    if (seen.has(value) || typeof value !== 'object' || value === null || !('machine' in value)) continue;
    const problem = strategyProblem(value);
    if (problem !== undefined) {
      problems.push({ exportName, problem });
      continue;
    }
    if (isCheckableStrategy(value)) {
      seen.add(value);
      seen.add(value.machine);
      checkables.push({ exportName, kind: 'strategy', strategy: value });
    }
  }
  for (const [exportName, value] of Object.entries(module)) {
    if (seen.has(value)) continue;
    if (isStateMachine(value)) {
      seen.add(value);
      checkables.push({ exportName, kind: 'machine', machine: value });
    }
  }
  return { checkables, problems };
}
