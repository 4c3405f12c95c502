/**
 * The whole-system check: the orchestrator machine composed with N plugin
 * machines (the real ones from machines/), explored as a product with pure
 * transitions. A composite state is the tuple of snapshots plus what the
 * scheduler tracks; each move gives one machine one event.
 *
 * What is modelled, exactly:
 * - the orchestrator machine runs as is; its `engine` child is the environment:
 *   while the orchestrator opens it, the engine reports `ready` or `failed`
 *   (a snapshot event); while ready, it may fail at run time (and report `ready`
 *   again while degraded); once the orchestrator closes it, it finishes;
 * - the plugin machines run as is; every hook invoke (load, initialize, dispose)
 *   may succeed or fail, and every execution the executor runs may end
 *   EXECUTION.DONE or EXECUTION.FAILED;
 * - the registry's rules are the scheduler: plugins are registered (LOAD) one at
 *   a time before INITIALIZE, and a plugin whose load fails is removed; while the
 *   orchestrator's `initializePlugins` runs, a loaded plugin is sent INITIALIZE
 *   once all its dependencies are initialized, or FAIL when one of them failed,
 *   and the invoke ends when every plugin has settled (done when all initialized,
 *   else error); while `shutdownComponents` runs, a plugin is sent DISPOSE once
 *   every plugin depending on it is disposed (reverse order), waiting for hooks in
 *   flight, and the invoke ends when all are disposed;
 * - the application may call executePlugin on an initialized plugin at any time
 *   the gate allows (`executeGate`): `registry` (what the runtime checks today:
 *   the engine is open and the plugin is initialized) or `orchestrator` (only
 *   while the orchestrator is ready or degraded);
 * - recovery may RESTART a plugin in `error` while the orchestrator is running;
 * - SHUTDOWN may be requested once, at any moment.
 *
 * Properties: `deps-initialized-before-execute` (a plugin starts an execution
 * only once each of its dependencies has been initialized), `no-execute-after-shutdown`
 * (no execution starts once SHUTDOWN was sent), `final-reachable` (the
 * orchestrator can always still reach `shutdown`), `plugins-end-disposed` (when
 * it does, every registered plugin is `disposed`), plus no machine ever in
 * XState's error status.
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { orchestratorMachine } from '../../machines/orchestrator.machine.js';
import { pluginMachine } from '../../machines/plugin.machine.js';
import { ValidationError } from '../errors/ValidationError.js';
import { flatKey, machineKeyFunction, valueKey } from './abstraction.js';
import { readEffects } from './effects.js';
import { explore, type EdgeViolation, type ExploreModel, type SuccessorSink } from './explore.js';
import { pureTransitions, type PureTransitions } from './pureTransition.js';
import type { CheckResult, EnvEvent, TraceStep } from './types.js';

/** One plugin of the modelled system. */
export interface SystemPluginSpec {
  /** Its name (unique). */
  name: string;
  /** Names of the plugins it depends on (registered earlier in the list). Default none. */
  dependencies?: readonly string[];
}

/** Options of `checkSystem`. */
export interface SystemCheckOptions {
  /** The plugins, in registration order; dependencies come first. */
  plugins: readonly SystemPluginSpec[];
  /** Executions each plugin may be asked for per run. Default 1. */
  executionsPerPlugin?: number;
  /** Restarts recovery may ask for, per plugin. Default 1. */
  restartsPerPlugin?: number;
  /** Engine failures per run (at start or while running). Default 1. */
  engineFailures?: number;
  /** Hook failures (load, initialize, execute, dispose) per run, over all plugins. Default 2. */
  hookFaults?: number;
  /** When the application's executePlugin reaches a plugin; see the module comment. Default `registry`. */
  executeGate?: 'registry' | 'orchestrator';
  /** Stop after this many states. Default 1 000 000. */
  maxStates?: number;
  /** The orchestrator machine. Default: machines/orchestrator.machine.ts. */
  orchestratorMachine?: AnyStateMachine;
  /** The plugin machine. Default: machines/plugin.machine.ts. */
  pluginMachine?: AnyStateMachine;
}

