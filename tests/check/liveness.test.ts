// Liveness judged honestly: a final state must stay reachable without SHUTDOWN
// (the environment is not obliged to send it), reachable cycles that never end
// are reported as lassos under the stated fairness (a scheduled delay
// eventually elapses), and the shape's rules — SHUTDOWN accepted everywhere, one
// recovery step in flight — are checked in every reachable state.
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { checkMachine, checkStrategy, formatCheckResult, replayTrace, type CheckResult } from '../../src/check/index.js';
import { attempt, context, finals, output, transient, types } from '../../examples/strategies/kit.js';
import { cooldownLivelock, deafAfterCleanup, parallelCleanup, unfinishedCleanup } from '../../examples/strategies/brokenLiveness.js';

const only = (result: CheckResult) => result.violations.map((v) => v.property);
const violation = (result: CheckResult, property: string) => {
  const v = result.violations.find((x) => x.property === property);
  if (!v) throw new Error(`no ${property} violation:\n${formatCheckResult(result)}`);
  return v;
};

describe('no-livelock: fair cycles that never reach a final state', () => {
  it('catches the uncounted cooldown as a lasso: prefix, then the loop', () => {
    const result = checkStrategy(cooldownLivelock);
    expect(only(result)).toEqual(['no-livelock']);
    const v = violation(result, 'no-livelock');
    expect(v.loopStart).toBe(2);
    expect(v.trace.map((s) => `${s.event.type}→${s.state}`)).toEqual(['start→waiting', 'delay→attempting', 'fail→cooldown', 'delay→attempting']);
    // The loop comes back to the state it left: same state, same attempts, and time passes.
    expect(v.trace[3]).toMatchObject({ state: v.trace[1]!.state, attempts: v.trace[1]!.attempts });
    expect(v.trace[3]!.timeMs).toBeGreaterThan(v.trace[1]!.timeMs);
    expect(formatCheckResult(result)).toMatch(/── loop \(back to step 1's state, forever\):/);
  });

  it('the lasso replays on the real runtime, loop included', async () => {
    const v = violation(checkStrategy(cooldownLivelock), 'no-livelock');
    const replay = await replayTrace(cooldownLivelock, v.trace);
    expect(replay.followed, replay.message).toBe(true);
  });

  it('catches an instant, uncounted retry (no timer anywhere: a loop of answers alone is fair)', () => {
    const machine = setup({ types, actors: { attempt }, guards: { transient } }).createMachine({
      id: 'hammer',
      initial: 'attempting',
      context,
      output,
      on: { SHUTDOWN: '.escalated' },
      states: {
        attempting: { invoke: { id: 'attempt', src: 'attempt', input: () => ({ attempt: 0 }), onDone: 'recovered', onError: [{ guard: 'transient', target: 'attempting', reenter: true }, { target: 'escalated' }] } },
        ...finals('hammer'),
      },
    });
    const v = violation(checkStrategy({ name: 'hammer', machine, bound: 3 }), 'no-livelock');
    expect(v.message).toMatch(/with no timer pending/);
    expect(v.trace.slice(v.loopStart).map((s) => s.event)).toEqual([{ type: 'fail', actor: 'attempt', fault: 'transient' }]);
  });

  it('is fair: a loop of instant answers while a deadline is pending is no livelock (the deadline fires for real)', () => {
    const machine = setup({ types, actors: { attempt }, delays: { deadline: 1000 }, guards: { transient } }).createMachine({
      id: 'until_deadline',
      initial: 'trying',
      context,
      output,
      on: { SHUTDOWN: '.escalated' },
      states: {
        trying: {
          after: { deadline: 'escalated' },
          initial: 'attempting',
          states: {
            attempting: { invoke: { id: 'attempt', src: 'attempt', input: () => ({ attempt: 0 }), onDone: '#until_deadline.recovered', onError: [{ guard: 'transient', target: 'attempting', reenter: true }, { target: '#until_deadline.escalated' }] } },
          },
        },
        ...finals('until_deadline'),
      },
    });
    const result = checkStrategy({ name: 'until_deadline', machine });
    expect(result.properties).toContain('no-livelock');
    if (!result.ok) throw new Error(formatCheckResult(result));
  });

  it('does not blame the environment: a loop that needs an event sent each time is not the machine\'s livelock', () => {
    const machine = setup({ types: {} as { events: { type: 'PING' } | { type: 'END' } } }).createMachine({
      id: 'pinger',
      initial: 'a',
      states: { a: { on: { PING: 'b', END: 'done' } }, b: { on: { PING: 'a', END: 'done' } }, done: { type: 'final' } },
    });
    const result = checkMachine(machine, { events: [{ type: 'PING' }, { type: 'END' }] });
    expect(result.properties).toEqual(['no-error-status', 'final-reachable', 'no-livelock']);
    expect(result.ok).toBe(true);
  });
});

describe('final-reachable, judged without SHUTDOWN', () => {
  it('finds the deadlock SHUTDOWN used to mask, naming the stuck state', () => {
    const result = checkStrategy(unfinishedCleanup);
    expect(only(result)).toEqual(['final-reachable']);
    const v = violation(result, 'final-reachable');
    expect(v.message).toMatch(/deadlock: in 'cleaning\.freed' .*only a SHUTDOWN would end the run/);
    expect(result.properties).toContain('final-reachable-with-shutdown');
  });

  it('with --no-shutdown there is one judgement, and the deadlock is still found', () => {
    const result = checkStrategy(unfinishedCleanup, { faults: { shutdown: 0 } });
    expect(only(result)).toEqual(['final-reachable']);
    expect(result.properties).not.toContain('final-reachable-with-shutdown');
    expect(result.properties).not.toContain('shutdown-accepted');
  });
});

describe('the shape\'s rules', () => {
  it('SHUTDOWN ignored in a state reached only after the cleanup is named', () => {
    const v = violation(checkStrategy(deafAfterCleanup), 'shutdown-accepted');
    expect(v.message).toBe("SHUTDOWN is ignored in 'retrying': every non-final state must go to 'escalated' on SHUTDOWN");
    expect(v.trace.map((s) => s.event.type)).toEqual(['start', 'done', 'send']);
  });

  it('SHUTDOWN that leads anywhere but escalated is a violation', () => {
    const machine = setup({ types, actors: { attempt } }).createMachine({
      id: 'optimist',
      initial: 'attempting',
      context,
      output,
      on: { SHUTDOWN: '.recovered' },
      states: { attempting: { invoke: { id: 'attempt', src: 'attempt', input: () => ({ attempt: 0 }), onDone: 'recovered', onError: 'escalated' } }, ...finals('optimist') },
    });
    const v = violation(checkStrategy({ name: 'optimist', machine }), 'shutdown-accepted');
    expect(v.message).toBe("SHUTDOWN in 'attempting' led to 'recovered', not to the final state 'escalated'");
  });

  it('a strategy with no SHUTDOWN handler at all is caught in its first state', () => {
    const machine = setup({ types, actors: { attempt } }).createMachine({
      id: 'deaf',
      initial: 'attempting',
      context,
      output,
      states: { attempting: { invoke: { id: 'attempt', src: 'attempt', input: () => ({ attempt: 0 }), onDone: 'recovered', onError: 'escalated' } }, ...finals('deaf') },
    });
    expect(violation(checkStrategy({ name: 'deaf', machine }), 'shutdown-accepted').trace.map((s) => s.state)).toEqual(['attempting', 'attempting']);
  });

  it('cleanup and attempt in flight at once break single-recovery-in-flight, unless allowed together', () => {
    const v = violation(checkStrategy(parallelCleanup), 'single-recovery-in-flight');
    expect(v.message).toMatch(/2 recovery steps run at once .*: cleanup, attempt/);
    const allowed = checkStrategy(parallelCleanup, { allowConcurrent: [['cleanup', 'attempt']] });
    expect(only(allowed)).toEqual([]);
  });
});
