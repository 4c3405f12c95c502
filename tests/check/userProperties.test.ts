// User-defined properties over (state, context): `always` in every reachable
// state, `eventually` on every run — a run that ends, or loops forever, without
// reaching a state where it holds is a counterexample.
import { describe, expect, it } from 'vitest';
import { checkMachine, checkStrategy, formatCheckResult, type UserProperty } from '../../src/check/index.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import { patientRetry } from '../../examples/strategies/patientRetry.js';
import { cooldownLivelock } from '../../examples/strategies/brokenLiveness.js';

const attemptsOf = (context: unknown) => (context as { attempts: number }).attempts;
const ended = (state: string) => state === 'recovered' || state === 'escalated';

describe('always', () => {
  it('holds where it holds, and names the state where it does not', () => {
    const ok = checkStrategy(patientRetry, { properties: [{ name: 'at most 4 attempts', always: (_s, c) => attemptsOf(c) <= 4 }] });
    if (!ok.ok) throw new Error(formatCheckResult(ok));
    expect(ok.properties).toContain('at most 4 attempts');
    const bad = checkStrategy(patientRetry, { properties: [{ name: 'two tries are enough', always: (_s, c) => attemptsOf(c) <= 2 || `attempt ${attemptsOf(c)}` }] });
    const v = bad.violations.find((x) => x.property === 'two tries are enough')!;
    expect(v.message).toBe('attempt 3');
    expect(v.trace.at(-1)).toMatchObject({ state: 'attempting', attempts: 3 });
  });
});

describe('eventually', () => {
  it('holds when every run gets there', () => {
    const result = checkStrategy(patientRetry, { properties: [{ name: 'ends', eventually: ended }] });
    if (!result.ok) throw new Error(formatCheckResult(result));
  });

  it('a run that ends without getting there is the shortest such run', () => {
    const result = checkStrategy(patientRetry, { properties: [{ name: 'recovers', eventually: (s) => s === 'recovered' }] });
    const v = result.violations.find((x) => x.property === 'recovers')!;
    expect(v.message).toBe("a run ends in 'escalated' without ever reaching a state where 'recovers' holds");
    expect(v.trace.map((s) => s.event.type)).toEqual(['start', 'send']);
  });

  it('a run that loops forever without getting there is a lasso', () => {
    const result = checkStrategy(cooldownLivelock, { properties: [{ name: 'ends', eventually: ended }] });
    const v = result.violations.find((x) => x.property === 'ends')!;
    expect(v.loopStart).toBeGreaterThan(0);
    expect(v.message).toMatch(/a run loops forever through 'cooldown' → 'attempting' without ever reaching a state where 'ends' holds/);
  });

  it('works on bare machines', async () => {
    const { setup } = await import('xstate');
    const light = setup({ delays: { timer: 100 } }).createMachine({
      id: 'light',
      initial: 'on',
      states: { on: { after: { timer: 'off' }, on: { DIM: 'dim' } }, dim: { after: { timer: 'off' } }, off: { type: 'final' } },
    });
    const result = checkMachine(light, { events: [{ type: 'DIM' }], properties: [{ name: 'dims first', eventually: (s) => s === 'dim' }] });
    const v = result.violations.find((x) => x.property === 'dims first')!;
    expect(v.message).toBe("a run ends in 'off' without ever reaching a state where 'dims first' holds");
    expect(v.trace.map((s) => s.state)).toEqual(['on', 'off']);
  });
});

describe('malformed properties', () => {
  it.each([
    [[{ name: '', always: () => true }], /`name` must be a non-empty string/],
    [[{ name: 'x' }], /'x' needs exactly one of `always` or `eventually`/],
    [[{ name: 'x', always: () => true, eventually: () => true }], /exactly one/],
    [[{ name: 'x', always: () => true }, { name: 'x', eventually: () => true }], /the name 'x' is used twice/],
  ])('%j is refused with a ValidationError', (properties, message) => {
    expect(() => checkStrategy(patientRetry, { properties: properties as UserProperty[] })).toThrow(ValidationError);
    expect(() => checkStrategy(patientRetry, { properties: properties as UserProperty[] })).toThrow(message);
  });
});