/** The properties `checkSystem` reports, in order. */
export const SYSTEM_PROPERTIES = ['no-error-status', 'deps-initialized-before-execute', 'no-execute-after-shutdown', 'final-reachable', 'plugins-end-disposed'] as const;

/** One step of a Runner: the next snapshot, its interned id, and what the step emitted (types, and the events with their payloads). */
export interface RunnerStep {
  snap: AnyMachineSnapshot;
  id: number;
  emitted: string[];
  events: readonly EventObject[];
}

/** A machine's pure transitions with interned keys and a transition cache (shared with the supervisor check). */
export class Runner {
  private readonly pure: PureTransitions;
  private readonly key = machineKeyFunction({});
  private readonly ids = new Map<string, number>();
  private readonly cache = new Map<string, RunnerStep>();
  calls = 0;

  constructor(machine: AnyStateMachine) {
    this.pure = pureTransitions(machine);
  }

  id(snap: AnyMachineSnapshot): number {
    const k = this.key(snap);
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(k, id);
    }
    return id;
  }

  initial(input: unknown): { snap: AnyMachineSnapshot; id: number } {
    const { snapshot } = this.pure.initial(input);
    return { snap: snapshot, id: this.id(snapshot) };
  }

  /** `snap` takes `event`; `label` must name the event with its payload (it keys the cache). */
  step(snap: AnyMachineSnapshot, id: number, label: string, event: EventObject): RunnerStep {
    const cacheKey = `${id}#${label}`;
    const hit = this.cache.get(cacheKey);
    if (hit) return hit;
    this.calls++;
    let result: RunnerStep;
    try {
      const { snapshot, actions } = this.pure.step(snap, event);
      const events = readEffects(actions).emitted;
      result = { snap: snapshot, id: snapshot === snap ? id : this.id(snapshot), emitted: events.map((e) => e.type), events };
    } catch (error) {
      const broken = { ...snap, status: 'error', error } as AnyMachineSnapshot;
      result = { snap: broken, id: this.id(broken), emitted: [], events: [] };
    }
    this.cache.set(cacheKey, result);
    return result;
  }

  get states(): number {
    return this.ids.size;
  }
}

interface SysState {
  o: AnyMachineSnapshot;
  om: number;
  p: AnyMachineSnapshot[];
  pm: number[];
  /** Load failed: the registry removed the plugin. */
  removed: boolean[];
  /** LOAD was sent. */
  loadSent: boolean[];
  /** The plugin has been initialized at least once. */
  everInit: boolean[];
  execs: number[];
  restarts: number[];
  engineFailures: number;
  hookFaults: number;
  initializeSent: boolean;
  shutdownSent: boolean;
  /** Not part of the key: what the last step emitted. */
  emitted: string[];
}

type Target = 'orchestrator' | number;

/** An event with a payload, typed as the EventObject the transition functions take. */
const ev = (event: { type: string } & Record<string, unknown>): EventObject => event;

