// `dataprism check`: loads TypeScript modules, prints each property, exits 1 on a
// violation and 2 on a usage error, and writes regression tests with --emit-test.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/commands/check.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

// Inside the project, so that a scratch module can import 'xstate' from node_modules.
const scratch = mkdtempSync(join('tests', 'check', '.scratch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('dataprism check', () => {
  it('passes a correct strategy with exit code 0', async () => {
    const c = capture();
    const code = await checkCommand(['examples/strategies/patientRetry.ts'], c.io);
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const text = c.out.join('\n');
    expect(text).toMatch(/patient_retry: OK/);
    expect(text).toMatch(/pass {2}attempts-bounded/);
  });

  it('exits 1 on the broken strategies and prints every counterexample', async () => {
    const c = capture();
    const code = await checkCommand(['examples/strategies/broken.ts', '--max-states', '5000'], c.io);
    expect(code).toBe(1);
    const text = c.out.join('\n');
    for (const property of ['attempts-bounded', 'final-reachable', 'no-restart-after-dispose', 'backoff-respected']) {
      expect(text).toContain(`FAIL  ${property}`);
      expect(text).toContain(`counterexample for ${property}`);
    }
    expect(text).toMatch(/4 of 4 checked exports violate a property/);
  });

  it('prints JSON with --json', async () => {
    const c = capture();
    const code = await checkCommand(['examples/strategies/broken.ts', '--json'], c.io);
    expect(code).toBe(1);
    const parsed = JSON.parse(c.out.join('\n')) as { ok: boolean; results: Array<{ export: string; result: { violations: Array<{ property: string }> } }> };
    expect(parsed.ok).toBe(false);
    const byExport = Object.fromEntries(parsed.results.map((r) => [r.export, r.result.violations.map((v) => v.property)]));
    expect(byExport).toEqual({
      unboundedRetry: ['attempts-bounded'],
      missedEscalation: ['shutdown-accepted', 'final-reachable', 'final-reachable-with-shutdown'],
      restartDisposed: ['no-restart-after-dispose'],
      impatientRetry: ['backoff-respected'],
    });
  });

  it('writes one vitest file per counterexample with --emit-test', async () => {
    const dir = join(scratch, 'emitted');
    const c = capture();
    expect(await checkCommand(['examples/strategies/broken.ts', '--emit-test', dir], c.io)).toBe(1);
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      'impatientRetry.backoff-respected.test.ts',
      'missedEscalation.final-reachable-with-shutdown.test.ts',
      'missedEscalation.final-reachable.test.ts',
      'missedEscalation.shutdown-accepted.test.ts',
      'restartDisposed.no-restart-after-dispose.test.ts',
      'unboundedRetry.attempts-bounded.test.ts',
    ]);
    const text = readFileSync(join(dir, files.find((f) => f.startsWith('unboundedRetry'))!), 'utf8');
    expect(text).toMatch(/import \{ unboundedRetry \} from ".*examples\/strategies\/broken\.js";/);
  });

  it('checks bare machines a module exports', async () => {
    const file = join(scratch, 'machines.ts');
    writeFileSync(
      file,
      `import { setup } from 'xstate';
export const stuck = setup({}).createMachine({ id: 'stuck', initial: 'a', states: { a: { on: { GO: 'b' } }, b: {}, done: { type: 'final' } } });
`,
    );
    const c = capture();
    const code = await checkCommand([file], c.io);
    expect(code).toBe(1);
    expect(c.out.join('\n')).toMatch(/FAIL {2}final-reachable: deadlock/);
  });

  it.each([
    [[], /give the module to check/],
    [['missing.ts'], /no such file: missing.ts/],
    [['package.json'], /exports no recovery strategy and no machine/],
    [['examples/strategies/broken.ts', '--max-states', 'many'], /--max-states needs a whole number/],
    [['examples/strategies/broken.ts', '--frobnicate'], /unknown option '--frobnicate'/],
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const c = capture();
    expect(await checkCommand(argv as string[], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(message);
  });

  it('exits 2 when the module does not load, naming the file', async () => {
    const file = join(scratch, 'broken-syntax.ts');
    writeFileSync(file, 'export const = ;');
    const c = capture();
    expect(await checkCommand([file], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/could not load .*broken-syntax\.ts/);
  });
});
