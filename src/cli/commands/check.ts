/**
 * `dataprism check <module> [--max-states N] [--max-depth N] [--json] [--emit-test DIR]`:
 * loads a module (TypeScript works), model-checks every recovery strategy (and
 * every bare machine) it exports, prints each property with pass/fail and the
 * counterexample traces. Exit code 0: all pass; 1: a property is violated;
 * 2: a usage error (bad arguments, bad path, nothing to check).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { checkMachine, checkStrategy } from '../../check/checkMachine.js';
import { formatCheckResult } from '../../check/format.js';
import { findCheckables, importModule, type Checkable } from '../../check/loadCheckables.js';
import { traceToVitest } from '../../check/traceToVitest.js';
import type { CheckResult } from '../../check/types.js';

const USAGE = `usage: dataprism check <module.ts|module.js> [options]

Model-checks every recovery strategy (any export { name, machine }) and every
XState machine the module exports.

options:
  --max-states N    stop after N distinct states (default 1000000)
  --max-depth N     do not explore runs longer than N steps (default: no limit)
  --json            print the results as JSON
  --emit-test DIR   write a vitest regression test per counterexample into DIR
  -h, --help        show this message

exit code: 0 all properties hold, 1 a property is violated, 2 usage error`;

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
}

class UsageError extends Error {}

function parseCount(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a whole number ≥ 1, got ${value === undefined ? 'nothing' : `'${value}'`}`);
  return n;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const files: string[] = [];
  const args: Partial<Args> & { json: boolean } = { json: false };
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

function runOne(item: Checkable, args: Args): CheckResult {
  const limits: { maxStates?: number; maxDepth?: number } = {};
  if (args.maxStates !== undefined) limits.maxStates = args.maxStates;
  if (args.maxDepth !== undefined) limits.maxDepth = args.maxDepth;
  return item.kind === 'strategy' ? checkStrategy(item.strategy, limits) : checkMachine(item.machine, limits);
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
    const text = traceToVitest(item.strategy, v.trace, { importPath: importPathFrom(dirname(target), resolve(file)), exportName: item.exportName, property: v.property });
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
      return 2;
    }
    throw error;
  }

  let items: Checkable[];
  try {
    items = findCheckables(await importModule(args.file));
  } catch (error) {
    io.err(`dataprism check: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  if (items.length === 0) {
    io.err(
      `dataprism check: ${args.file} exports no recovery strategy and no machine. Export a strategy ({ name, machine }, e.g. from defineRecoveryStrategy or retryStrategy) or an XState machine.`,
    );
    return 2;
  }

  const results: Array<{ export: string; kind: Checkable['kind']; result: CheckResult; tests: string[] }> = [];
  for (const item of items) {
    let result: CheckResult;
    try {
      result = runOne(item, args);
    } catch (error) {
      io.err(`dataprism check: '${item.exportName}' could not be checked: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    const tests = args.emitTest ? emitTests(item, result, args.file, args.emitTest) : [];
    results.push({ export: item.exportName, kind: item.kind, result, tests });
  }

  const violated = results.some((r) => r.result.violations.length > 0);
  if (args.json) {
    io.out(JSON.stringify({ ok: !violated && results.every((r) => r.result.complete), file: args.file, results }, null, 2));
  } else {
    for (const r of results) {
      io.out(`── ${r.export} (${r.kind})`);
      io.out(formatCheckResult(r.result));
      for (const t of r.tests) io.out(`  wrote ${t}`);
      io.out('');
    }
    const failing = results.filter((r) => r.result.violations.length > 0).map((r) => r.export);
    io.out(violated ? `${failing.length} of ${results.length} checked exports violate a property: ${failing.join(', ')}` : `all ${results.length} checked exports satisfy every property`);
  }
  return violated ? 1 : 0;
}
