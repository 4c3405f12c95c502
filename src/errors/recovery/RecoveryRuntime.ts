/**
 * Runs recovery strategies: each recovery is one actor of a strategy machine,
 * spawned through the host's ActorHost, with its side-effect actors (`attempt`,
 * `restart`, `cleanup`, `fallback`, composed `stage<i>`) supplied here from the
 * host and the error's context. It stops each recovery actor when it finishes,
 * and emits `plugin:error` when a plugin's recovery escalates. Restart logs are
 * not kept here: the host owns them (with an orchestrator, the plugin
 * supervisor), gives each recovery a copy as input, and checks a restart's
 * intensity where it records it. The machines emit `error:recovered` /
 * `error:escalated` themselves; the ActorHost bridges them to the EventBus.
 */
import { fromPromise, type AnyActorRef, type AnyStateMachine } from 'xstate';
import type { RecoveryInput, RecoveryOutput } from '../../../machines/recovery.machine.js';
import type { RestartRequest } from '../../../machines/strategies/restartPlugin.machine.js';
import type { ErrorCategory } from '../DataPrismError.js';
import { toError } from '../DataPrismError.js';
import { LifecycleError } from '../LifecycleError.js';
import type { RecoveryResult } from '../handlerTypes.js';
import type { RecoveryHost, RecoveryStrategy, RestartIntensity } from './types.js';

/** What one recovery is about. */
export interface RecoveryRequest {
  error: Error;
  category: ErrorCategory;
  component: string;
  plugin?: string;
  operation?: string;
  /** Re-runs the failed operation; without it, strategies that retry escalate. */
  retry?: () => Promise<unknown>;
}

/** A recovery's result, with what the runtime observed. */
export interface RecoveryOutcome extends RecoveryResult {
  /** Attempts made (re-runs of the operation). */
  attempts: number;
  /** True when `recovered` holds a value produced by a re-run or a fallback (not just a restart or a cleanup). */
  produced: boolean;
}

/** Options of the runtime. */
export interface RecoveryRuntimeOptions {
  /** The clock of restart-intensity windows: a recovery's `now`, and the time its restarts are recorded at. Default `Date.now`. */
  now?: () => number;
  /** Seeds the retry jitter of each recovery. Default: a random 32-bit integer. */
  seed?: () => number;
}

/** A recovery that is not a retry marks its missing operation as not retryable. */
class NoOperationError extends Error {
  readonly retryable = false;
  constructor() {
    super('there is no operation to re-run: the error context carries no retry function');
    this.name = 'NoOperationError';
  }
}

/** A recovery in progress: its request, and whether a step produced a value. */
interface Running {
  request: RecoveryRequest;
  produced: boolean;
}

export class RecoveryRuntime {
  private readonly running = new Map<string, Running>();
  private readonly machines = new WeakMap<RecoveryStrategy, AnyStateMachine>();
  private readonly live = new Map<string, AnyActorRef>();
  private sequence = 0;
  private readonly now: () => number;
  private readonly seed: () => number;

  /** @param host what recoveries act through. */
  constructor(readonly host: RecoveryHost, options: RecoveryRuntimeOptions = {}) {
    this.now = options.now ?? Date.now;
    this.seed = options.seed ?? (() => (Math.random() * 0x1_0000_0000) | 0);
  }

  /** How many recoveries are running. */
  get active(): number {
    return this.live.size;
  }

  /** Runs `strategy` for `request` as one actor and resolves with its result; never rejects. */
  async run(strategy: RecoveryStrategy, request: RecoveryRequest): Promise<RecoveryOutcome> {
    const machine = this.prepared(strategy);
    const input = this.inputFor(request);
    const id = `recovery:${++this.sequence}`;
    const running: Running = { request, produced: false };
    // Registered under its id before it starts: its side-effect actors find it from there.
    this.running.set(id, running);
    let output: RecoveryOutput;
    try {
      // Transient: its done and error events must not reach a machine (see SpawnOptions.transient).
      const actor = this.host.actors.spawn(machine, { id, input, transient: true });
      this.live.set(id, actor);
      output = await completion(actor, strategy.name);
    } catch (error) {
      const reason = `the recovery actor failed: ${toError(error).message}`;
      output = { success: false, strategy: strategy.name, message: reason, attempts: 0 };
      this.host.bus?.emit('error:escalated', { error: request.error, recovery: strategy.name, reason });
    } finally {
      this.live.delete(id);
      this.running.delete(id);
      this.host.actors.stop(id);
    }
    if (!output.success && request.plugin !== undefined) {
      const phase = (request.error as { phase?: unknown }).phase;
      this.host.bus?.emit('plugin:error', { name: request.plugin, error: request.error, phase: typeof phase === 'string' ? phase : request.operation ?? 'recovery' });
    }
    const outcome: RecoveryOutcome = {
      success: output.success,
      strategy: output.strategy,
      message: output.message,
      attempts: output.attempts,
      produced: output.success && running.produced,
    };
    if (output.recovered !== undefined) outcome.recovered = output.recovered;
    return outcome;
  }

