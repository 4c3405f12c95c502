/**
 * Replays a counterexample trace against the real runtime: the strategy's machine
 * runs in a real XState actor, its invoked actors are replaced by stubs that
 * answer exactly as the trace says (resolve, or reject with the fault's error),
 * and time is a simulated clock (XState's `clock` option): the machine's own
 * delay functions run and schedule real-length timers, and a trace's "delay
 * elapses (+N ms)" advances the clock to the earliest timer, which must be due
 * exactly N ms later. After each step the real actor's state, emitted events
 * and time are compared with the trace's.
 */
import { createActor, fromPromise, type AnyActorRef, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { ValidationError } from '../errors/ValidationError.js';
import { stateValueToString } from './abstraction.js';
import { defaultStrategyInput, isCheckableStrategy, withStageOutputs } from './checkMachine.js';
import { createFaultError } from './faults.js';
import { applyInputPoint } from './inputs.js';
import { describeEnvEvent } from './format.js';
import type { CheckableStrategy, FaultModel, TraceStep } from './types.js';

/** Options of `replayTrace`. */
export interface ReplayOptions {
  /** The input the check used. Default: the same default as `checkStrategy`. */
  input?: unknown;
  /** The fault model the check used (only `outputs` matters here). Default: none. */
  faults?: FaultModel;
  /** How long to wait (real time) for the real actor to move after an invoke answers, in ms. Default 2000. */
  stepTimeoutMs?: number;
}

/** How one step of the replay went. */
export interface ReplayStep {
  /** Index in the trace. */
  index: number;
  /** The step in words. */
  event: string;
  /** The state the trace expects. */
  expected: string;
  /** The state the real actor reached. */
  actual: string;
  /** Events the real actor emitted during the step. */
  emitted: string[];
  /** Whether the state (and emitted events) matched. */
  ok: boolean;
}

/** The outcome of a replay. */
export interface ReplayResult {
  /** True when the real run followed every step of the trace. */
  followed: boolean;
  /** Each step replayed (stops after the first divergence). */
  steps: ReplayStep[];
  /** Index of the first step that diverged, if any. */
  divergedAt?: number;
  /** A sentence saying what happened. */
  message: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A queue of snapshots the actor reported, awaited one at a time. */
class SnapshotQueue {
  private readonly items: AnyMachineSnapshot[] = [];
  private waiter: ((snapshot: AnyMachineSnapshot | undefined) => void) | undefined;

  push(snapshot: AnyMachineSnapshot): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(snapshot);
    } else this.items.push(snapshot);
  }

  next(timeoutMs: number): Promise<AnyMachineSnapshot | undefined> {
    const first = this.items.shift();
    if (first) return Promise.resolve(first);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = (snapshot) => {
        clearTimeout(timer);
        resolve(snapshot);
      };
    });
  }
}

/** XState's clock, simulated: timers fire only when the replay advances time to them. */
class SimulatedClock {
  now = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): number {
    const id = this.next++;
    this.timers.set(id, { at: this.now + Math.max(0, Number(ms) || 0), fn });
    return id;
  }

  clearTimeout(id: number): void {
    this.timers.delete(id);
  }

  /** The earliest timer (first scheduled among equals), or undefined. */
  earliest(): { id: number; at: number } | undefined {
    let best: { id: number; at: number } | undefined;
    for (const [id, t] of this.timers) if (!best || t.at < best.at) best = { id, at: t.at };
    return best;
  }

  /** Advances to timer `id` and runs it. */
  fire(id: number): void {
    const t = this.timers.get(id)!;
    this.timers.delete(id);
    this.now = t.at;
    t.fn();
  }
}

function stateText(snapshot: AnyMachineSnapshot): string {
  const value = stateValueToString(snapshot.value);
  return snapshot.status === 'error' ? `${value} (error)` : value;
}

/**
 * Replays `trace` (from a `checkStrategy` violation) on a real actor of
 * `strategy.machine` and reports whether the real run follows it step by step.
 * Never throws for a divergence; throws ValidationError for a malformed trace.
 */
