/**
 * The supervisor check: the real supervisor machine (machines/supervisor.machine.ts)
 * composed with N real plugin machines, execution slots, application calls that
 * fail, recoveries that re-run them or restart their plugin, and SHUTDOWN at any
 * moment — explored as a product with pure transitions, like `checkSystem`.
 *
 * What is modelled, exactly (the registry's moves are the environment; every
 * decision among them is the supervisor machine's, asked as the registry asks it):
 * - plugins start `loaded`; the start sequence asks START_PLUGIN for each (once,
 *   at any moment; refused after SHUTDOWN) and waits in a FIFO until a
 *   `supervisor:initialize` gives it a start slot, then sends INITIALIZE; the
 *   slot goes back (STARTED) once the plugin left `initializing`; a start still
 *   waiting at SHUTDOWN is dropped (`supervisor:drop-starts`: the plugin is sent
 *   FAIL, as the registry does); hooks (initialize, dispose) end when the
 *   environment says so;
 * - the application issues `calls` calls, call k to plugin k mod N, at any
 *   moment: each is a CALL to the supervisor and waits in a FIFO until a
 *   `supervisor:start` gives it a slot, then an EXECUTE to its plugin (refused
 *   and answered at once when the plugin cannot take it);
 * - an execution ends EXECUTION.DONE (the call is answered) or, while the
 *   `failures` budget lasts, EXECUTION.FAILED: if the supervisor allows RECOVER
 *   the call waits for its recovery, which either re-runs it (a new CALL, queued
 *   like any call) or, while `restarts` last and the supervisor allows RESTART
 *   (cause `recovery`), restarts the plugin and re-runs it once the plugin is
 *   initialized again; a failed re-run answers the call, and the call's answer
 *   is RECOVERED to the supervisor; a restart that ends (the plugin initialized,
 *   failed or disposed) is RESTART_END;
 * - `discipline` says when a call gives its slot back: `supervisor` (the slot is
 *   freed when the plugin answers, before the recovery runs — what the runtime
 *   does) or `held-through-recovery` (the slot is freed only when the call is
 *   finally answered, its re-run waiting for another slot — what the registry did
 *   before the supervisor; kept so the checker shows its deadlock);
 * - SHUTDOWN (when `shutdown` is true) may come once, at any moment, and the model
 *   does what the supervisor emits, as the runtime does: `supervisor:drop` (the
 *   waiting calls are answered), `supervisor:abandon` (the calls in recovery are
 *   answered), `supervisor:cancel-restart` (a restart on its way becomes a
 *   disposal); then the stop sequence asks STOP_PLUGIN for every settled
 *   plugin, each waiting in a FIFO until a `supervisor:dispose` gives it a stop
 *   slot, then DISPOSE (sent again while the plugin does not take it, as the
 *   registry does), and DISPOSE_END (naming the oldest waiting disposal, which
 *   takes the slot) once it is disposed; once every slot is free,
 *   the supervisor is told STOPPED.
 *
 * - restart intensity (when `maxRestarts` is given): time is a logical clock
 *   the environment advances one tick at a time, up to `ticks`; a recovery that
 *   restarts first decides from the restart log it reads (the strategy's
 *   `deciding`: no room, it escalates and the call is answered), then, later,
 *   asks RESTART at the current tick. `intensity` says who enforces the limit:
 *   `supervisor` (the RESTART carries maxRestarts/withinTicks and the supervisor
 *   checks and records in one transition, refusing one past it — what the
 *   runtime does) or `read-then-restart` (the RESTART carries no limit: the
 *   decision read earlier is all there is — what the recovery runtime did
 *   before, with the log kept outside any machine; kept so the checker shows
 *   two recoveries both seeing room). A user may also restart a plugin
 *   (`userRestarts`, cause `user`, never refused for intensity, counted).
 *
 * A run ends when every call is answered and, with `shutdown`, the supervisor is
 * `stopped`. Properties: `no-error-status`, `slots-bounded` (never more slots in
 * use than maxConcurrency, and the supervisor's count matches the calls holding
 * one; the same for start slots and stop slots), `recoveries-accounted` (the supervisor's `recovering` counts exactly the
 * calls waiting for their recovery, and `restarting` exactly the plugins whose
 * restart has not ended), `no-hook-after-shutdown` (no initialize and no
 * execution starts once SHUTDOWN was sent), `restart-intensity` (every restart the
 * supervisor allowed is in its restart log, at the tick it was allowed; and no
 * recovery's restart is allowed while the restarts already allowed within
 * `withinTicks` of it number `maxRestarts`, nor refused for intensity while they
 * number fewer), `final-reachable` (from every state a run can still end:
 * no call waits forever — the old discipline's deadlock is a violation of this).
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { pluginMachine } from '../../machines/plugin.machine.js';
import { supervisorMachine } from '../../machines/supervisor.machine.js';
import { ValidationError } from '../errors/ValidationError.js';
import { flatKey, valueKey } from './abstraction.js';
import type { EdgeViolation, ExploreModel, SuccessorSink } from './explore.js';
import { exploreProduct, Runner } from './system.js';
import type { CheckResult, EnvEvent, TraceStep } from './types.js';

/** Options of `checkSupervisor`. */
export interface SupervisorCheckOptions {
  /** How many plugins (independent of each other). Default 2. */
  plugins?: number;
  /** Execution slots. Default 1. */
  maxConcurrency?: number;
  /** Application calls issued per run. Default: maxConcurrency + 1. */
  calls?: number;
  /** Executions that may fail per run. Default: maxConcurrency (that many failing at once). */
  failures?: number;
  /** Plugin restarts recoveries may ask for per run. Default 1 (with `maxRestarts`: maxRestarts + 1, one more than allowed). */
  restarts?: number;
  /** Restarts of a plugin a recovery may have within `withinTicks` (a restart strategy's maxRestarts); turns on the restart-intensity model. Default: no limit. */
  maxRestarts?: number;
  /** The restart-intensity window, in clock ticks. Default 1. */
  withinTicks?: number;
  /** How far the clock may advance, in ticks. Default withinTicks + 1 (so a window can pass). */
  ticks?: number;
  /** Who enforces restart intensity; see the module comment. Default `supervisor`. */
  intensity?: 'supervisor' | 'read-then-restart';
  /** Restarts a user may ask for per run (`registry.restart`, cause `user`). Default 0. */
  userRestarts?: number;
  /** Whether SHUTDOWN may come (once, at any moment). Default true. */
  shutdown?: boolean;
  /** When a failed call gives its slot back; see the module comment. Default `supervisor`. */
  discipline?: 'supervisor' | 'held-through-recovery';
  /** Stop after this many states. Default 1 000 000. */
  maxStates?: number;
  /** The supervisor machine. Default: machines/supervisor.machine.ts. */
  supervisorMachine?: AnyStateMachine;
  /** The plugin machine. Default: machines/plugin.machine.ts. */
  pluginMachine?: AnyStateMachine;
}

