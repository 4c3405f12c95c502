// The supervisor machine model-checked with real plugin machines: slots,
// failing calls, recoveries that re-run or restart, SHUTDOWN at any moment.
// The registry's old slot discipline (a failed call kept its slot while its
// re-run waited for one) is kept as a model, and the checker finds its deadlock;
// so is the old restart-intensity discipline (each recovery read the log, then
// restarted later), and the checker finds two recoveries exceeding the limit.
import { describe, expect, it } from 'vitest';
import { assign } from 'xstate';
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

  describe('restart intensity', () => {
    // Two calls to one plugin fail at once; each recovery decides to restart from the log it reads, then asks.
    const race = { plugins: 1, maxConcurrency: 2, calls: 2, failures: 2, maxRestarts: 1, shutdown: false } as const;

    it('the old read-then-restart discipline exceeds it: two recoveries both read room, both restart', () => {
      const result = checkSupervisor({ ...race, intensity: 'read-then-restart' });
      expect(result.ok).toBe(false);
      const violation = result.violations.find((v) => v.property === 'restart-intensity')!;
      expect(violation.message).toBe("plugin 'p0' was restarted by a recovery at tick 0 after 1 restarts within 1 ticks (maxRestarts 1)");
      // The trace: both recoveries decide before either restarts, then both restarts are allowed.
      const moves = violation.trace.map((step) => (step.event.type === 'done' ? step.event.actor : step.event.type === 'send' ? step.event.event.type : step.event.type));
      const decisions = moves.flatMap((m, k) => (m === 'restart decision' ? [k] : []));
      const restarts = moves.flatMap((m, k) => (m === 'RESTART' ? [k] : []));
      expect(decisions).toHaveLength(2);
      expect(restarts).toHaveLength(2);
      expect(Math.max(...decisions)).toBeLessThan(Math.min(...restarts));
      expect(violation.trace.at(-1)!.state).toMatch(/p0=\w+\(restarted at 0, 0\)/);
    });

    it('the supervisor has none: it checks and records in one transition, and the second recovery escalates', () => {
      expectOk(checkSupervisor(race));
    });

    it('with a clock: restarts are allowed again once the window has passed, never before (3 calls, 3 failures, user restarts, shutdown)', () => {
      const result = checkSupervisor({ plugins: 1, maxConcurrency: 2, calls: 3, failures: 3, maxRestarts: 1, withinTicks: 1, userRestarts: 1 });
      expectOk(result);
      expect(result.statesExplored).toBeGreaterThan(10_000);
    });

    it('2 plugins, 2 slots, 3 calls, 2 simultaneous failures, shutdown', () => {
      expectOk(checkSupervisor({ plugins: 2, maxConcurrency: 2, calls: 3, failures: 2, maxRestarts: 1 }));
    });

    it('a supervisor that does not check the limit is caught, and one that never lets a restart out of the window too', async () => {
      const { supervisorMachine } = await import('../../machines/supervisor.machine.js');
      const unchecked = checkSupervisor({ ...race, supervisorMachine: supervisorMachine.provide({ guards: { withinIntensity: () => true } }) });
      expect(unchecked.violations.find((v) => v.property === 'restart-intensity')!.message).toMatch(/restarted by a recovery at tick 0 after 1 restarts/);
      const { withinIntensity } = await import('../../machines/restartIntensity.js');
      const forever = supervisorMachine.provide({
        guards: {
          withinIntensity: ({ context, event }) =>
            event.type !== 'RESTART' || event.intensity === undefined || withinIntensity(context.restartLogs[event.plugin] ?? [], event.at, { ...event.intensity, withinMs: Infinity }),
        },
      });
      const result = checkSupervisor({ plugins: 1, maxConcurrency: 1, calls: 2, failures: 2, maxRestarts: 1, shutdown: false, supervisorMachine: forever });
      expect(result.violations.find((v) => v.property === 'restart-intensity')!.message).toMatch(/refused a recovery's restart of plugin 'p0' at tick 2 with only 0 restarts within 1 ticks/);
    });

    it('a supervisor that allows a restart without recording it is caught', async () => {
      const { supervisorMachine } = await import('../../machines/supervisor.machine.js');
      const forgetful = supervisorMachine.provide({
        actions: {
          beginRestart: assign(({ context, event }) =>
            event.type === 'RESTART' ? { restarts: context.restarts + 1, restarting: { ...context.restarting, [event.plugin]: event.cause } } : {},
          ),
        },
      });
      const result = checkSupervisor({ ...race, supervisorMachine: forgetful });
      expect(result.violations.find((v) => v.property === 'restart-intensity')!.message).toBe("the supervisor's restart log of plugin 'p0' is [], but it allowed restarts at ticks [0]");
    });
  });

  it('rejects options out of range', () => {
    expect(() => checkSupervisor({ maxConcurrency: 0 })).toThrow(/maxConcurrency must be an integer ≥ 1/);
    expect(() => checkSupervisor({ maxRestarts: -1 })).toThrow(/maxRestarts must be an integer ≥ 0/);
  });
});
