/**
 * `dataprism check <module> [options]`: loads a module (TypeScript works),
 * model-checks every recovery strategy (and every bare machine) it exports,
 * prints each property with pass/fail and the counterexample traces.
 * Exit code 0: every property holds and every search was complete; 1: a
 * property is violated; 2: a usage or load error; 3: no violation found, but
 * some search was cut short (a limit, or events nobody sends).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { EventObject } from 'xstate';
import { checkMachine, checkStrategy } from '../../check/checkMachine.js';
import { vitestCoverage } from '../../check/vitestInclude.js';
import { formatCheckResult } from '../../check/format.js';
import { findCheckables, importModule, type Checkable } from '../../check/loadCheckables.js';
import { traceToVitest } from '../../check/traceToVitest.js';
import type { CheckOptions, CheckResult, FaultModel } from '../../check/types.js';

const USAGE = `usage: dataprism check <module.ts|module.js> [options]

Model-checks every recovery strategy (any export { name, machine }) and every
XState machine the module exports.

options:
  --max-states N    stop after N distinct states (default 1000000)
  --max-depth N     do not explore runs longer than N steps (default: no limit)
  --no-shutdown     the environment never sends SHUTDOWN (same as --faults shutdown=0)
  --faults K=N,...  fault budget per run, K one of transient, permanent, timeout,
                    memory, shutdown, dispose; N a count or 'inf'
                    (defaults: failures inf, shutdown 1, dispose 1 when restarting)
  --send TYPE       the environment may also send { type: TYPE } in any state (repeatable)
  --abstraction M   a module exporting the state abstraction for every check:
                    \`abstractions\` ({ field: (value) => part that matters }),
                    \`contextKeys\` (string[]) and/or \`abstract\` ((snapshot) => key)
  --properties M    a module exporting \`properties\`: your own properties over
                    (state, context), each { name, always } or { name, eventually }
  --json            print the results as JSON
  --emit-test DIR   write a vitest regression test per counterexample into DIR
  -h, --help        show this message

exit codes:
  0  every property holds and every search was complete
  1  a property is violated (counterexamples printed)
  2  usage or load error (bad arguments, a module that does not load, an
     export with a \`machine\` that is not a recovery strategy, nothing to check)
  3  no violation found, but a search was incomplete: --max-states or
     --max-depth was reached, or a machine handles events nobody sends`;

/** The exit codes, by meaning. */
export const EXIT = { ok: 0, violation: 1, usage: 2, incomplete: 3 } as const;

/** Where the command writes; the process's stdout/stderr by default. */
export interface CheckCommandIO {
  out(text: string): void;
  err(text: string): void;
}

const processIO: CheckCommandIO = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

interface Args {
  file: string;
  maxStates?: number;
  maxDepth?: number;
  json: boolean;
  emitTest?: string;
  faults: FaultModel;
  send: EventObject[];
  abstraction?: string;
  properties?: string;
}

/** The parts of the check options a module given to --abstraction may export. */
type AbstractionOptions = Pick<CheckOptions, 'abstract' | 'contextKeys' | 'abstractions' | 'properties'>;

class UsageError extends Error {}