/** The properties `checkSupervisor` reports, in order. */
export const SUPERVISOR_PROPERTIES = ['no-error-status', 'slots-bounded', 'recoveries-accounted', 'no-hook-after-shutdown', 'restart-intensity', 'final-reachable'] as const;

/** Where a call is. */
const enum Call {
  /** Not issued yet. */
  Idle = 0,
  /** Waiting in the supervisor's FIFO. */
  Queued = 1,
  /** Sent to its plugin, holding a slot. */
  Running = 2,
  /** Failed; its recovery decides. */
  Recovering = 3,
  /** Its recovery restarts the plugin; the re-run follows. */
  Restarting = 4,
  /** Answered (resolved or rejected). */
  Answered = 5,
  /** Its recovery read the restart log, found room, and will ask for the restart. */
  Decided = 6,
}

interface SupState {
  sv: AnyMachineSnapshot;
  svm: number;
  p: AnyMachineSnapshot[];
  pm: number[];
  /** Per call, a Call value. */
  calls: number[];
  /** Per call, whether its current run is the re-run. */
  rerun: boolean[];
  /** Per call, whether it still holds the slot of its first run (held-through-recovery only). */
  holds: boolean[];
  /** Per call, whether it waits for its recovery (RECOVER sent, neither answered nor abandoned yet). */
  recovering: boolean[];
  /** Per plugin, whether a restart the supervisor allowed has not ended yet. */
  restarting: boolean[];
  /** Per plugin, whether the start sequence asked START_PLUGIN for it. */
  startAsked: boolean[];
  /** Per plugin, whether its initialize holds a start slot. */
  starting: boolean[];
  /** Plugins waiting for a start slot, oldest first. */
  startFifo: number[];
  /** Per plugin, whether the stop sequence asked STOP_PLUGIN for it. */
  stopAsked: boolean[];
  /** Per plugin, whether its disposal holds a stop slot. */
  stopSlot: boolean[];
  /** Plugins waiting for a stop slot, oldest first. */
  stopFifo: number[];
  /** Calls waiting for a slot, oldest first. */
  fifo: number[];
  failures: number;
  restarts: number;
  userRestarts: number;
  shutdownSent: boolean;
  /** The logical clock, in ticks. */
  clock: number;
  /** Per plugin, the ticks at which the supervisor allowed a restart (the model's own record). */
  allowed: number[][];
  emitted: string[];
  /** Plugins whose recovery restart (with a limit) the supervisor allowed on this edge (not part of the state). */
  limitedRestart: number[];
  /** Plugins whose recovery restart the supervisor refused on this edge while open and not disposing them (not part of the state). */
  refusedRestart: number[];
}

const ev = (event: { type: string } & Record<string, unknown>): EventObject => event;
const running = (v: string) => v === 'initialized' || v === 'executing';

