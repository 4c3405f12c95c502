// The circuit breaker as a long-lived actor: closed → open at the threshold,
// half-open after the open period with a single trial, closed or open again after it.
import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../../src/errors/index.js';
import { CircuitBreakers, RecoveryRuntime, circuitBreakerStrategy } from '../../src/errors/recovery/index.js';
import { createStandaloneActorHost } from '../../src/orchestrator/ActorHost.js';
import { fakeHost, recordingBus } from './support.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failing = async () => {
  throw new Error('ECONNRESET');
};

async function waitFor(predicate: () => boolean): Promise<void> {
  while (!predicate()) await sleep(2);
}

describe('circuit breaker', () => {
  it('opens after threshold consecutive failures and refuses operations while open', async () => {
    const { bus, named } = recordingBus();
    const breakers = new CircuitBreakers(createStandaloneActorHost({ bus }), { threshold: 3, openMs: 60_000 });
    const breaker = breakers.for('plugin:viz');
    await expect(breaker.execute(failing)).rejects.toThrow('ECONNRESET');
    await expect(breaker.execute(failing)).rejects.toThrow('ECONNRESET');
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(2);
    await expect(breaker.execute(failing)).rejects.toThrow('ECONNRESET');
    expect(breaker.state).toBe('open');
    expect(named('circuit:opened')).toEqual([{ name: 'plugin:viz', failures: 3 }]);

    let ran = false;
    const refused = await breaker.execute(async () => (ran = true)).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).retryable).toBe(false);
    expect(ran).toBe(false);
    breakers.stopAll();
  });

  it('a success while closed resets the count of consecutive failures', async () => {
    const breakers = new CircuitBreakers(createStandaloneActorHost(), { threshold: 2, openMs: 10 });
    const breaker = breakers.for('engine');
    await expect(breaker.execute(failing)).rejects.toThrow();
    await breaker.execute(async () => 1);
    await expect(breaker.execute(failing)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
    breakers.stopAll();
  });

  it('half-opens after the open period, lets exactly one trial through, and closes on its success', async () => {
    const { bus, named } = recordingBus();
    const breakers = new CircuitBreakers(createStandaloneActorHost({ bus }), { threshold: 1, openMs: 10 });
    const breaker = breakers.for('engine');
    await expect(breaker.execute(failing)).rejects.toThrow();
    expect(breaker.state).toBe('open');
    await waitFor(() => breaker.state === 'halfOpen');
    expect(named('circuit:halfOpen')).toEqual([{ name: 'engine' }]);

    let release!: () => void;
    const trial = breaker.execute(() => new Promise<string>((resolve) => (release = () => resolve('trial ok'))));
    expect(breaker.allows()).toBe(false);
    await expect(breaker.execute(async () => 'second')).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    await expect(trial).resolves.toBe('trial ok');
    expect(breaker.state).toBe('closed');
    expect(named('circuit:closed')).toEqual([{ name: 'engine' }]);
    breakers.stopAll();
  });

  it('a failed trial opens the circuit again', async () => {
    const breakers = new CircuitBreakers(createStandaloneActorHost(), { threshold: 1, openMs: 10 });
    const breaker = breakers.for('engine');
    await expect(breaker.execute(failing)).rejects.toThrow();
    await waitFor(() => breaker.state === 'halfOpen');
    await expect(breaker.execute(failing)).rejects.toThrow('ECONNRESET');
    expect(breaker.state).toBe('open');
    breaker.reset();
    expect(breaker.state).toBe('closed');
    breakers.stopAll();
  });

  it('the circuit-breaker strategy escalates at once when the circuit is open, and recovers through it when closed', async () => {
    const { bus } = recordingBus();
    const host = fakeHost(bus);
    const breakers = new CircuitBreakers(host.actors, { threshold: 2, openMs: 60_000 });
    const breaker = breakers.for('plugin:viz');
    const runtime = new RecoveryRuntime(host);
    let calls = 0;
    const flaky = async () => {
      if (++calls === 1) throw new Error('blip');
      return 'ok';
    };
    const strategy = circuitBreakerStrategy(breaker, { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 });
    expect(await runtime.run(strategy, { error: new Error('first'), category: 'transient', component: 'plugin:viz', retry: flaky })).toMatchObject({
      success: true,
      strategy: 'circuit_breaker',
      attempts: 2,
      recovered: 'ok',
    });

    let attempts = 0;
    const outcome = await runtime.run(strategy, {
      error: new Error('down'),
      category: 'transient',
      component: 'plugin:viz',
      retry: async () => {
        attempts++;
        throw new Error('still down');
      },
    });
    expect(outcome.success).toBe(false);
    // Two real failures open the circuit; the third attempt is refused without running.
    expect(attempts).toBe(2);
    expect(breaker.state).toBe('open');
    expect(outcome.message).toMatch(/not retryable.*circuit breaker of 'plugin:viz' is open/);
    breakers.stopAll();
  });
});