  /** Sends SHUTDOWN to every running recovery: each escalates promptly (reason 'shutdown'). */
  shutdown(): void {
    for (const actor of [...this.live.values()]) actor.send({ type: 'SHUTDOWN' });
  }

  private inputFor(request: RecoveryRequest): RecoveryInput {
    const input: RecoveryInput = {
      error: request.error,
      category: request.category,
      component: request.component,
      now: this.now(),
      hasOperation: request.retry !== undefined,
      seed: this.seed(),
    };
    if (request.operation !== undefined) input.operation = request.operation;
    if (request.plugin !== undefined) {
      input.plugin = request.plugin;
      input.restartLog = [...this.host.restartLog(request.plugin)];
      input.dependents = this.host.dependentsOf(request.plugin);
      const state = this.host.pluginState(request.plugin);
      if (state !== undefined) input.pluginState = state;
    }
    return input;
  }

  /**
   * The strategy's machine with its side-effect actors supplied (stages recursively),
   * built once per strategy: `provide` builds a whole machine, too costly per error.
   * The actors find the request they serve through their recovery's id.
   */
  private prepared(strategy: RecoveryStrategy): AnyStateMachine {
    const cached = this.machines.get(strategy);
    if (cached) return cached;
    const host = this.host;
    const actors: Record<string, unknown> = {
      attempt: fromPromise(async ({ self }) => {
        const running = this.runningFor(self);
        const retry = running.request.retry;
        if (retry === undefined) throw new NoOperationError();
        const value = strategy.breaker ? await strategy.breaker.execute(retry) : await retry();
        running.produced = true;
        return value;
      }),
      restart: fromPromise<void, RestartRequest>(async ({ input }) => {
        await this.restartOne(input.plugin, input.intensity);
        for (const dependent of input.dependents) {
          // A dependent that was disposed meanwhile stays disposed (never restarted).
          if (host.pluginState(dependent) === 'disposed') continue;
          // Recorded in its own log, never refused for it: it did not fail, the limit is the failed plugin's.
          await this.restartOne(dependent, undefined);
        }
      }),
      cleanup: fromPromise(async () => {
        await host.cleanupResources();
      }),
      fallback: fromPromise(async ({ input, self }: { input: { error?: Error } | undefined; self: AnyActorRef }) => {
        const running = this.runningFor(self);
        if (!strategy.fallback) throw new Error(`strategy '${strategy.name}' invokes a fallback but defines no fallback function`);
        const value = await strategy.fallback(input?.error ?? running.request.error);
        running.produced = true;
        return value;
      }),
    };
    strategy.stages?.forEach((stage, i) => {
      actors[`stage${i}`] = this.prepared(stage);
    });
    const machine = strategy.machine.provide({ actors: actors as never });
    this.machines.set(strategy, machine);
    return machine;
  }

  /** The running recovery an invoked actor belongs to: the nearest ancestor registered by `run`. */
  private runningFor(self: AnyActorRef): Running {
    for (let ref: AnyActorRef | undefined = self._parent; ref !== undefined; ref = ref._parent) {
      const running = this.running.get(ref.id);
      if (running) return running;
    }
    throw new LifecycleError('a recovery step ran outside a recovery started by this runtime', { component: 'errors' });
  }

  private async restartOne(plugin: string, intensity: RestartIntensity | undefined): Promise<void> {
    if (plugin === '') throw new LifecycleError('cannot restart a plugin without a name', { component: 'errors' });
    await this.host.restartPlugin(plugin, intensity === undefined ? { at: this.now() } : { at: this.now(), intensity });
  }
}

/** Resolves with the actor's output when it finishes (at once if it already has). */
function completion(actor: AnyActorRef, strategy: string): Promise<RecoveryOutput> {
  return new Promise<RecoveryOutput>((resolve) => {
    const finish = () => {
      const snapshot = actor.getSnapshot();
      if (snapshot.status === 'done') {
        resolve((snapshot.output as RecoveryOutput | undefined) ?? { success: false, strategy, message: 'the recovery ended without an output', attempts: 0 });
      } else if (snapshot.status === 'error') {
        resolve({ success: false, strategy, message: `the recovery machine failed: ${toError(snapshot.error).message}`, attempts: 0 });
      } else {
        resolve({ success: false, strategy, message: 'the recovery was stopped before it finished', attempts: 0 });
      }
    };
    const status = actor.getSnapshot().status;
    if (status !== 'active') {
      finish();
      return;
    }
    actor.subscribe({ complete: finish, error: finish });
  });
}