/** Model-checks the supervisor with plugin machines, slots, failing calls, recoveries and shutdown. */
export function checkSupervisor(options: SupervisorCheckOptions = {}): CheckResult {
  const started = performance.now();
  const n = options.plugins ?? 2;
  const max = options.maxConcurrency ?? 1;
  const callCount = options.calls ?? max + 1;
  const failureBudget = options.failures ?? max;
  const restartBudget = options.restarts ?? (options.maxRestarts === undefined ? 1 : options.maxRestarts + 1);
  const withShutdown = options.shutdown ?? true;
  const held = (options.discipline ?? 'supervisor') === 'held-through-recovery';
  const limit = options.maxRestarts;
  const withinTicks = options.withinTicks ?? 1;
  const tickBudget = options.ticks ?? withinTicks + 1;
  const racy = (options.intensity ?? 'supervisor') === 'read-then-restart';
  const userBudget = options.userRestarts ?? 0;
  for (const [name, value, least] of [
    ['plugins', n, 1],
    ['maxConcurrency', max, 1],
    ['calls', callCount, 1],
    ['failures', failureBudget, 0],
    ['restarts', restartBudget, 0],
    ['maxRestarts', limit ?? 0, 0],
    ['withinTicks', withinTicks, 0],
    ['ticks', tickBudget, 0],
    ['userRestarts', userBudget, 0],
  ] as const) {
    if (!Number.isInteger(value) || value < least) {
      throw new ValidationError(`checkSupervisor: ${name} must be an integer ≥ ${least}, got ${String(value)}`, {
        component: 'check',
        issues: [{ path: name, message: `expected an integer ≥ ${least}` }],
      });
    }
  }
  const supervisor = new Runner(options.supervisorMachine ?? supervisorMachine);
  const plugin = new Runner(options.pluginMachine ?? pluginMachine);
  const names = Array.from({ length: n }, (_, i) => `p${i}`);
  const targetOf = (c: number) => c % n;
  const hookError = Object.assign(new Error('injected execution failure'), { category: 'plugin' });

  const envEvents = new Map<string, EnvEvent>();
  const env = (label: string, make: () => EnvEvent): EnvEvent => {
    let e = envEvents.get(label);
    if (!e) envEvents.set(label, (e = make()));
    return e;
  };
  const pState = (s: SupState, i: number) => valueKey(s.p[i]!.value);
  const svState = (s: SupState) => valueKey(s.sv.value);
  const svCtx = (s: SupState) =>
    s.sv.context as {
      inUse: number;
      waiting: number;
      starting: number;
      startsWaiting: number;
      disposals: number;
      recovering: number;
      restarting: Record<string, string>;
      restartLogs: Record<string, readonly number[]>;
    };
  const inWindow = (log: readonly number[], at: number) => log.filter((t) => at - t <= withinTicks).length;
  const pCtx = (s: SupState, i: number) => s.p[i]!.context as { executions: number; pending: string; restarting: boolean };

  /** A mutable successor: each move copies the state once, then applies its steps. */
  class Next {
    readonly s: SupState;
    changed = false;
    constructor(from: SupState) {
      this.s = {
        ...from,
        p: from.p.slice(),
        pm: from.pm.slice(),
        calls: from.calls.slice(),
        rerun: from.rerun.slice(),
        holds: from.holds.slice(),
        recovering: from.recovering.slice(),
        restarting: from.restarting.slice(),
        startAsked: from.startAsked.slice(),
        starting: from.starting.slice(),
        startFifo: from.startFifo.slice(),
        stopAsked: from.stopAsked.slice(),
        stopSlot: from.stopSlot.slice(),
        stopFifo: from.stopFifo.slice(),
        fifo: from.fifo.slice(),
        allowed: from.allowed.map((log) => log.slice()),
        emitted: [],
        limitedRestart: [],
        refusedRestart: [],
      };
    }

    toPlugin(i: number, label: string, event: EventObject): boolean {
      const r = plugin.step(this.s.p[i]!, this.s.pm[i]!, label, event);
      if (r.snap === this.s.p[i]) return false;
      this.s.p[i] = r.snap;
      this.s.pm[i] = r.id;
      this.s.emitted.push(...r.emitted);
      this.changed = true;
      const v = pState(this.s, i);
      // The start sequence gives its start slot back once the initialize ended.
      if (this.s.starting[i] && v !== 'initializing' && v !== 'loaded') {
        this.s.starting[i] = false;
        this.toSupervisor({ type: 'STARTED' });
      }
      // The registry's restart() ends once the plugin is initialized again, failed, or stopped.
      if (this.s.restarting[i] && (v === 'initialized' || v === 'error' || r.snap.status !== 'active')) {
        this.s.restarting[i] = false;
        this.toSupervisor(ev({ type: 'RESTART_END', plugin: names[i]! }));
      }
      if (this.s.stopSlot[i] && r.snap.status !== 'active') this.endDisposal(i);
      return true;
    }

    /** The disposal of plugin `i` ended: its stop slot goes back. */
    endDisposal(i: number): void {
      this.s.stopSlot[i] = false;
      const next = this.s.stopFifo[0];
      this.toSupervisor(ev({ type: 'DISPOSE_END', plugin: names[i]!, next: next === undefined ? undefined : names[next] }));
    }

    /** Asks the supervisor as the registry does (`snapshot.can`, then send): true when it took the event. */
    ask(event: EventObject): boolean {
      const before = this.s.svm;
      this.toSupervisor(event);
      return this.s.svm !== before;
    }

    // Like an actor's mailbox: an event sent while the supervisor handles another waits its turn.
    private readonly mailbox: EventObject[] = [];
    private busy = false;

    /** Sends to the supervisor and carries out what it emits (starts and drops of waiting calls). */
    toSupervisor(event: EventObject): void {
      this.mailbox.push(event);
      if (this.busy) return;
      this.busy = true;
      while (this.mailbox.length > 0) {
        const e = this.mailbox.shift()!;
        const about = (e as { plugin?: unknown }).plugin;
        // The label keys the runner's cache, so it names the whole payload: a RESTART's cause, tick and limit change its outcome.
        const restart = e as { cause?: string; at?: number; intensity?: unknown };
        const payload = e.type === 'RESTART' ? `:${restart.cause}@${restart.at}${restart.intensity === undefined ? '' : '!'}` : '';
        const r = supervisor.step(this.s.sv, this.s.svm, typeof about === 'string' ? `${e.type}:${about}${payload}` : e.type, e);
        // An event the machine does not take leaves its state as it was (the pure step may still copy the snapshot).
        if (r.id === this.s.svm && r.events.length === 0) continue;
        this.s.sv = r.snap;
        this.s.svm = r.id;
        this.changed = true;
        for (const emitted of r.events) {
          const type = emitted.type;
          this.s.emitted.push(type);
          if (type === 'supervisor:start') {
            const c = this.s.fifo.shift()!;
            if (!this.startCall(c)) this.toSupervisor({ type: 'RELEASE' });
          } else if (type === 'supervisor:drop') {
            // The drop's count is every waiting call (SHUTDOWN) or the one just queued (a CALL after it).
            for (const c of this.s.fifo.splice(0)) this.answer(c);
          } else if (type === 'supervisor:initialize') {
            const i = this.s.startFifo.shift()!;
            this.s.starting[i] = true;
            this.toPlugin(i, 'INITIALIZE', { type: 'INITIALIZE' });
          } else if (type === 'supervisor:dispose') {
            const i = this.s.stopFifo.shift()!;
            this.s.stopSlot[i] = true;
            // Disposed meanwhile (a cancelled restart): the disposal ends at once, as the registry's does.
            if (this.s.p[i]!.status !== 'active') this.endDisposal(i);
            else this.toPlugin(i, 'DISPOSE', { type: 'DISPOSE' });
          } else if (type === 'supervisor:drop-starts') {
            for (const i of this.s.startFifo.splice(0)) this.toPlugin(i, 'FAIL', ev({ type: 'FAIL', phase: 'initialize', error: hookError }));
          } else if (type === 'supervisor:abandon') {
            // Calls waiting for their recovery are answered now; a re-run already asked for is answered by its own run.
            const waiting: number[] = [];
            for (let c = 0; c < callCount; c++) {
              if (!this.s.recovering[c]) continue;
              this.s.recovering[c] = false;
              if (this.s.calls[c] === Call.Recovering || this.s.calls[c] === Call.Restarting || this.s.calls[c] === Call.Decided) waiting.push(c);
            }
            for (const c of waiting) this.answer(c);
          } else if (type === 'supervisor:cancel-restart') {
            const i = names.indexOf((emitted as { plugin?: string }).plugin ?? '');
            const ctx = pCtx(this.s, i);
            if ((pState(this.s, i) === 'disposing' && ctx.restarting) || ctx.pending === 'restart') this.toPlugin(i, 'DISPOSE', { type: 'DISPOSE' });
          }
        }
      }
      this.busy = false;
    }

    /** The call got a slot: EXECUTE to its plugin, or refused at once (false: the slot goes back). */
    startCall(c: number): boolean {
      const i = targetOf(c);
      if (!running(valueKey(this.s.p[i]!.value)) || pCtx(this.s, i).pending !== 'none') {
        this.answer(c);
        return false;
      }
      this.toPlugin(i, 'EXECUTE', ev({ type: 'EXECUTE', requestId: `c${c}`, action: 'run', params: null }));
      this.s.calls[c] = Call.Running;
      return true;
    }

    /** The call is answered; under the old discipline the slot of its first run comes free only now. */
    answer(c: number): void {
      this.s.calls[c] = Call.Answered;
      this.changed = true;
      if (this.s.recovering[c]) {
        this.s.recovering[c] = false;
        this.toSupervisor({ type: 'RECOVERED' });
      }
      if (this.s.holds[c]) {
        this.s.holds[c] = false;
        this.toSupervisor({ type: 'RELEASE' });
      }
    }

    /** The start sequence asks a start slot for plugin `i` (after SHUTDOWN the supervisor drops it at once). */
    requestStart(i: number): void {
      this.s.startAsked[i] = true;
      this.s.startFifo.push(i);
      this.toSupervisor({ type: 'START_PLUGIN' });
    }

    /**
     * Asks the supervisor for a restart of plugin `i` at the current tick, as the
     * registry does; on yes, sends RESTART to the plugin. A recovery's restart
     * carries the limit unless the model is the old read-then-restart one.
     */
    restart(i: number, cause: 'user' | 'recovery'): boolean {
      const limited = cause === 'recovery' && limit !== undefined && !racy;
      const event = ev({
        type: 'RESTART',
        plugin: names[i]!,
        cause,
        at: this.s.clock,
        ...(limited ? { intensity: { maxRestarts: limit, withinMs: withinTicks } } : {}),
      });
      const open = svState(this.s) === 'open' && !(this.s.sv.context as { disposing: string[] }).disposing.includes(names[i]!);
      if (!this.ask(event)) {
        if (limited && open) this.s.refusedRestart.push(i);
        return false;
      }
      this.s.allowed[i]!.push(this.s.clock);
      if (cause === 'recovery' && limit !== undefined) this.s.limitedRestart.push(i);
      this.s.restarting[i] = true;
      this.toPlugin(i, 'RESTART', { type: 'RESTART' });
      return true;
    }

    /** Queues the call for a slot (a first run or a re-run). */
    request(c: number): void {
      this.s.calls[c] = Call.Queued;
      this.s.fifo.push(c);
      this.toSupervisor({ type: 'CALL' });
    }
  }

  const slotsHeld = (s: SupState) => s.calls.filter((c) => c === Call.Running).length + s.holds.filter(Boolean).length;

  const check = (prev: SupState, next: SupState): EdgeViolation[] | undefined => {
    const out: EdgeViolation[] = [];
    if (next.sv.status === 'error') out.push({ property: 'no-error-status', message: `the supervisor entered XState's error status in '${svState(next)}'`, prune: true });
    for (let i = 0; i < n; i++) {
      if (next.p[i]!.status === 'error') out.push({ property: 'no-error-status', message: `plugin '${names[i]}' entered XState's error status`, prune: true });
      if (!prev.shutdownSent) continue;
      if (pCtx(next, i).executions > pCtx(prev, i).executions) {
        out.push({ property: 'no-hook-after-shutdown', message: `plugin '${names[i]}' started an execution after SHUTDOWN (supervisor '${svState(prev)}')` });
      }
      if (pState(next, i) === 'initializing' && pState(prev, i) !== 'initializing') {
        out.push({ property: 'no-hook-after-shutdown', message: `plugin '${names[i]}' started its initialize after SHUTDOWN (supervisor '${svState(prev)}')` });
      }
    }
    const { inUse } = svCtx(next);
    if (inUse > max) out.push({ property: 'slots-bounded', message: `${inUse} slots in use, more than maxConcurrency ${max}` });
    else if (inUse !== slotsHeld(next)) out.push({ property: 'slots-bounded', message: `the supervisor counts ${inUse} slots in use, but ${slotsHeld(next)} calls hold one` });
    const starting = svCtx(next).starting;
    const holdingStart = next.starting.filter(Boolean).length;
    if (starting > max) out.push({ property: 'slots-bounded', message: `${starting} start slots in use, more than maxConcurrency ${max}` });
    else if (starting !== holdingStart) out.push({ property: 'slots-bounded', message: `the supervisor counts ${starting} start slots in use, but ${holdingStart} initializes hold one` });
    const disposals = svCtx(next).disposals;
    const holdingStop = next.stopSlot.filter(Boolean).length;
    if (disposals > max) out.push({ property: 'slots-bounded', message: `${disposals} stop slots in use, more than maxConcurrency ${max}` });
    else if (disposals !== holdingStop) out.push({ property: 'slots-bounded', message: `the supervisor counts ${disposals} stop slots in use, but ${holdingStop} disposals hold one` });
    const { recovering, restarting } = svCtx(next);
    const waitingForRecovery = next.recovering.filter(Boolean).length;
    if (recovering !== waitingForRecovery) {
      out.push({ property: 'recoveries-accounted', message: `the supervisor counts ${recovering} calls in recovery, but ${waitingForRecovery} wait for one` });
    }
    const logs = svCtx(next).restartLogs;
    for (let i = 0; i < n; i++) {
      const kept = Object.hasOwn(logs, names[i]!) ? logs[names[i]!]! : [];
      const allowed = next.allowed[i]!;
      if (kept.length !== allowed.length || kept.some((t, k) => t !== allowed[k])) {
        out.push({ property: 'restart-intensity', message: `the supervisor's restart log of plugin '${names[i]}' is [${kept.join(', ')}], but it allowed restarts at ticks [${allowed.join(', ')}]` });
      }
    }
    for (const i of next.refusedRestart) {
      const before = inWindow(prev.allowed[i]!, next.clock);
      if (before < limit!) {
        out.push({
          property: 'restart-intensity',
          message: `the supervisor refused a recovery's restart of plugin '${names[i]}' at tick ${next.clock} with only ${before} restarts within ${withinTicks} ticks (maxRestarts ${limit})`,
        });
      }
    }
    for (const i of next.limitedRestart) {
      const before = inWindow(prev.allowed[i]!, next.clock);
      if (before >= limit!) {
        out.push({
          property: 'restart-intensity',
          message: `plugin '${names[i]}' was restarted by a recovery at tick ${next.clock} after ${before} restarts within ${withinTicks} ticks (maxRestarts ${limit})`,
        });
      }
    }
    for (let i = 0; i < n; i++) {
      if (Object.hasOwn(restarting, names[i]!) !== next.restarting[i]) {
        out.push({ property: 'recoveries-accounted', message: `the supervisor ${next.restarting[i] ? 'forgot' : 'still counts'} the restart of plugin '${names[i]}'` });
      }
    }
    return out.length > 0 ? out : undefined;
  };

  const model: ExploreModel<SupState> = {
    initialStates() {
      const sv = supervisor.initial({ maxConcurrency: max });
      let ps = names.map((name) => plugin.initial({ name, version: '1.0.0' }));
      // Registered and loaded: the registry's register() ends there.
      ps = ps.map((x, i) => {
        const loading = plugin.step(x.snap, x.id, 'LOAD', { type: 'LOAD' });
        const id = Object.keys(loading.snap.children)[0]!;
        const loaded = plugin.step(loading.snap, loading.id, `done:loading`, ev({ type: `xstate.done.actor.${id}`, output: undefined }));
        if (valueKey(loaded.snap.value) !== 'loaded') throw new Error(`checkSupervisor: plugin '${names[i]}' did not load`);
        return loaded;
      });
      const state: SupState = {
        sv: sv.snap,
        svm: sv.id,
        p: ps.map((x) => x.snap),
        pm: ps.map((x) => x.id),
        calls: Array.from({ length: callCount }, () => Call.Idle),
        rerun: Array.from({ length: callCount }, () => false),
        holds: Array.from({ length: callCount }, () => false),
        recovering: Array.from({ length: callCount }, () => false),
        restarting: names.map(() => false),
        startAsked: names.map(() => false),
        starting: names.map(() => false),
        startFifo: [],
        stopAsked: names.map(() => false),
        stopSlot: names.map(() => false),
        stopFifo: [],
        fifo: [],
        failures: 0,
        restarts: 0,
        userRestarts: 0,
        shutdownSent: false,
        clock: 0,
        allowed: names.map(() => []),
        emitted: [],
        limitedRestart: [],
        refusedRestart: [],
      };
      return [{ event: env('start', () => ({ type: 'start', variant: 'input' })), state }];
    },

    key(s) {
      let k = `${s.svm}`;
      for (let i = 0; i < n; i++) k += `|${s.pm[i]}`;
      for (let c = 0; c < callCount; c++) k += `|${s.calls[c]}${s.rerun[c] ? 'r' : ''}${s.holds[c] ? 'h' : ''}${s.recovering[c] ? 'v' : ''}`;
      for (let i = 0; i < n; i++) k += `|${s.restarting[i] ? 'R' : ''}${s.startAsked[i] ? 'A' : ''}${s.starting[i] ? 'S' : ''}${s.stopAsked[i] ? 'a' : ''}${s.stopSlot[i] ? 's' : ''}${s.allowed[i]!.join('.')}`;
      k += `|${s.clock}|${s.userRestarts}`;
      k += `|${s.startFifo.join(',')}|${s.stopFifo.join(',')}`;
      return flatKey(`${k}|${s.fifo.join(',')}|${s.failures}${s.restarts}${s.shutdownSent ? 1 : 0}`);
    },

    isTerminal(s) {
      // A plugin actor that is done (disposed) is not an end: the others still shut down.
      if (s.sv.status === 'error' || s.p.some((p) => p.status === 'error')) return true;
      if (!s.calls.every((c) => c === Call.Answered)) return false;
      // Every start asked for is answered: granted and ended, or dropped.
      if (s.startFifo.length > 0 || s.starting.some(Boolean)) return false;
      if (s.stopFifo.length > 0 || s.stopSlot.some(Boolean)) return false;
      return withShutdown ? svState(s) === 'stopped' : s.p.every((p, i) => Object.keys(p.children).every((id) => id === 'executor') && pCtx(s, i).executions === 0);
    },

    describe(s): Omit<TraceStep, 'event'> {
      const calls = s.calls.map(
        (c, k) => `c${k}=${['idle', 'queued', 'running', 'recovering', 'restarting', 'answered', 'restart decided'][c]}${s.rerun[k] ? '(re-run)' : ''}${s.holds[k] ? '(holds a slot)' : ''}`,
      );
      const { inUse, waiting, starting, startsWaiting, disposals, recovering } = svCtx(s);
      const parts = [
        `supervisor=${svState(s)}(inUse ${inUse}, waiting ${waiting}, starting ${starting}, starts waiting ${startsWaiting}, disposing ${disposals}, recovering ${recovering})`,
        ...names.map((name, i) => `${name}=${pState(s, i)}${s.allowed[i]!.length > 0 ? `(restarted at ${s.allowed[i]!.join(', ')})` : ''}`),
        ...calls,
        ...(limit === undefined ? [] : [`clock=${s.clock}`]),
      ];
      return { state: parts.join(' '), timeMs: s.clock, emitted: s.emitted, running: [] };
    },

    expand(s, sink: SuccessorSink<SupState>) {
      const move = (label: string, make: () => EnvEvent, apply: (x: Next) => void) => {
        const x = new Next(s);
        apply(x);
        if (x.changed) sink(env(label, make), x.s, check(s, x.s));
      };
      const sendLabel = (machine: string, event: EventObject) => () => ({ type: 'send' as const, event, machine });

      // The application issues its calls.
      for (let c = 0; c < callCount; c++) {
        if (s.calls[c] !== Call.Idle) continue;
        move(`call:${c}`, sendLabel('supervisor', ev({ type: 'CALL', call: `c${c}`, plugin: names[targetOf(c)]! })), (x) => x.request(c));
        break; // calls are issued in order: which one comes first does not matter, only when
      }

      // The start sequence asks to initialize each loaded plugin; the supervisor says when.
      for (let i = 0; i < n; i++) {
        if (pState(s, i) !== 'loaded' || s.startAsked[i]) continue;
        move(`init:${i}`, sendLabel('supervisor', ev({ type: 'START_PLUGIN', plugin: names[i]! })), (x) => void x.requestStart(i));
      }

      // Hooks (initialize, dispose) end; a call whose plugin restarted is re-run once it is initialized again.
      for (let i = 0; i < n; i++) {
        const snap = s.p[i]!;
        const v = pState(s, i);
        for (const id of Object.keys(snap.children)) {
          if (id === 'executor') continue;
          move(`done:${i}:${v}`, () => ({ type: 'done', actor: `${v} hook`, output: 0, machine: names[i] }), (x) => {
            x.toPlugin(i, `done:${v}`, ev({ type: `xstate.done.actor.${id}`, output: undefined }));
            if (!running(pState(x.s, i))) return;
            for (let c = 0; c < callCount; c++) if (x.s.calls[c] === Call.Restarting && targetOf(c) === i) x.request(c);
          });
        }
      }

      // Executions end: done, or failed while the failure budget lasts.
      for (let c = 0; c < callCount; c++) {
        if (s.calls[c] !== Call.Running) continue;
        const i = targetOf(c);
        move(`exec-done:${c}`, () => ({ type: 'done', actor: 'execution', output: c, machine: names[i] }), (x) => {
          x.toPlugin(i, `EXECUTION.DONE:${c}`, ev({ type: 'EXECUTION.DONE', requestId: `c${c}`, action: 'run', result: null }));
          x.toSupervisor({ type: 'RELEASE' });
          x.answer(c);
        });
        if (s.failures >= failureBudget) continue;
        move(`exec-fail:${c}`, () => ({ type: 'fail', actor: 'execution', fault: 'transient', machine: names[i] }), (x) => {
          x.s.failures++;
          x.toPlugin(i, `EXECUTION.FAILED:${c}`, ev({ type: 'EXECUTION.FAILED', requestId: `c${c}`, action: 'run', error: hookError }));
          const firstRun = !x.s.rerun[c];
          // The old registry kept the slot of a failed first run until the call was answered.
          if (held && firstRun) x.s.holds[c] = true;
          else x.toSupervisor({ type: 'RELEASE' });
          // A failed re-run answers the call; a failed first run goes to its recovery if the supervisor allows it.
          if (firstRun && x.ask({ type: 'RECOVER' })) {
            x.s.calls[c] = Call.Recovering;
            x.s.recovering[c] = true;
          } else x.answer(c);
        });
      }

      // Recoveries: re-run the call, or restart its plugin and then re-run it.
      for (let c = 0; c < callCount; c++) {
        if (s.calls[c] !== Call.Recovering) continue;
        const i = targetOf(c);
        move(`retry:${c}`, sendLabel('supervisor', ev({ type: 'CALL', call: `c${c}`, rerun: true })), (x) => {
          x.s.rerun[c] = true;
          x.request(c);
        });
        if (limit !== undefined) {
          // The strategy's `deciding`: it reads a log (the supervisor's, or before, the runtime's own record) and escalates when it is full.
          if (s.restarts < restartBudget) {
            move(`decide:${c}`, () => ({ type: 'done', actor: 'restart decision', output: c, machine: 'recovery' }), (x) => {
              x.s.restarts++;
              x.changed = true;
              const log = racy ? x.s.allowed[i]! : (Object.hasOwn(svCtx(x.s).restartLogs, names[i]!) ? svCtx(x.s).restartLogs[names[i]!]! : []);
              if (inWindow(log, x.s.clock) >= limit) x.answer(c);
              else x.s.calls[c] = Call.Decided;
            });
          }
          continue;
        }
        if (s.restarts < restartBudget && ['initialized', 'executing', 'error'].includes(pState(s, i)) && pCtx(s, i).pending === 'none') {
          move(`restart:${c}`, sendLabel(names[i]!, { type: 'RESTART' }), (x) => {
            if (!x.restart(i, 'recovery')) return;
            x.s.restarts++;
            x.s.rerun[c] = true;
            x.s.calls[c] = Call.Restarting;
          });
        }
      }

      // A recovery that found room asks for its restart, later: refused (it escalates, the call is answered) or done.
      for (let c = 0; c < callCount; c++) {
        if (s.calls[c] !== Call.Decided) continue;
        const i = targetOf(c);
        const v = pState(s, i);
        const restartable = ['initialized', 'executing', 'error'].includes(v) && pCtx(s, i).pending === 'none';
        // The registry refuses a plugin that is not started (or gone), and waits for one mid-hook.
        if (!restartable && !['loaded', 'disposed'].includes(v) && s.p[i]!.status === 'active') continue;
        move(`restart:${c}`, sendLabel(names[i]!, { type: 'RESTART' }), (x) => {
          if (restartable && x.restart(i, 'recovery')) {
            x.s.rerun[c] = true;
            x.s.calls[c] = Call.Restarting;
          } else x.answer(c);
        });
      }

      // A user restarts a started plugin (cause `user`: recorded, never refused for intensity).
      if (s.userRestarts < userBudget) {
        for (let i = 0; i < n; i++) {
          if (!['initialized', 'error'].includes(pState(s, i)) || pCtx(s, i).pending !== 'none' || s.restarting[i]) continue;
          move(`user-restart:${i}`, sendLabel('supervisor', ev({ type: 'RESTART', plugin: names[i]!, cause: 'user' })), (x) => {
            x.s.userRestarts++;
            x.restart(i, 'user');
          });
        }
      }

      // Time passes, one tick at a time.
      if (limit !== undefined && s.clock < tickBudget) {
        move('tick', () => ({ type: 'delay', delay: 'clock tick', ms: 1 }), (x) => {
          x.s.clock++;
          x.changed = true;
        });
      }

      // SHUTDOWN, once, at any moment; then the shutdown sequence.
      if (withShutdown && !s.shutdownSent) {
        move('shutdown', sendLabel('supervisor', { type: 'SHUTDOWN' }), (x) => {
          x.s.shutdownSent = true;
          x.toSupervisor({ type: 'SHUTDOWN' });
        });
      }
      if (s.shutdownSent) {
        let allDisposed = true;
        for (let i = 0; i < n; i++) {
          const v = pState(s, i);
          if (v === 'disposed') continue;
          allDisposed = false;
          if (!['loaded', 'initialized', 'executing', 'error'].includes(v) || pCtx(s, i).pending === 'dispose') continue;
          if (!s.stopAsked[i]) {
            move(`dispose:${i}`, sendLabel('supervisor', ev({ type: 'STOP_PLUGIN', plugin: names[i]! })), (x) => {
              x.s.stopAsked[i] = true;
              x.s.stopFifo.push(i);
              x.toSupervisor(ev({ type: 'STOP_PLUGIN', plugin: names[i]! }));
            });
          } else if (s.stopSlot[i]) {
            // It did not take the DISPOSE its stop slot brought (it was mid-initialize): asked again once settled.
            move(`dispose-again:${i}`, sendLabel(names[i]!, { type: 'DISPOSE' }), (x) => void x.toPlugin(i, 'DISPOSE', { type: 'DISPOSE' }));
          }
        }
        if (allDisposed && svState(s) === 'stopping' && svCtx(s).inUse === 0) {
          move('stopped', sendLabel('supervisor', { type: 'STOPPED' }), (x) => x.toSupervisor({ type: 'STOPPED' }));
        }
      }
    },
  };

  const intensityName = limit === undefined ? '' : `, at most ${limit} restarts in ${withinTicks} ticks (${racy ? 'read, then restart' : 'checked by the supervisor'})`;
  const name = `supervisor (${held ? 'slots held through recovery' : 'slots freed before recovery'}) + ${n} plugins, maxConcurrency ${max}, ${callCount} calls, ${failureBudget} failures${withShutdown ? ', shutdown' : ''}${intensityName}`;
  return exploreProduct(model, { name, maxStates: options.maxStates, properties: SUPERVISOR_PROPERTIES, runners: [supervisor, plugin], started });
}
