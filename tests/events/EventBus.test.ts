import { describe, expect, it, vi } from 'vitest';
import { DefaultEventBus, type EventBus } from '../../src/events/EventBus.js';
import { ValidationError } from '../../src/errors/ValidationError.js';
import type { Logger } from '../../src/events/types.js';

function silentLogger(): Logger & { errors: unknown[][]; debugs: unknown[][] } {
  const errors: unknown[][] = [];
  const debugs: unknown[][] = [];
  return {
    errors,
    debugs,
    debug: (...args: unknown[]) => void debugs.push(args),
    info: () => {},
    warn: () => {},
    error: (...args: unknown[]) => void errors.push(args),
  };
}

describe('EventBus', () => {
  it('delivers a typed system event to its handlers in subscription order', () => {
    const bus: EventBus = new DefaultEventBus();
    const seen: string[] = [];
    bus.on('plugin:loaded', (e) => void seen.push(`a:${e.name}@${e.version}`));
    bus.on('plugin:loaded', (e) => void seen.push(`b:${e.name}`));
    bus.emit('plugin:loaded', { name: 'viz', version: '1.0.0' });
    expect(seen).toEqual(['a:viz@1.0.0', 'b:viz']);
  });

  it('off removes one handler; once fires a single time and can be removed before it fires', () => {
    const bus = new DefaultEventBus();
    const calls: string[] = [];
    const keep = () => void calls.push('keep');
    const drop = () => void calls.push('drop');
    const one = () => void calls.push('once');
    const never = () => void calls.push('never');
    bus.on('x', keep);
    bus.on('x', drop);
    bus.once('x', one);
    bus.once('x', never);
    bus.off('x', drop);
    bus.off('x', never);
    bus.emit('x');
    bus.emit('x');
    expect(calls).toEqual(['keep', 'once', 'keep']);
  });

  it('the same handler registered once on two events fires once on each', () => {
    const bus = new DefaultEventBus();
    const seen: string[] = [];
    const h = (_data: unknown, event: string) => void seen.push(event);
    bus.once('a', h);
    bus.once('b', h);
    bus.off('a', h);
    bus.emit('a');
    bus.emit('b');
    bus.emit('b');
    expect(seen).toEqual(['b']);
  });

  it("the '*' wildcard receives every event with its name", () => {
    const bus = new DefaultEventBus();
    const seen: Array<[string, unknown]> = [];
    bus.on('*', (data, event) => void seen.push([event, data]));
    bus.emit('engine:ready', { version: 'v1.2.0' });
    bus.emit('custom', 42);
    expect(seen).toEqual([
      ['engine:ready', { version: 'v1.2.0' }],
      ['custom', 42],
    ]);
  });

  it('listEvents, hasListeners and removeAllListeners reflect subscriptions', () => {
    const bus = new DefaultEventBus();
    const h = () => {};
    bus.on('a', h);
    bus.on('b', h);
    expect(bus.listEvents().sort()).toEqual(['a', 'b']);
    expect(bus.hasListeners('a')).toBe(true);
    bus.off('a', h);
    expect(bus.hasListeners('a')).toBe(false);
    expect(bus.listEvents()).toEqual(['b']);
    bus.removeAllListeners('b');
    expect(bus.hasListeners('b')).toBe(false);
    bus.on('c', h);
    bus.removeAllListeners();
    expect(bus.listEvents()).toEqual([]);
  });

  it('a throwing handler never stops the other handlers nor the emitter; its error goes to the sink', () => {
    const sink = vi.fn();
    const bus = new DefaultEventBus({ onHandlerError: sink, logger: silentLogger() });
    const seen: number[] = [];
    bus.on('tick', () => {
      throw new Error('boom');
    });
    bus.on('tick', (n) => void seen.push(n as number));
    expect(() => bus.emit('tick', 1)).not.toThrow();
    expect(seen).toEqual([1]);
    expect(sink).toHaveBeenCalledTimes(1);
    expect(sink.mock.calls[0]![0]).toBeInstanceOf(Error);
    expect((sink.mock.calls[0]![0] as Error).message).toBe('boom');
    expect(sink.mock.calls[0]![1]).toBe('tick');
  });

  it('a rejected async handler is reported too', async () => {
    const sink = vi.fn();
    const bus = new DefaultEventBus({ onHandlerError: sink, logger: silentLogger() });
    bus.on('later', async () => {
      throw new Error('async boom');
    });
    bus.emit('later');
    await new Promise((r) => setTimeout(r, 0));
    expect(sink).toHaveBeenCalledWith(expect.objectContaining({ message: 'async boom' }), 'later');
  });

  it('a handler error raised while its report is delivered is logged, never recursing', () => {
    const logger = silentLogger();
    const bus = new DefaultEventBus({ logger });
    let reports = 0;
    // The sink re-emits on the bus, whose handler throws again: without the guard this never ends.
    bus.setHandlerErrorSink((error) => {
      reports++;
      bus.emit('error:reported', { error, category: 'fatal', component: 'events' });
    });
    bus.on('error:reported', () => {
      throw new Error('handler of reports fails too');
    });
    bus.on('work', () => {
      throw new Error('first failure');
    });
    bus.emit('work');
    expect(reports).toBe(1);
    expect(logger.errors).toHaveLength(1);
    expect(String(logger.errors[0]![0])).toContain("'error:reported'");
  });

  it('logs every event through a replaceable logger when logging is on', () => {
    const first = silentLogger();
    const bus = new DefaultEventBus({ logEvents: true, logger: first });
    bus.emit('a', 1);
    const second = silentLogger();
    bus.configureLogging(true, second);
    bus.emit('b', 2);
    bus.configureLogging(false);
    bus.emit('c', 3);
    expect(first.debugs).toEqual([['[event] a', 1]]);
    expect(second.debugs).toEqual([['[event] b', 2]]);
  });

  it('a handler added during an emit does not run in that emit; one removed still completes it', () => {
    const bus = new DefaultEventBus();
    const calls: string[] = [];
    const late = () => void calls.push('late');
    bus.on('e', () => {
      calls.push('first');
      bus.on('e', late);
      bus.off('e', second);
    });
    const second = () => void calls.push('second');
    bus.on('e', second);
    bus.emit('e');
    bus.emit('e');
    expect(calls).toEqual(['first', 'second', 'first', 'late']);
  });

  it('rejects a bad event name or handler with a ValidationError', () => {
    const bus = new DefaultEventBus();
    expect(() => bus.on('', () => {})).toThrow(ValidationError);
    expect(() => bus.on('x', 'nope' as never)).toThrow(/must be a function/);
  });
});