/** Model-checks the orchestrator with `options.plugins` under faults at every hook. */
export function checkSystem(options: SystemCheckOptions): CheckResult {
  const started = performance.now();
  const specs = options.plugins;
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new ValidationError('checkSystem: give at least one plugin in options.plugins', { component: 'check', issues: [{ path: 'plugins', message: 'expected a non-empty array' }] });
  }
  const index = new Map(specs.map((s, i) => [s.name, i]));
  if (index.size !== specs.length) throw new ValidationError('checkSystem: plugin names must be unique', { component: 'check', issues: [{ path: 'plugins', message: 'duplicate name' }] });
  const deps: number[][] = specs.map((s, i) =>
    (s.dependencies ?? []).map((d: string) => {
      const j = index.get(d);
      if (j === undefined || j >= i) {
        throw new ValidationError(`checkSystem: plugin '${s.name}' depends on '${d}', which must be listed before it`, {
          component: 'check',
          issues: [{ path: `plugins[${i}].dependencies`, message: `'${d}' is not an earlier plugin` }],
        });
      }
      return j;
    }),
  );
  const dependents: number[][] = specs.map((_, i) => specs.map((_s, j) => j).filter((j) => deps[j]!.includes(i)));
  const execBudget = options.executionsPerPlugin ?? 1;
  const restartBudget = options.restartsPerPlugin ?? 1;
  const engineBudget = options.engineFailures ?? 1;
  const faultBudget = options.hookFaults ?? 2;
  const gate = options.executeGate ?? 'registry';
  const orchestrator = new Runner(options.orchestratorMachine ?? orchestratorMachine);
  const plugin = new Runner(options.pluginMachine ?? pluginMachine);
  const hookError = Object.assign(new Error('injected hook failure'), { category: 'plugin' });
  const engineError = new Error('injected engine failure');

  const envEvents = new Map<string, EnvEvent>();
  const env = (label: string, make: () => EnvEvent): EnvEvent => {
    let e = envEvents.get(label);
    if (!e) envEvents.set(label, (e = make()));
    return e;
  };
  const nameOf = (t: Target) => (t === 'orchestrator' ? 'orchestrator' : specs[t]!.name);
  const pState = (s: SysState, i: number) => valueKey(s.p[i]!.value);
  const oState = (s: SysState) => valueKey(s.o.value);
  const initialized = (v: string) => v === 'initialized' || v === 'executing';

  /** The successor after `target` takes `event`. */
  const send = (s: SysState, target: Target, label: string, event: EventObject): SysState | undefined => {
    if (target === 'orchestrator') {
      const r = orchestrator.step(s.o, s.om, label, event);
      if (r.snap === s.o) return undefined;
      return { ...s, o: r.snap, om: r.id, emitted: r.emitted };
    }
    const r = plugin.step(s.p[target]!, s.pm[target]!, label, event);
    if (r.snap === s.p[target]) return undefined;
    const p = s.p.slice();
    const pm = s.pm.slice();
    p[target] = r.snap;
    pm[target] = r.id;
    const next: SysState = { ...s, p, pm, emitted: r.emitted };
    if (initialized(valueKey(r.snap.value)) && !s.everInit[target]) {
      next.everInit = s.everInit.slice();
      next.everInit[target] = true;
    }
    return next;
  };

  const check = (prev: SysState, next: SysState): EdgeViolation[] | undefined => {
    const out: EdgeViolation[] = [];
    if (next.o.status === 'error') out.push({ property: 'no-error-status', message: `the orchestrator entered XState's error status in '${oState(next)}'`, prune: true });
    for (let i = 0; i < specs.length; i++) {
      if (next.p[i]!.status === 'error') out.push({ property: 'no-error-status', message: `plugin '${specs[i]!.name}' entered XState's error status`, prune: true });
      const before = (prev.p[i]!.context as { executions?: number }).executions ?? 0;
      const after = (next.p[i]!.context as { executions?: number }).executions ?? 0;
      if (after > before) {
        const missing = deps[i]!.filter((d) => !prev.everInit[d]);
        if (missing.length > 0) {
          out.push({
            property: 'deps-initialized-before-execute',
            message: `plugin '${specs[i]!.name}' started an execution before its dependenc${missing.length > 1 ? 'ies' : 'y'} ${missing.map((d) => `'${specs[d]!.name}'`).join(', ')} had been initialized`,
          });
        }
        if (prev.shutdownSent) {
          out.push({
            property: 'no-execute-after-shutdown',
            message: `plugin '${specs[i]!.name}' started an execution after shutdown began (orchestrator '${oState(prev)}', plugin '${pState(prev, i)}')`,
          });
        }
      }
    }
    if (next.o.status === 'done') {
      const left = specs.map((_, i) => i).filter((i) => !next.removed[i] && pState(next, i) !== 'disposed');
      if (left.length > 0) {
        out.push({
          property: 'plugins-end-disposed',
          message: `the orchestrator reached '${oState(next)}' with ${left.map((i) => `'${specs[i]!.name}' ${pState(next, i)}`).join(', ')}`,
        });
      }
    }
    return out.length > 0 ? out : undefined;
  };

  const model: ExploreModel<SysState> = {
    initialStates() {
      const o = orchestrator.initial(undefined);
      const ps = specs.map((s) => plugin.initial({ name: s.name, version: '1.0.0' }));
      const state: SysState = {
        o: o.snap,
        om: o.id,
        p: ps.map((x) => x.snap),
        pm: ps.map((x) => x.id),
        removed: specs.map(() => false),
        loadSent: specs.map(() => false),
        everInit: specs.map(() => false),
        execs: specs.map(() => 0),
        restarts: specs.map(() => 0),
        engineFailures: 0,
        hookFaults: 0,
        initializeSent: false,
        shutdownSent: false,
        emitted: [],
      };
      return [{ event: env('start', () => ({ type: 'start', variant: 'input' })), state }];
    },

    key(s) {
      let k = `${s.om}`;
      for (let i = 0; i < specs.length; i++) {
        k += `|${s.pm[i]}${s.removed[i] ? 'r' : ''}${s.loadSent[i] ? 'l' : ''}${s.everInit[i] ? 'i' : ''}${s.execs[i]}${s.restarts[i]}`;
      }
      return flatKey(`${k}|${s.engineFailures}${s.hookFaults}${s.initializeSent ? 1 : 0}${s.shutdownSent ? 1 : 0}`);
    },

    isTerminal(s) {
      return s.o.status !== 'active';
    },

    describe(s): Omit<TraceStep, 'event'> {
      const parts = [`orchestrator=${oState(s)}`, ...specs.map((spec, i) => `${spec.name}=${s.removed[i] ? 'removed' : pState(s, i)}`)];
      return { state: parts.join(' '), timeMs: 0, emitted: s.emitted, running: [] };
    },

    expand(s, sink: SuccessorSink<SysState>) {
      const emit = (move: EnvEvent, next: SysState | undefined) => {
        if (next) sink(move, next, check(s, next));
      };
      const sendMove = (target: Target, event: EventObject, mutate?: (n: SysState) => void) => {
        const label = `send:${nameOf(target)}:${event.type}`;
        const move = env(label, () => ({ type: 'send', event, machine: nameOf(target) }));
        const next = send(s, target, event.type === 'EXECUTE' ? 'EXECUTE' : JSON.stringify(event), event);
        if (next && mutate) mutate(next);
        emit(move, next);
      };
      const o = oState(s);
      const oChildren = s.o.children as Record<string, { src?: unknown }>;
      const oChildId = (src: string) => Object.keys(oChildren).find((id) => oChildren[id]!.src === src);

      // Orchestrator requests.
      const settledAll = specs.every((_, i) => s.removed[i] || (s.loadSent[i] && pState(s, i) !== 'loading'));
      if (!s.initializeSent && !s.shutdownSent && settledAll) {
        sendMove('orchestrator', { type: 'INITIALIZE' }, (n) => {
          n.initializeSent = true;
        });
      }
      if (!s.shutdownSent) {
        sendMove('orchestrator', { type: 'SHUTDOWN' }, (n) => {
          n.shutdownSent = true;
        });
      }

      // The engine, as environment.
      const engineSnapshot = (value: string) => ev({ type: 'xstate.snapshot.engine', snapshot: { value, context: value === 'ready' ? { version: '1.0.0' } : { error: engineError } } });
      if (o === 'active.initializing.engine') {
        emit(env('engine:ready', () => ({ type: 'done', actor: 'engine', output: 0, machine: 'orchestrator' })), send(s, 'orchestrator', 'engine:ready', engineSnapshot('ready')));
      }
      if ((o === 'active.initializing.engine' || o === 'active.ready') && s.engineFailures < engineBudget) {
        const next = send(s, 'orchestrator', 'engine:failed', engineSnapshot('failed'));
        if (next) next.engineFailures++;
        emit(env('engine:failed', () => ({ type: 'fail', actor: 'engine', fault: 'transient', machine: 'orchestrator' })), next);
      }
      if (o === 'active.degraded' && (s.o.context as { degraded?: string[] }).degraded?.includes('engine')) {
        emit(env('engine:recovered', () => ({ type: 'done', actor: 'engine', output: 1, machine: 'orchestrator' })), send(s, 'orchestrator', 'engine:ready', engineSnapshot('ready')));
      }
      if ((o === 'active.shuttingDown.engine' || o === 'active.closing') && oChildren.engine) {
        emit(env('engine:closed', () => ({ type: 'done', actor: 'engine', output: 2, machine: 'orchestrator' })), send(s, 'orchestrator', 'engine:done', ev({ type: 'xstate.done.actor.engine', output: undefined })));
      }

      // Registration: LOAD one plugin at a time, in order, before INITIALIZE.
      if (!s.initializeSent && !s.shutdownSent) {
        const i = s.loadSent.indexOf(false);
        if (i >= 0 && (i === 0 || s.removed[i - 1] || pState(s, i - 1) !== 'loading')) {
          sendMove(i, { type: 'LOAD' }, (n) => {
            n.loadSent = s.loadSent.slice();
            n.loadSent[i] = true;
          });
        }
      }

      // Plugin hooks (load/initialize/dispose invokes) succeed or fail; executions end.
      for (let i = 0; i < specs.length; i++) {
        if (s.removed[i]) continue;
        const snap = s.p[i]!;
        const v = pState(s, i);
        for (const id of Object.keys(snap.children)) {
          if (id === 'executor') continue;
          const doneNext = send(s, i, `done:${v}`, ev({ type: `xstate.done.actor.${id}`, output: undefined }));
          emit(env(`done:${i}:${v}`, () => ({ type: 'done', actor: `${v} hook`, output: 0, machine: specs[i]!.name })), doneNext);
          if (s.hookFaults < faultBudget) {
            const failNext = send(s, i, `fail:${v}`, ev({ type: `xstate.error.actor.${id}`, error: hookError }));
            if (failNext) {
              failNext.hookFaults++;
              // The registry removes a plugin whose load failed (register is atomic).
              if (v === 'loading') {
                failNext.removed = s.removed.slice();
                failNext.removed[i] = true;
              }
            }
            emit(env(`fail:${i}:${v}`, () => ({ type: 'fail', actor: `${v} hook`, fault: 'transient', machine: specs[i]!.name })), failNext);
          }
        }
        const executions = (snap.context as { executions?: number }).executions ?? 0;
        if (executions > 0) {
          const result = ev({ type: 'EXECUTION.DONE', requestId: 'r', action: 'run', result: null });
          emit(env(`exec-done:${i}`, () => ({ type: 'done', actor: 'execution', output: 0, machine: specs[i]!.name })), send(s, i, 'EXECUTION.DONE', result));
          if (s.hookFaults < faultBudget) {
            const failed = send(s, i, 'EXECUTION.FAILED', ev({ type: 'EXECUTION.FAILED', requestId: 'r', action: 'run', error: hookError }));
            if (failed) failed.hookFaults++;
            emit(env(`exec-fail:${i}`, () => ({ type: 'fail', actor: 'execution', fault: 'transient', machine: specs[i]!.name })), failed);
          }
        }
      }

      // Initialization in dependency order, while initializePlugins runs.
      const initId = oChildId('initializePlugins');
      if (initId) {
        let settled = true;
        for (let i = 0; i < specs.length; i++) {
          if (s.removed[i]) continue;
          const v = pState(s, i);
          if (v === 'loaded') {
            settled = false;
            const failedDep = deps[i]!.some((d) => s.removed[d] || pState(s, d) === 'error' || pState(s, d) === 'disposed');
            if (failedDep) sendMove(i, ev({ type: 'FAIL', phase: 'initialize', error: hookError }));
            else if (deps[i]!.every((d) => initialized(pState(s, d)))) sendMove(i, { type: 'INITIALIZE' });
          } else if (v === 'initializing' || v === 'loading' || v === 'disposing') settled = false;
        }
        if (settled) {
          const allUp = specs.every((_, i) => s.removed[i] || initialized(pState(s, i)));
          const event = allUp ? ev({ type: `xstate.done.actor.${initId}`, output: undefined }) : ev({ type: `xstate.error.actor.${initId}`, error: hookError });
          emit(
            env(`initializePlugins:${allUp}`, () => (allUp ? { type: 'done', actor: 'initializePlugins', output: 0, machine: 'orchestrator' } : { type: 'fail', actor: 'initializePlugins', fault: 'transient', machine: 'orchestrator' })),
            send(s, 'orchestrator', `initializePlugins:${allUp}`, event),
          );
        }
      }

      // Disposal in reverse dependency order, while shutdownComponents runs.
      const shutdownId = oChildId('shutdownComponents');
      if (shutdownId) {
        let allDisposed = true;
        for (let i = 0; i < specs.length; i++) {
          if (s.removed[i]) continue;
          const v = pState(s, i);
          if (v === 'disposed') continue;
          allDisposed = false;
          const dependentsGone = dependents[i]!.every((j) => s.removed[j] || pState(s, j) === 'disposed');
          const pending = (s.p[i]!.context as { pending?: string }).pending;
          if (dependentsGone && ['loaded', 'initialized', 'executing', 'error'].includes(v) && pending !== 'dispose') sendMove(i, { type: 'DISPOSE' });
          // A plugin never loaded (registered only) is stopped without hooks by the registry.
          if (v === 'registered' && dependentsGone) {
            const next: SysState = { ...s, removed: s.removed.slice(), emitted: [] };
            next.removed[i] = true;
            emit(env(`unregister:${i}`, () => ({ type: 'send', event: { type: 'REMOVE' }, machine: specs[i]!.name })), next);
          }
        }
        if (allDisposed) {
          emit(env('shutdownComponents', () => ({ type: 'done', actor: 'shutdownComponents', output: 0, machine: 'orchestrator' })), send(s, 'orchestrator', 'shutdownComponents:done', ev({ type: `xstate.done.actor.${shutdownId}`, output: undefined })));
        }
      }

      // The application executes plugins; recovery restarts failed ones.
      const running = o === 'active.ready' || o === 'active.degraded';
      const engineOpen = running || o.startsWith('active.shuttingDown.components');
      const gateOpen = gate === 'registry' ? engineOpen : running;
      for (let i = 0; i < specs.length; i++) {
        if (s.removed[i]) continue;
        const v = pState(s, i);
        const ctx = s.p[i]!.context as { executions?: number; pending?: string };
        if (gateOpen && initialized(v) && s.execs[i]! < execBudget && (ctx.executions ?? 0) === 0) {
          sendMove(i, ev({ type: 'EXECUTE', requestId: 'r', action: 'run', params: null }), (n) => {
            n.execs = s.execs.slice();
            n.execs[i]!++;
          });
        }
        // The registry refuses a restart while a dependency is not initialized.
        const depsUp = deps[i]!.every((d) => !s.removed[d] && initialized(pState(s, d)));
        if (running && !s.shutdownSent && v === 'error' && depsUp && s.restarts[i]! < restartBudget) {
          sendMove(i, { type: 'RESTART' }, (n) => {
            n.restarts = s.restarts.slice();
            n.restarts[i]!++;
          });
        }
      }
    },
  };

  const name = `orchestrator + ${specs.length} plugins (${specs.map((s) => (s.dependencies?.length ? `${s.name}→${s.dependencies.join(',')}` : s.name)).join(', ')})`;
  return exploreProduct(model, { name, maxStates: options.maxStates, properties: SYSTEM_PROPERTIES, runners: [orchestrator, plugin], started });
}