function parseCount(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a whole number ≥ 1, got ${value === undefined ? 'nothing' : `'${value}'`}`);
  return n;
}

const BUDGETS = ['transient', 'permanent', 'timeout', 'memory', 'shutdown', 'dispose'] as const;
type Budget = (typeof BUDGETS)[number];

/** `transient=2,shutdown=0` into budgets; `inf` (or `Infinity`) is unbounded. */
function parseFaults(value: string | undefined, into: FaultModel): void {
  if (!value) throw new UsageError(`--faults needs K=N pairs, e.g. --faults transient=2,shutdown=0 (K: ${BUDGETS.join(', ')})`);
  for (const pair of value.split(',')) {
    const [kind, count, extra] = pair.split('=');
    if (!kind || count === undefined || extra !== undefined || !(BUDGETS as readonly string[]).includes(kind)) {
      throw new UsageError(`--faults: '${pair}' is not K=N with K one of ${BUDGETS.join(', ')}`);
    }
    const n = count === 'inf' || count === 'Infinity' ? Infinity : Number(count);
    if (!(n === Infinity || (Number.isInteger(n) && n >= 0))) throw new UsageError(`--faults: the budget of ${kind} must be a whole number ≥ 0 or 'inf', got '${count}'`);
    if (kind === 'dispose' && n > 1) throw new UsageError(`--faults: dispose is 0 or 1 (a plugin is disposed once), got '${count}'`);
    into[kind as Budget] = n;
  }
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const files: string[] = [];
  const args: Partial<Args> & { json: boolean; faults: FaultModel; send: EventObject[] } = { json: false, faults: {}, send: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--json':
        args.json = true;
        break;
      case '--max-states':
        args.maxStates = parseCount('--max-states', value());
        break;
      case '--max-depth':
        args.maxDepth = parseCount('--max-depth', value());
        break;
      case '--no-shutdown':
        args.faults.shutdown = 0;
        break;
      case '--faults':
        parseFaults(value(), args.faults);
        break;
      case '--send': {
        const type = value();
        if (!type || type.startsWith('-')) throw new UsageError('--send needs an event type, e.g. --send RETRY');
        args.send.push({ type });
        break;
      }
      case '--abstraction': {
        const file = value();
        if (!file) throw new UsageError('--abstraction needs a module exporting abstractions, contextKeys or abstract');
        args.abstraction = file;
        break;
      }
      case '--properties': {
        const file = value();
        if (!file) throw new UsageError('--properties needs a module exporting `properties`');
        args.properties = file;
        break;
      }
      case '--emit-test': {
        const dir = value();
        if (!dir) throw new UsageError('--emit-test needs a directory');
        args.emitTest = dir;
        break;
      }
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option '${flag}'`);
        files.push(a);
    }
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'give the module to check' : `give one module to check, got ${files.length}: ${files.join(', ')}`);
  return { ...args, file: files[0]! };
}

/** Reads a --abstraction module; throws UsageError saying what is wrong with it. */
async function loadAbstraction(file: string): Promise<AbstractionOptions> {
  const module = await importModule(file);
  const out: AbstractionOptions = {};
  const { abstract, contextKeys, abstractions } = module as Record<string, unknown>;
  if (abstract !== undefined) {
    if (typeof abstract !== 'function') throw new UsageError(`${file}: \`abstract\` must be a function (snapshot) => key, got ${typeof abstract}`);
    out.abstract = abstract as AbstractionOptions['abstract'] & object;
  }
  if (contextKeys !== undefined) {
    if (!Array.isArray(contextKeys) || !contextKeys.every((k) => typeof k === 'string')) throw new UsageError(`${file}: \`contextKeys\` must be an array of field names`);
    out.contextKeys = contextKeys as string[];
  }
  if (abstractions !== undefined) {
    const bad = typeof abstractions !== 'object' || abstractions === null ? ['(not an object)'] : Object.entries(abstractions).filter(([, f]) => typeof f !== 'function').map(([k]) => k);
    if (bad.length > 0) throw new UsageError(`${file}: \`abstractions\` must map field names to functions (value) => part that matters; not a function: ${bad.join(', ')}`);
    out.abstractions = abstractions as AbstractionOptions['abstractions'] & object;
  }
  if (Object.keys(out).length === 0) throw new UsageError(`${file} exports none of abstractions, contextKeys, abstract: export at least one`);
  return out;
}

/** Reads a --properties module's `properties` (validated by the check itself). */
async function loadProperties(file: string): Promise<NonNullable<CheckOptions['properties']>> {
  const { properties } = (await importModule(file)) as { properties?: unknown };
  if (!Array.isArray(properties)) throw new UsageError(`${file} must export \`properties\`: an array of { name, always } or { name, eventually }`);
  return properties as NonNullable<CheckOptions['properties']>;
}

function runOne(item: Checkable, args: Args, abstraction: AbstractionOptions): CheckResult {
  const options: CheckOptions = { ...abstraction };
  if (args.maxStates !== undefined) options.maxStates = args.maxStates;
  if (args.maxDepth !== undefined) options.maxDepth = args.maxDepth;
  if (Object.keys(args.faults).length > 0) options.faults = args.faults;
  if (args.send.length > 0) options.events = args.send;
  return item.kind === 'strategy' ? checkStrategy(item.strategy, options) : checkMachine(item.machine, options);
}

/** A path for an import from `fromDir` to `file`, in NodeNext style (`./x.js` for `x.ts`). */
function importPathFrom(fromDir: string, file: string): string {
  let path = relative(fromDir, file).split(sep).join('/');
  if (!path.startsWith('.')) path = `./${path}`;
  return path.replace(/\.(m|c)?tsx?$/, (ext) => (ext.startsWith('.m') ? '.mjs' : ext.startsWith('.c') ? '.cjs' : '.js'));
}

