// The whole system: the real orchestrator machine with 2 and 3 real plugin
// machines, faults at every hook, the registry's ordering rules as the scheduler.
import { describe, expect, it } from 'vitest';
import { checkSystem, formatCheckResult, SYSTEM_PROPERTIES, type CheckResult } from '../../src/check/index.js';

function expectOk(result: CheckResult): void {
  if (!result.ok) throw new Error(formatCheckResult(result));
  expect(result.complete).toBe(true);
  expect(result.properties).toEqual([...SYSTEM_PROPERTIES]);
}

const two = [{ name: 'a' }, { name: 'b', dependencies: ['a'] }];
const three = [{ name: 'a' }, { name: 'b', dependencies: ['a'] }, { name: 'c', dependencies: ['a', 'b'] }];

describe('checkSystem', () => {
  it('orchestrator + 2 plugins: dependencies first, no execution after shutdown, shutdown reached, all disposed', () => {
    const result = checkSystem({ plugins: two, executeGate: 'orchestrator' });
    expectOk(result);
    expect(result.statesExplored).toBeGreaterThan(500);
  });

  it('orchestrator + 3 plugins with a diamond of dependencies', () => {
    const result = checkSystem({ plugins: three, executeGate: 'orchestrator' });
    expectOk(result);
    expect(result.statesExplored).toBeGreaterThan(5000);
  });

  it('more faults per run still pass (2 plugins, 3 hook failures, 2 executions each)', () => {
    expectOk(checkSystem({ plugins: two, executeGate: 'orchestrator', hookFaults: 3, executionsPerPlugin: 2 }));
  });

  it('with only the registry gating executions, a plugin can start executing after shutdown began', () => {
    const result = checkSystem({ plugins: two, executeGate: 'registry' });
    expect(result.violations.map((v) => v.property)).toEqual(['no-execute-after-shutdown']);
    const trace = result.violations[0]!.trace;
    const shutdownAt = trace.findIndex((s) => s.event.type === 'send' && s.event.event.type === 'SHUTDOWN');
    const last = trace.at(-1)!;
    expect(shutdownAt).toBeGreaterThan(0);
    expect(last.event).toMatchObject({ type: 'send', event: { type: 'EXECUTE' } });
    expect(last.state).toMatch(/orchestrator=active\.shuttingDown\.components/);
    expect(last.state).toMatch(/=executing/);
  });

  it('rejects a dependency that is not an earlier plugin', () => {
    expect(() => checkSystem({ plugins: [{ name: 'a', dependencies: ['b'] }, { name: 'b' }] })).toThrow(/must be listed before it/);
    expect(() => checkSystem({ plugins: [] })).toThrow(/at least one plugin/);
  });
});
