// The supervisor machine model-checked with real plugin machines: slots,
// failing calls, recoveries that re-run or restart, SHUTDOWN at any moment.
// The registry's old slot discipline (a failed call kept its slot while its
// re-run waited for one) is kept as a model, and the checker finds its deadlock.
import { describe, expect, it } from 'vitest';
import { checkSupervisor, formatCheckResult, SUPERVISOR_PROPERTIES, type CheckResult } from '../../src/check/index.js';

function expectOk(result: CheckResult): void {
  if (!result.ok) throw new Error(formatCheckResult(result));
  expect(result.complete).toBe(true);
  expect(result.properties).toEqual([...SUPERVISOR_PROPERTIES]);
}

describe('checkSupervisor', () => {
  it('the old discipline deadlocks: the checker returns the trace of a re-run waiting behind its own slot', () => {
    const result = checkSupervisor({ plugins: 2, maxConcurrency: 1, discipline: 'held-through-recovery', shutdown: false, restarts: 0 });
    expect(result.ok).toBe(false);
    const deadlock = result.violations.find((v) => v.property === 'final-reachable')!;
    expect(deadlock.message).toMatch(/deadlock|no final state can be reached/);
    // The trace reaches the doomed state: the only slot held by a failed call whose re-run can never get one.
    expect(deadlock.trace.some((step) => step.event.type === 'fail' && step.event.actor === 'execution')).toBe(true);
    const last = deadlock.trace.at(-1)!;
    expect(last.state).toMatch(/inUse 1/);
    expect(last.state).toMatch(/holds a slot/);
  });

  it('the old discipline deadlocks at maxConcurrency 2 with two failing calls at once', () => {
    const result = checkSupervisor({ plugins: 2, maxConcurrency: 2, calls: 2, failures: 2, discipline: 'held-through-recovery', shutdown: false, restarts: 0 });
    const deadlock = result.violations.find((v) => v.property === 'final-reachable')!;
    const last = deadlock.trace.at(-1)!.state;
    expect(last).toMatch(/inUse 2/);
    expect(last.match(/holds a slot/g)).toHaveLength(2);
  });

  it('the supervisor has none: 2 plugins, 1 slot, retries and restarts, no shutdown', () => {
    expectOk(checkSupervisor({ plugins: 2, maxConcurrency: 1, shutdown: false }));
  });

  it('the supervisor with SHUTDOWN at any moment: nothing starts after it, every call answered, slots bounded', () => {
    const result = checkSupervisor({ plugins: 2, maxConcurrency: 1 });
    expectOk(result);
    expect(result.statesExplored).toBeGreaterThan(1000);
  });

  it('2 slots, 3 calls, 2 simultaneous failures, shutdown', () => {
    expectOk(checkSupervisor({ plugins: 2, maxConcurrency: 2, calls: 3, failures: 2 }));
  });

  it('3 plugins, 2 slots, 3 calls, shutdown', () => {
    expectOk(checkSupervisor({ plugins: 3, maxConcurrency: 2, calls: 3, failures: 2 }));
  });

  it('a supervisor that lets calls start after SHUTDOWN is caught', async () => {
    const { supervisorMachine } = await import('../../machines/supervisor.machine.js');
    // A broken variant: in `stopping`, a CALL still takes a free slot.
    const { emitStart, takeSlot } = supervisorMachine.implementations.actions;
    const broken = supervisorMachine.provide({ actions: { dropCall: emitStart as never, countDrop: takeSlot as never } });
    const result = checkSupervisor({ plugins: 1, maxConcurrency: 1, calls: 2, supervisorMachine: broken });
    expect(result.violations.map((v) => v.property)).toContain('no-hook-after-shutdown');
  });

  it('a supervisor that lets a restart on its way go on after SHUTDOWN is caught: the plugin initializes again', async () => {
    const { supervisorMachine } = await import('../../machines/supervisor.machine.js');
    const broken = supervisorMachine.provide({ actions: { cancelRestarts: () => undefined } });
    const result = checkSupervisor({ plugins: 1, maxConcurrency: 1, calls: 1, failures: 1, supervisorMachine: broken });
    const violation = result.violations.find((v) => v.property === 'no-hook-after-shutdown')!;
    expect(violation.message).toMatch(/started its initialize after SHUTDOWN/);
    expect(violation.trace.map((step) => step.event.type === 'send' && step.event.event.type)).toContain('SHUTDOWN');
  });

  it('a supervisor that loses count of the calls in recovery is caught', async () => {
    const { supervisorMachine } = await import('../../machines/supervisor.machine.js');
    const broken = supervisorMachine.provide({ actions: { leaveRecovery: () => undefined } });
    const result = checkSupervisor({ plugins: 1, maxConcurrency: 1, calls: 1, failures: 1, shutdown: false, supervisorMachine: broken });
    const violation = result.violations.find((v) => v.property === 'recoveries-accounted')!;
    expect(violation.message).toMatch(/counts 1 calls in recovery, but 0 wait for one/);
  });

  it('a supervisor that keeps the starts waiting at SHUTDOWN is caught: they would wait forever', async () => {
    const { supervisorMachine } = await import('../../machines/supervisor.machine.js');
    const broken = supervisorMachine.provide({ actions: { dropStarts: () => undefined } });
    const result = checkSupervisor({ plugins: 2, maxConcurrency: 1, calls: 1, failures: 0, restarts: 0, supervisorMachine: broken });
    const stuck = result.violations.find((v) => v.property === 'final-reachable')!;
    expect(stuck.trace.at(-1)!.state).toMatch(/supervisor=stopped.*starts waiting 1/);
  });

  it('a supervisor that starts more initializes than it has slots is caught', async () => {
    const { supervisorMachine } = await import('../../machines/supervisor.machine.js');
    const broken = supervisorMachine.provide({ guards: { startSlotFree: () => true } });
    const result = checkSupervisor({ plugins: 2, maxConcurrency: 1, calls: 1, failures: 0, restarts: 0, shutdown: false, supervisorMachine: broken });
    const violation = result.violations.find((v) => v.property === 'slots-bounded')!;
    expect(violation.message).toMatch(/2 start slots in use, more than maxConcurrency 1/);
  });

  it('rejects options out of range', () => {
    expect(() => checkSupervisor({ maxConcurrency: 0 })).toThrow(/maxConcurrency must be an integer ≥ 1/);
  });
});
