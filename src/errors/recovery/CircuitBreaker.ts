/**
 * The circuit breaker's facade: asks the breaker actor (machines/circuitBreaker.machine.ts)
 * whether an operation may run and reports its outcome. The actor's snapshot is the
 * only state; this class keeps none of its own.
 */
import type { ActorRefFrom } from 'xstate';
import { circuitBreakerMachine } from '../../../machines/circuitBreaker.machine.js';
import type { ActorHost } from '../../orchestrator/ActorHost.js';
import { CircuitOpenError } from '../CircuitOpenError.js';
import { ValidationError } from '../ValidationError.js';

/** The three states of a breaker. */
export type CircuitState = 'closed' | 'open' | 'halfOpen';

/** Options of a breaker. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  threshold?: number;
  /** How long the circuit stays open before one trial is let through, in ms. Default 30000. */
  openMs?: number;
}

type BreakerActor = ActorRefFrom<typeof circuitBreakerMachine>;

/** One breaker: closed (operations run), open (refused), half-open (one trial). */
export class CircuitBreaker {
  /** @param name what it guards (`engine`, `plugin:viz`); @param actor its running breaker actor. */
  constructor(readonly name: string, private readonly actor: BreakerActor) {}

  /** The breaker's state, from its actor's snapshot. */
  get state(): CircuitState {
    return this.actor.getSnapshot().value as CircuitState;
  }

  /** Consecutive failures counted while closed. */
  get failures(): number {
    return this.actor.getSnapshot().context.failures;
  }

  /**
   * Whether an operation may run now. Closed: yes. Open: no. Half-open: yes for the
   * first caller only (it becomes the trial; report its outcome), no for the others.
   */
  allows(): boolean {
    const snapshot = this.actor.getSnapshot();
    if (snapshot.value === 'closed') return true;
    if (snapshot.value === 'open' || snapshot.context.trialInFlight) return false;
    this.actor.send({ type: 'ACQUIRE' });
    return this.actor.getSnapshot().context.trialInFlight;
  }

  /** Reports that an allowed operation succeeded. */
  recordSuccess(): void {
    const snapshot = this.actor.getSnapshot();
    // Closed with no failures counted: SUCCESS would change nothing, so the hot path skips the transition.
    if (snapshot.value === 'closed' && snapshot.context.failures === 0) return;
    this.actor.send({ type: 'SUCCESS' });
  }

  /** Reports that an allowed operation failed. */
  recordFailure(): void {
    this.actor.send({ type: 'FAILURE' });
  }

  /** Closes the circuit and forgets the failures. */
  reset(): void {
    this.actor.send({ type: 'RESET' });
  }

  /**
   * Runs `operation` if the breaker allows it, and reports its outcome.
   * Throws CircuitOpenError (not retryable) when the circuit refuses.
   */
  async execute<T>(operation: () => Promise<T> | T): Promise<T> {
    if (!this.allows()) {
      throw new CircuitOpenError(
        `The circuit breaker of '${this.name}' is ${this.state === 'open' ? 'open' : 'half-open with a trial already running'}: the operation was not run. Wait for the open period to end, or fix '${this.name}' and reset the breaker.`,
        { breaker: this.name },
      );
    }
    try {
      const value = await operation();
      this.recordSuccess();
      return value;
    } catch (error) {
      this.recordFailure();
      throw error;
    }
  }
}

/** One long-lived breaker actor per name (each plugin, the engine), spawned through an ActorHost. */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly options: Required<CircuitBreakerOptions>;

  /** @param actors where breaker actors run; @param options defaults for every breaker (threshold 5, openMs 30000). */
  constructor(private readonly actors: ActorHost, options: CircuitBreakerOptions = {}) {
    this.options = checkBreakerOptions(options);
  }

  /** The breaker for `name`, created on first use (`options` only apply then). */
  for(name: string, options: CircuitBreakerOptions = {}): CircuitBreaker {
    const existing = this.breakers.get(name);
    if (existing) return existing;
    const resolved = { ...this.options, ...checkBreakerOptions({ ...this.options, ...options }) };
    const actor = this.actors.spawn(circuitBreakerMachine, {
      id: `breaker:${name}`,
      input: { name, threshold: resolved.threshold, openMs: resolved.openMs },
    });
    const breaker = new CircuitBreaker(name, actor);
    this.breakers.set(name, breaker);
    return breaker;
  }

  /** The breakers created so far. */
  list(): CircuitBreaker[] {
    return [...this.breakers.values()];
  }

  /** Stops every breaker actor (on shutdown); later `for()` calls create fresh ones. */
  stopAll(): void {
    for (const name of this.breakers.keys()) this.actors.stop(`breaker:${name}`);
    this.breakers.clear();
  }
}

function checkBreakerOptions(options: CircuitBreakerOptions): Required<CircuitBreakerOptions> {
  const threshold = options.threshold ?? 5;
  const openMs = options.openMs ?? 30_000;
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new ValidationError(`circuit breaker threshold must be an integer ≥ 1, got ${String(threshold)}`, { component: 'errors' });
  }
  if (!Number.isFinite(openMs) || openMs < 0) {
    throw new ValidationError(`circuit breaker openMs must be a number ≥ 0, got ${String(openMs)}`, { component: 'errors' });
  }
  return { threshold, openMs };
}