/** Explores a product model with liveness (`final-reachable`) and reports it as a CheckResult, violations in `properties` order. */
export function exploreProduct<S>(
  model: ExploreModel<S>,
  spec: { name: string; maxStates: number | undefined; properties: readonly string[]; runners: readonly Runner[]; started: number },
): CheckResult {
  const outcome = explore(model, { maxStates: spec.maxStates ?? 1_000_000, maxDepth: Infinity, liveness: true, livenessProperty: 'final-reachable' });
  const order = new Map<string, number>(spec.properties.map((p, i) => [p, i]));
  outcome.violations.sort((a, b) => (order.get(a.property) ?? 99) - (order.get(b.property) ?? 99));
  return {
    ok: outcome.violations.length === 0 && outcome.complete,
    name: spec.name,
    statesExplored: outcome.states,
    transitions: outcome.transitions,
    durationMs: performance.now() - spec.started,
    complete: outcome.complete,
    properties: [...spec.properties],
    violations: outcome.violations,
    machineStates: spec.runners.reduce((sum, r) => sum + r.states, 0),
    machineTransitions: spec.runners.reduce((sum, r) => sum + r.calls, 0),
  };
}

// The supervisor composed with plugin machines, slots, recoveries and shutdown: its own model, same explorer.
export { checkSupervisor, SUPERVISOR_PROPERTIES, type SupervisorCheckOptions } from './supervisorSystem.js';
