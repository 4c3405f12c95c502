// `dataprism check` is honest about what it did: exit 3 when a search was cut
// short, a clear refusal for an export that is meant as a strategy but is not
// one, events nobody sends reported instead of "OK — 1 state", fault-model
// flags, --version from the sources and the built layout, EPIPE when piped into
// `head`, and emitted tests placed where vitest runs them or a warning.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand, EXIT } from '../../src/cli/commands/check.js';
import { packageVersion } from '../../src/cli/main.js';
import { globToRegExp, literalInclude, vitestCoverage } from '../../src/check/vitestInclude.js';
import pkg from '../../package.json' with { type: 'json' };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err, text: () => out.join('\n'), errors: () => err.join('\n') };
}

const scratch = mkdtempSync(join('tests', 'check', '.scratch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('exit codes', () => {
  it('3 when --max-states cuts the search short and nothing is violated', async () => {
    const c = capture();
    expect(await checkCommand(['examples/strategies/patientRetry.ts', '--max-states', '3'], c.io)).toBe(EXIT.incomplete);
    expect(c.text()).toMatch(/INCOMPLETE/);
    expect(c.text()).not.toMatch(/satisfy every property/);
  });

  it('3 when --max-depth cuts it short', async () => {
    const c = capture();
    expect(await checkCommand(['examples/strategies/patientRetry.ts', '--max-depth', '2'], c.io)).toBe(3);
  });

  it('1 beats 3: a violation found in a cut-short search is still a violation', async () => {
    const c = capture();
    expect(await checkCommand(['examples/strategies/broken.ts', '--max-states', '50'], c.io)).toBe(1);
  });

  it('--json carries the exit code', async () => {
    const c = capture();
    expect(await checkCommand(['examples/strategies/patientRetry.ts', '--max-states', '3', '--json'], c.io)).toBe(3);
    expect(JSON.parse(c.text())).toMatchObject({ ok: false, exitCode: 3 });
  });
});

describe('what is checked is what the user meant', () => {
  it('an export with a machine that is not a strategy is told what is missing (exit 2)', async () => {
    const file = join(scratch, 'notAStrategy.ts');
    writeFileSync(
      file,
      `import { setup } from 'xstate';
export const noName = { machine: setup({}).createMachine({ id: 'm', initial: 'a', states: { a: {}, recovered: { type: 'final' }, escalated: { type: 'final' } } }) };
export const notAMachine = { name: 'x', machine: { states: {} } };
export const noFinals = { name: 'y', machine: setup({}).createMachine({ id: 'n', initial: 'a', states: { a: {}, done: { type: 'final' } } }) };
`,
    );
    const c = capture();
    expect(await checkCommand([file], c.io)).toBe(EXIT.usage);
    const text = c.errors();
    expect(text).toMatch(/export 'noName' has a `machine` but is not a recovery strategy: `name` must be a non-empty string/);
    expect(text).toMatch(/export 'notAMachine' .*`machine` must be an XState machine/);
    expect(text).toMatch(/export 'noFinals' .*a top-level final state named 'recovered' is required.*'escalated'/);
  });

  it('a bare machine whose events are never sent is INCOMPLETE (exit 3), naming the events and how to send them', async () => {
    const file = join(scratch, 'toggle.ts');
    writeFileSync(
      file,
      `import { setup } from 'xstate';
export const toggle = setup({}).createMachine({ id: 'toggle', initial: 'off', states: { off: { on: { FLIP: 'on' } }, on: { on: { FLIP: 'off', RESET: 'off' } } } });
`,
    );
    const c = capture();
    expect(await checkCommand([file], c.io)).toBe(EXIT.incomplete);
    expect(c.text()).toMatch(/handles FLIP, RESET, which the check never sends/);
    expect(c.text()).toMatch(/--send TYPE/);
    const sent = capture();
    expect(await checkCommand([file, '--send', 'FLIP', '--send', 'RESET'], sent.io)).toBe(EXIT.ok);
    expect(sent.text()).toMatch(/toggle: OK — 2 states/);
  });
});

describe('--abstraction', () => {
  it('a context field the checker cannot encode is exit 2 naming it; an abstraction module for it lets the check run', async () => {
    const file = join(scratch, 'weak.ts');
    writeFileSync(
      file,
      `import { assign, setup } from 'xstate';
export const weak = setup({}).createMachine({ id: 'weak', initial: 'a', context: { n: 0, cache: new WeakMap() },
  states: { a: { on: { INC: { guard: ({ context }) => context.n < 3, actions: assign({ n: ({ context }) => context.n + 1 }) } } } } });
`,
    );
    const abstraction = join(scratch, 'abstraction.ts');
    writeFileSync(abstraction, `export const abstractions = { cache: () => 'ignored' };\n`);
    const refused = capture();
    expect(await checkCommand([file, '--send', 'INC'], refused.io)).toBe(EXIT.usage);
    expect(refused.errors()).toMatch(/'weak' could not be checked: the checker cannot tell states apart by context field 'cache'.*--abstraction/);
    const ok = capture();
    expect(await checkCommand([file, '--send', 'INC', '--abstraction', abstraction], ok.io)).toBe(EXIT.ok);
    expect(ok.text()).toMatch(/weak: OK — 4 states/);
  });

  it('a module that exports no abstraction is a usage error', async () => {
    const abstraction = join(scratch, 'empty-abstraction.ts');
    writeFileSync(abstraction, `export const unrelated = 1;\nexport const abstractions = { cache: 3 };\n`);
    const c = capture();
    expect(await checkCommand(['examples/strategies/patientRetry.ts', '--abstraction', abstraction], c.io)).toBe(2);
    expect(c.errors()).toMatch(/`abstractions` must map field names to functions .*not a function: cache/);
  });
});