export async function replayTrace(strategy: CheckableStrategy, trace: readonly TraceStep[], options: ReplayOptions = {}): Promise<ReplayResult> {
  if (!isCheckableStrategy(strategy)) {
    throw new ValidationError('replayTrace(strategy, trace) needs a strategy { name, machine }', { component: 'check', issues: [{ path: 'strategy', message: 'expected { name, machine }' }] });
  }
  const first = trace[0];
  if (first && /^stage\d+\(/.test(first.state)) {
    throw new ValidationError(
      "replayTrace: this trace runs through a composition's stages (several machines), which cannot be replayed on one actor; replay a stage's own counterexample (checkStrategy(stage)) instead",
      { component: 'check', issues: [{ path: 'trace', message: 'a through-stages trace' }] },
    );
  }
  if (!first || first.event.type !== 'start') {
    throw new ValidationError("replayTrace: a trace starts with a 'start' step (as in a CheckResult violation)", { component: 'check', issues: [{ path: 'trace[0]', message: "expected { event: { type: 'start' } }" }] });
  }
  const baseInput = (options.input ?? defaultStrategyInput()) as Record<string, unknown>;
  // A start from a point of the input domain names its point; older traces only said 'plugin disposed'.
  const point = first.event.point ?? (first.event.variant === 'plugin disposed' ? { pluginState: 'disposed' } : undefined);
  const input = applyInputPoint(baseInput, point);
  const plugin = typeof input.plugin === 'string' ? input.plugin : undefined;
  const outputs = withStageOutputs(strategy, options.faults?.outputs ?? {});
  const timeoutMs = options.stepTimeoutMs ?? 2000;

  const pending = new Map<string, Pending>();
  const machine = strategy.machine;
  const implementations = machine.implementations as { actors?: Record<string, unknown> };
  const stubs: Record<string, unknown> = {};
  for (const src of Object.keys(implementations.actors ?? {})) {
    stubs[src] = fromPromise(({ self }) => new Promise((resolve, reject) => pending.set(self.id, { resolve, reject })));
  }
  // Only the invoked actors are replaced: the delays are the machine's own.
  const provided = machine.provide({ actors: stubs } as never);

  const queue = new SnapshotQueue();
  let emitted: string[] = [];
  const clock = new SimulatedClock();
  const actor: AnyActorRef = createActor(provided, { input, clock } as never);
  // An actor that enters XState's error status reports it as an error, not a snapshot: it is a step all the same.
  actor.subscribe({ next: (s: AnyMachineSnapshot) => queue.push(s), error: () => queue.push(actor.getSnapshot() as AnyMachineSnapshot) });
  actor.on('*', (e: EventObject) => emitted.push(e.type));

  const steps: ReplayStep[] = [];
  const finish = (followed: boolean, message: string, divergedAt?: number): ReplayResult => {
    actor.stop();
    const result: ReplayResult = { followed, steps, message };
    if (divergedAt !== undefined) result.divergedAt = divergedAt;
    return result;
  };

  actor.start();
  for (let i = 0; i < trace.length; i++) {
    const step = trace[i]!;
    const move = step.event;
    if (i > 0) {
      switch (move.type) {
        case 'start':
          return finish(false, `step ${i}: a 'start' can only come first`, i);
        case 'done':
        case 'fail': {
          const answer = pending.get(move.actor);
          if (!answer) {
            steps.push({ index: i, event: describeEnvEvent(move), expected: step.state, actual: stateText(actor.getSnapshot() as AnyMachineSnapshot), emitted: [], ok: false });
            return finish(false, `step ${i}: the trace answers invoke '${move.actor}', but the real run has no such invoke waiting`, i);
          }
          pending.delete(move.actor);
          if (move.type === 'done') answer.resolve((outputs[move.actor] ?? [undefined])[move.output]);
          else answer.reject(createFaultError(move.fault, move.actor, plugin));
          break;
        }
        case 'send':
          actor.send(move.event);
          break;
        case 'delay': {
          const timer = clock.earliest();
          if (!timer || timer.at - clock.now !== move.ms) {
            const actual = timer ? `the earliest timer of the real run is due in ${timer.at - clock.now} ms` : 'the real run has no timer pending';
            steps.push({ index: i, event: describeEnvEvent(move), expected: step.state, actual: stateText(actor.getSnapshot() as AnyMachineSnapshot), emitted: [], ok: false });
            return finish(false, `step ${i} (${describeEnvEvent(move)}): ${actual}`, i);
          }
          clock.fire(timer.id);
          break;
        }
        case 'dispose':
          // The environment changed; the machine is not told, so nothing moves.
          steps.push({ index: i, event: describeEnvEvent(move), expected: step.state, actual: stateText(actor.getSnapshot() as AnyMachineSnapshot), emitted: [], ok: true });
          continue;
      }
    }
    const snapshot = await queue.next(timeoutMs);
    const actual = snapshot ? stateText(snapshot) : `${stateText(actor.getSnapshot() as AnyMachineSnapshot)} (did not move within ${timeoutMs} ms)`;
    const got = emitted;
    emitted = [];
    const onTime = clock.now === step.timeMs;
    const ok = !!snapshot && actual === step.state && sameList(got, step.emitted) && onTime;
    steps.push({ index: i, event: describeEnvEvent(move), expected: step.state, actual, emitted: got, ok });
    if (!ok) {
      const why =
        actual !== step.state
          ? `reached '${actual}' where the trace says '${step.state}'`
          : !sameList(got, step.emitted)
            ? `emitted [${got.join(', ')}] where the trace says [${step.emitted.join(', ')}]`
            : `is at ${clock.now} ms where the trace says ${step.timeMs} ms`;
      return finish(false, `step ${i} (${describeEnvEvent(move)}): the real run ${why}`, i);
    }
  }
  return finish(true, `the real run followed all ${trace.length} steps of the trace`);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
