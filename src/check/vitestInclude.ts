/**
 * Whether the project's vitest would run a test file `--emit-test` wrote, and
 * the command that runs it. Vitest only runs files its `include` patterns match
 * (a file named on the command line outside them is not run either), so a
 * regression test written elsewhere would silently never run. The patterns are
 * read from the nearest vitest/vite config's literal `include: [...]`; without
 * one, vitest's default (`**\/*.{test,spec}.?(c|m)[jt]s?(x)`) applies.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const CONFIG_NAMES = ['vitest.config.ts', 'vitest.config.mts', 'vitest.config.js', 'vitest.config.mjs', 'vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'];
const DEFAULT_INCLUDE = ['**/*.{test,spec}.?(c|m)[jt]s?(x)'];

/** What `--emit-test` reports about the files it wrote. */
export interface VitestCoverage {
  /** The config file whose `include` was read, if any (relative to the working directory). */
  config?: string;
  include: string[];
  /** Files the include does not match: nothing would run them. */
  notRun: string[];
  /** What to tell the user: how to run the tests, or why they will not run. */
  message: string;
}

/** Finds the config (from the working directory up), and says how the written `files` run. */
export function vitestCoverage(files: readonly string[], cwd: string = process.cwd()): VitestCoverage {
  const found = findConfig(cwd);
  const root = found ? dirname(found.file) : cwd;
  const include = found?.include ?? DEFAULT_INCLUDE;
  const patterns = include.map(globToRegExp);
  const rel = (f: string) => relative(root, resolve(f)).split(sep).join('/');
  const notRun = files.filter((f) => {
    const path = rel(f);
    return path.startsWith('../') || !patterns.some((p) => p.test(path));
  });
  const shown = files.map((f) => relative(cwd, resolve(f)) || f);
  const where = found ? `${relative(cwd, found.file) || found.file}'s include [${include.join(', ')}]` : `vitest's default include [${include.join(', ')}]`;
  const message =
    notRun.length === 0
      ? `run the regression tests with: npx vitest run ${shown.join(' ')}`
      : `WARNING: ${where} does not match ${notRun.map((f) => relative(cwd, resolve(f)) || f).join(', ')}: vitest will not run ${notRun.length === 1 ? 'it' : 'them'}. ` +
        'Write them into a folder the include covers (e.g. --emit-test tests/regressions), or add the folder to the include.';
  const out: VitestCoverage = { include, notRun, message };
  if (found) out.config = relative(cwd, found.file) || found.file;
  return out;
}

function findConfig(from: string): { file: string; include: string[] | undefined } | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const file = join(dir, name);
      if (existsSync(file)) return { file, include: literalInclude(readFileSync(file, 'utf8')) };
    }
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) return undefined;
  }
}

/** The string literals of the first `include: [...]` in a config's text. */
export function literalInclude(text: string): string[] | undefined {
  const match = /\binclude\s*:\s*\[([^\]]*)\]/.exec(text);
  if (!match) return undefined;
  const items = [...match[1]!.matchAll(/(['"`])((?:(?!\1).)*)\1/g)].map((m) => m[2]!);
  return items.length > 0 ? items : undefined;
}

/** A glob as vitest writes them (`**`, `*`, `?`, `{a,b}`, `[...]`, `?(x)`) as an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches any number of folders, including none.
      if (glob[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if ((c === '?' || c === '+' || c === '@' || c === '!') && glob[i + 1] === '(') {
      const close = glob.indexOf(')', i);
      const body = glob.slice(i + 2, close).split('|').map(escape).join('|');
      out += c === '?' ? `(?:${body})?` : c === '+' ? `(?:${body})+` : c === '@' ? `(?:${body})` : `(?!(?:${body}))[^/]*`;
      i = close;
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      out += `(?:${glob.slice(i + 1, close).split(',').map((part) => globToRegExp(part).source.slice(1, -1)).join('|')})`;
      i = close;
    } else if (c === '[') {
      const close = glob.indexOf(']', i);
      out += glob.slice(i, close + 1);
      i = close;
    } else out += escape(c);
  }
  return new RegExp(`^${out}$`);
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
}