describe('--properties', () => {
  it('checks the properties a module exports, and refuses a module without them', async () => {
    const file = join(scratch, 'props.ts');
    writeFileSync(file, `export const properties = [{ name: 'recovers', eventually: (state: string) => state === 'recovered' }, { name: 'few', always: (_s: string, c: { attempts: number }) => c.attempts <= 4 }];\n`);
    const c = capture();
    expect(await checkCommand(['examples/strategies/patientRetry.ts', '--properties', file], c.io)).toBe(EXIT.violation);
    expect(c.text()).toMatch(/FAIL {2}recovers: a run ends in 'escalated'/);
    expect(c.text()).toMatch(/pass {2}few/);
    const none = join(scratch, 'no-props.ts');
    writeFileSync(none, 'export const other = 1;\n');
    const n = capture();
    expect(await checkCommand(['examples/strategies/patientRetry.ts', '--properties', none], n.io)).toBe(EXIT.usage);
    expect(n.errors()).toMatch(/must export `properties`/);
  });
});

describe('fault-model flags', () => {
  it('--no-shutdown and --faults reach the check', async () => {
    const plain = capture();
    await checkCommand(['examples/strategies/patientRetry.ts', '--json'], plain.io);
    const limited = capture();
    expect(await checkCommand(['examples/strategies/patientRetry.ts', '--json', '--no-shutdown', '--faults', 'transient=1,timeout=0,memory=0,permanent=inf'], limited.io)).toBe(0);
    const states = (c: ReturnType<typeof capture>) => (JSON.parse(c.text()) as { results: Array<{ result: { statesExplored: number } }> }).results[0]!.result.statesExplored;
    expect(states(limited)).toBeLessThan(states(plain));
  });

  it.each([
    [['--faults', 'transient'], /is not K=N/],
    [['--faults', 'lightning=2'], /is not K=N with K one of transient/],
    [['--faults', 'transient=-1'], /whole number ≥ 0 or 'inf'/],
    [['--faults', 'dispose=2'], /dispose is 0 or 1/],
    [['--send'], /--send needs an event type/],
  ])('rejects %j with exit 2', async (flags, message) => {
    const c = capture();
    expect(await checkCommand(['examples/strategies/patientRetry.ts', ...(flags as string[])], c.io)).toBe(2);
    expect(c.errors()).toMatch(message);
  });
});

describe('--emit-test', () => {
  it('says how to run tests written where vitest looks', async () => {
    const dir = join(scratch, 'emitted');
    const c = capture();
    expect(await checkCommand(['examples/strategies/broken.ts', '--emit-test', dir], c.io)).toBe(1);
    expect(c.text()).toMatch(/run the regression tests with: npx vitest run tests\/check\/\.scratch-\w+\/emitted\/impatientRetry\.backoff-respected\.test\.ts/);
  });

  it('warns when the folder is outside vitest\'s include', async () => {
    const dir = join(scratch, 'outside-include');
    mkdirSync(dir, { recursive: true });
    const report = vitestCoverage(['regressions/a.test.ts', 'tests/ok.test.ts']);
    expect(report.include).toEqual(['tests/**/*.test.ts']);
    expect(report.notRun).toEqual(['regressions/a.test.ts']);
    expect(report.message).toMatch(/vitest\.config\.ts's include \[tests\/\*\*\/\*\.test\.ts\] does not match regressions\/a\.test\.ts: vitest will not run it/);
  });

  it('reads vitest globs as vitest does', () => {
    expect(literalInclude(`test: { include: ['a/**/*.test.ts', "b/*.spec.js"] }`)).toEqual(['a/**/*.test.ts', 'b/*.spec.js']);
    const def = globToRegExp('**/*.{test,spec}.?(c|m)[jt]s?(x)');
    for (const ok of ['x.test.ts', 'a/b/x.spec.mjs', 'x.test.tsx']) expect(def.test(ok)).toBe(true);
    for (const no of ['x.ts', 'a/test.ts', 'x.test.py']) expect(def.test(no)).toBe(false);
    expect(globToRegExp('tests/**/*.test.ts').test('tests/check/x.test.ts')).toBe(true);
    expect(globToRegExp('tests/**/*.test.ts').test('tests/x.test.ts')).toBe(true);
    expect(globToRegExp('tests/**/*.test.ts').test('src/x.test.ts')).toBe(false);
  });
});

describe('the dataprism program', () => {
  const run = (args: string, shell = false) =>
    shell
      ? spawnSync('bash', ['-c', `set -o pipefail; node --import tsx src/cli/main.ts ${args}`], { encoding: 'utf8' })
      : spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args.split(' ')], { encoding: 'utf8' });

  it('--version prints the package version', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('finds the version from the built and installed layout too', () => {
    const root = mkdtempSync(join(scratch, 'installed-'));
    mkdirSync(join(root, 'dist', 'src', 'cli'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@dataprism/orchestration', version: '9.8.7' }));
    writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
    expect(packageVersion(join(root, 'dist', 'src', 'cli', 'main.js'))).toBe('9.8.7');
  });

  it('piped into head, it neither crashes nor prints a stack, and keeps its exit code', () => {
    // More output than a pipe buffers (64 KiB), so writes go on after head has exited.
    const file = join(scratch, 'many.ts');
    const copies = Array.from({ length: 40 }, (_, i) => `export const s${i} = { ...${i % 2 ? 'unboundedRetry' : 'missedEscalation'}, name: 's${i}' };`);
    writeFileSync(file, [`import { unboundedRetry, missedEscalation } from '../../../examples/strategies/broken.js';`, ...copies].join('\n'));
    const r = run(`check ${file} --json | head -1; exit \${PIPESTATUS[0]}`, true);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.status).toBe(1);
  });
});
