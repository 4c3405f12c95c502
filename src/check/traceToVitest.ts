/**
 * Writes a counterexample out as a vitest regression test. The test fails while
 * the bug is there — the real runtime still follows the counterexample, and the
 * checker still finds the property violated — and passes once it is fixed.
 */
import { ValidationError } from '../errors/ValidationError.js';
import { describeEnvEvent } from './format.js';
import type { CheckableStrategy, TraceStep } from './types.js';

/** Options of `traceToVitest`. */
export interface TraceToVitestOptions {
  /** Module the test imports the strategy from, as the test file will see it (e.g. `../src/strategies.js`). Required. */
  importPath: string;
  /** The export holding the strategy (`default` for a default export). Default: the strategy's name. */
  exportName?: string;
  /** The violated property, named in the test's title and checked again. Default: none (only the replay is asserted). */
  property?: string;
  /** Where the test imports the checker from. Default `@dataprism/orchestration/check`. */
  checkImportPath?: string;
  /** The input the check used, as JSON. Default: the checker's default input. */
  input?: unknown;
  /**
   * Assert that the real runtime no longer follows the trace. Default true;
   * false for a trace that cannot be replayed (through a composition's stages):
   * the test then only asserts that the checker no longer finds `property`.
   */
  replay?: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Returns the text of a vitest file that replays `trace` against `strategy`. */
export function traceToVitest(strategy: CheckableStrategy, trace: readonly TraceStep[], options: TraceToVitestOptions): string {
  if (!options || typeof options.importPath !== 'string' || options.importPath === '') {
    throw new ValidationError('traceToVitest: options.importPath is required: the module the test imports the strategy from', {
      component: 'check',
      issues: [{ path: 'importPath', message: 'expected a module path' }],
    });
  }
  const replay = options.replay ?? true;
  if (!replay && !options.property) {
    throw new ValidationError('traceToVitest: a test without the replay asserts the property: give options.property', {
      component: 'check',
      issues: [{ path: 'property', message: 'required when replay is false' }],
    });
  }
  const exportName = options.exportName ?? strategy.name;
  const checkPath = options.checkImportPath ?? '@dataprism/orchestration/check';
  const binding = IDENTIFIER.test(exportName) && exportName !== 'default' ? exportName : 'strategy';
  const importLine =
    exportName === 'default'
      ? `import strategy from ${JSON.stringify(options.importPath)};`
      : IDENTIFIER.test(exportName)
        ? `import { ${exportName} } from ${JSON.stringify(options.importPath)};`
        : `import * as strategies from ${JSON.stringify(options.importPath)};\nconst strategy = (strategies as Record<string, never>)[${JSON.stringify(exportName)}];`;
  const title = options.property ? `${strategy.name}: ${options.property}` : `${strategy.name}: counterexample`;
  const inputLine = options.input === undefined ? '' : `\nconst input = ${JSON.stringify(options.input, null, 2)};\n`;
  const replayOptions = options.input === undefined ? '' : ', { input }';
  const checkOptions = options.input === undefined ? '' : ', { input }';
  const steps = trace.map((s, i) => `//   ${i}. ${describeEnvEvent(s.event)} → ${s.state}`).join('\n');
  const propertyCheck = options.property
    ? `

  it('the checker no longer finds ${options.property} violated', () => {
    const result = checkStrategy(${binding}${checkOptions});
    expect(result.violations.map((v) => v.property)).not.toContain(${JSON.stringify(options.property)});
  });`
    : '';
  return `// Regression test written by \`dataprism check --emit-test\` from a counterexample.
// It fails while the bug is there and passes once the strategy is fixed.
// The counterexample:
${steps}
import { describe, expect, it } from 'vitest';
import { ${options.property ? 'checkStrategy' : ''}${options.property && replay ? ', ' : ''}${replay ? 'replayTrace, type TraceStep' : ''} } from ${JSON.stringify(checkPath)};
${importLine}
${inputLine}${
    replay
      ? `
const trace: TraceStep[] = ${JSON.stringify(trace, null, 2)};
`
      : `
// The counterexample runs through a composition's stages: it cannot be replayed on one actor.
`
  }
describe(${JSON.stringify(title)}, () => {${
    replay
      ? `
  it('the real runtime no longer follows the counterexample', async () => {
    const replay = await replayTrace(${binding}, trace${replayOptions});
    expect(replay.followed, replay.message).toBe(false);
  });`
      : ''
  }${propertyCheck}
});
`;
}