function emitTests(item: Checkable, result: CheckResult, file: string, dir: string): string[] {
  if (item.kind !== 'strategy') return [];
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const v of result.violations) {
    const target = resolve(dir, `${item.exportName}.${v.property}.test.ts`);
    const text = traceToVitest(item.strategy, v.trace, {
      importPath: importPathFrom(dirname(target), resolve(file)),
      exportName: item.exportName,
      property: v.property,
      replay: !v.throughStages,
    });
    writeFileSync(target, text);
    written.push(target);
  }
  return written;
}

/**
 * Runs `dataprism check` with `argv` (the arguments after `check`) and returns the
 * exit code. Output goes to `io` (default: stdout/stderr).
 */
export async function checkCommand(argv: string[], io: CheckCommandIO = processIO): Promise<number> {
  let args: Args;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      io.out(USAGE);
      return 0;
    }
    args = parsed;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`dataprism check: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw error;
  }

  let abstraction: AbstractionOptions = {};
  if (args.abstraction) {
    try {
      abstraction = await loadAbstraction(args.abstraction);
    } catch (error) {
      io.err(`dataprism check: --abstraction ${error instanceof Error ? error.message : String(error)}`);
      return EXIT.usage;
    }
  }
  if (args.properties) {
    try {
      abstraction = { ...abstraction, properties: await loadProperties(args.properties) };
    } catch (error) {
      io.err(`dataprism check: --properties ${error instanceof Error ? error.message : String(error)}`);
      return EXIT.usage;
    }
  }

  let items: Checkable[];
  try {
    const found = findCheckables(await importModule(args.file));
    if (found.problems.length > 0) {
      for (const p of found.problems) io.err(`dataprism check: export '${p.exportName}' has a \`machine\` but is not a recovery strategy: ${p.problem}`);
      return EXIT.usage;
    }
    items = found.checkables;
  } catch (error) {
    io.err(`dataprism check: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.usage;
  }
  if (items.length === 0) {
    io.err(
      `dataprism check: ${args.file} exports no recovery strategy and no machine. Export a strategy ({ name, machine }, e.g. from defineRecoveryStrategy or retryStrategy) or an XState machine.`,
    );
    return EXIT.usage;
  }

  const results: Array<{ export: string; kind: Checkable['kind']; result: CheckResult; tests: string[] }> = [];
  for (const item of items) {
    let result: CheckResult;
    try {
      result = runOne(item, args, abstraction);
    } catch (error) {
      io.err(`dataprism check: '${item.exportName}' could not be checked: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT.usage;
    }
    const tests = args.emitTest ? emitTests(item, result, args.file, args.emitTest) : [];
    results.push({ export: item.exportName, kind: item.kind, result, tests });
  }

  const violated = results.some((r) => r.result.violations.length > 0);
  const incomplete = results.filter((r) => r.result.violations.length === 0 && !r.result.ok).map((r) => r.export);
  const code = violated ? EXIT.violation : incomplete.length > 0 ? EXIT.incomplete : EXIT.ok;
  const emitted = results.flatMap((r) => r.tests);
  const howToRun = emitted.length > 0 ? vitestCoverage(emitted) : undefined;
  if (args.json) {
    io.out(JSON.stringify({ ok: code === EXIT.ok, exitCode: code, file: args.file, results, ...(howToRun ? { emittedTests: howToRun } : {}) }, null, 2));
  } else {
    for (const r of results) {
      io.out(`── ${r.export} (${r.kind})`);
      io.out(formatCheckResult(r.result));
      for (const t of r.tests) io.out(`  wrote ${t}`);
      io.out('');
    }
    if (howToRun) io.out(howToRun.message);
    const failing = results.filter((r) => r.result.violations.length > 0).map((r) => r.export);
    if (violated) io.out(`${failing.length} of ${results.length} checked exports violate a property: ${failing.join(', ')}`);
    if (incomplete.length > 0) {
      io.out(`INCOMPLETE: the check of ${incomplete.join(', ')} did not explore everything (see above); no violation was found in what was explored (exit code 3)`);
    }
    if (code === EXIT.ok) io.out(`all ${results.length} checked exports satisfy every property`);
  }
  return code;
}
