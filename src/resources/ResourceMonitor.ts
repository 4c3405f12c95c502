/**
 * Samples a ResourceManager's usage (on demand or on an interval), including the
 * engine's own memory when the manager can measure it, keeps a bounded history,
 * and notifies when usage crosses a high-water mark going up (once per crossing:
 * a mark re-arms when usage falls below it again). Its timer never keeps the
 * process alive.
 */
import type { EventBus } from '../events/EventBus.js';
import type { Logger } from '../events/types.js';
import { toError } from '../errors/DataPrismError.js';
import { RingBuffer } from '../errors/ErrorHistory.js';
import { ValidationError } from '../errors/ValidationError.js';
import type { EngineMemory, ResourceSample, ResourceUsage } from './types.js';

/** What the monitor reads from its manager. */
export interface MonitorSource {
  usage(): ResourceUsage & { handles: number; waiting: number };
  engineMemory?(): Promise<EngineMemory>;
  now(): number;
  bus?: EventBus;
  logger: Logger;
}

/** A high-water notification. */
export interface HighWaterEvent {
  /** The mark crossed, as a fraction of the budget (0.8 = 80%). */
  mark: number;
  /** Bytes in use when it was crossed: the larger of the accounted allocations and the engine's last measured memory. */
  allocated: number;
  /** The budget. */
  total: number;
}

/** Options of `start`. */
export interface MonitorStartOptions {
  /** Sampling period in ms. Default 1000. */
  intervalMs?: number;
}

/** The spec's ResourceMonitor. */
export class ResourceMonitor {
  private readonly samples: RingBuffer<ResourceSample>;
  private readonly listeners = new Map<number, Set<(event: HighWaterEvent) => void>>();
  /** Marks currently above usage (armed: they fire when usage reaches them). */
  private readonly armed = new Set<number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastEngineMemory = 0;

  /** @param source the manager's side; @param historySize samples kept (default 60); @param marks bus-notified marks (default 0.8, 0.95). */
  constructor(private readonly source: MonitorSource, historySize = 60, marks: readonly number[] = [0.8, 0.95]) {
    this.samples = new RingBuffer<ResourceSample>(historySize);
    for (const mark of marks) this.addMark(mark);
  }

  /** Whether the periodic sampling runs. */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Samples every `intervalMs` (default 1000) until `stop()`. Restarting replaces the interval. */
  start(options: MonitorStartOptions = {}): this {
    const intervalMs = options.intervalMs ?? 1000;
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new ValidationError(`ResourceMonitor.start: intervalMs must be a number > 0, got ${String(intervalMs)}`, { component: 'resources' });
    }
    this.stop();
    this.timer = setInterval(() => {
      this.sample().catch((error: unknown) => this.source.logger.error(`[resources] sampling failed: ${toError(error).message}`, error));
    }, intervalMs);
    // Monitoring must never be the reason a process stays up.
    this.timer.unref?.();
    return this;
  }

  /** Stops periodic sampling. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one sample now (with the engine's memory, when measurable), records it and checks the marks. */
  async sample(): Promise<ResourceSample> {
    const usage = this.source.usage();
    const sample: ResourceSample = { ...usage, timestamp: this.source.now() };
    if (this.source.engineMemory) {
      try {
        const engine = await this.source.engineMemory();
        sample.engine = engine;
        this.lastEngineMemory = Number.isFinite(engine.memoryUsage) ? engine.memoryUsage : 0;
      } catch (error) {
        this.source.logger.warn(`[resources] measuring the engine's memory failed: ${toError(error).message}`);
      }
    }
    this.samples.push(sample);
    this.check(usage.allocated, usage.total);
    return sample;
  }

  /** The samples kept, oldest first. */
  getHistory(): ResourceSample[] {
    return this.samples.toArray();
  }

  /**
   * Calls `listener` each time usage rises to `mark` (a fraction of the budget, 0 < mark ≤ 1)
   * and also emits `resource:highWater` on the bus. Returns a function that unsubscribes.
   */
  onHighWater(mark: number, listener: (event: HighWaterEvent) => void): () => void {
    this.addMark(mark);
    let set = this.listeners.get(mark);
    if (!set) this.listeners.set(mark, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  /** Checks the marks against the current usage; the manager calls it after each allocation. */
  check(allocated: number, total: number): void {
    const used = Math.max(allocated, this.lastEngineMemory);
    const ratio = total > 0 ? used / total : 0;
    for (const mark of this.marks) {
      if (ratio < mark) this.armed.add(mark);
      else if (this.armed.delete(mark)) this.notify({ mark, allocated: used, total });
    }
  }

  /** Every registered mark, ascending. */
  private marks: number[] = [];

  private addMark(mark: number): void {
    if (!Number.isFinite(mark) || mark <= 0 || mark > 1) {
      throw new ValidationError(`ResourceMonitor: a high-water mark is a fraction of the budget, 0 < mark ≤ 1; got ${String(mark)}`, { component: 'resources' });
    }
    if (this.marks.includes(mark)) return;
    this.marks = [...this.marks, mark].sort((a, b) => a - b);
    this.armed.add(mark);
  }

  private notify(event: HighWaterEvent): void {
    this.source.bus?.emit('resource:highWater', event);
    for (const listener of [...(this.listeners.get(event.mark) ?? [])]) {
      try {
        listener(event);
      } catch (error) {
        this.source.logger.error(`[resources] a high-water listener threw: ${toError(error).message}`, error);
      }
    }
  }
}
