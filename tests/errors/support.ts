/** Shared pieces of the error and recovery tests: a recording bus, a quiet logger, a fake RecoveryHost. */
import { createEventBus, type EventBus } from '../../src/events/index.js';
import type { Logger } from '../../src/events/types.js';
import { createStandaloneActorHost, type ActorHost } from '../../src/orchestrator/ActorHost.js';
import { createStandaloneRecoveryHost, type RecoveryHost } from '../../src/errors/recovery/index.js';

/** A logger that keeps what it was given instead of printing it. */
export function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string) => void lines.push(message);
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

/** A bus that records every event (name and payload) in order. */
export function recordingBus(): { bus: EventBus; events: { name: string; data: Record<string, unknown> }[]; named(name: string): Record<string, unknown>[] } {
  const bus = createEventBus();
  const events: { name: string; data: Record<string, unknown> }[] = [];
  bus.on('*', (data, name) => void events.push({ name, data: data as Record<string, unknown> }));
  return { bus, events, named: (name) => events.filter((e) => e.name === name).map((e) => e.data) };
}

/** A RecoveryHost whose plugin side is a log of calls; actors are real, on a standalone host. */
export interface FakeHost extends RecoveryHost {
  restarts: string[];
  cleanups: number;
  states: Map<string, string>;
  dependents: Map<string, string[]>;
  actorErrors: unknown[];
  actors: ActorHost;
}

export function fakeHost(bus: EventBus, options: { restartFails?: (name: string) => boolean; cleanup?: () => Promise<unknown> } = {}): FakeHost {
  const actorErrors: unknown[] = [];
  const restarts: string[] = [];
  const states = new Map<string, string>();
  const dependents = new Map<string, string[]>();
  const host: FakeHost = {
    // The standalone host keeps the restart logs and checks intensity; the plugin side is a log of calls.
    ...createStandaloneRecoveryHost({
      bus,
      logger: quietLogger(),
      actors: createStandaloneActorHost({ bus, onError: (error) => actorErrors.push(error) }),
      async restartPlugin(name) {
        restarts.push(name);
        if (options.restartFails?.(name)) throw new Error(`plugin ${name} failed to initialize`);
        states.set(name, 'ready');
      },
      dependentsOf: (name) => dependents.get(name) ?? [],
      pluginState: (name) => states.get(name),
      async cleanupResources() {
        host.cleanups++;
        await options.cleanup?.();
      },
    }),
    restarts,
    cleanups: 0,
    states,
    dependents,
    actorErrors,
  };
  return host;
}
