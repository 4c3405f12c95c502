/**
 * The Timer handed out by `startTimer`: a start time and the distribution it
 * records into, resolved once at start so `stop()` is one subtraction and one record.
 */
import type { Distribution } from './Distribution.js';
import type { Timer } from './types.js';

/** A started stopwatch; see `Timer` for each member. */
export class RunningTimer implements Timer {
  /** `performance.now()` at construction. */
  readonly startedAt: number;
  private duration = -1;

  /** Starts now; `distribution` is where `stop()` records (none: the monitor was disabled). */
  constructor(
    readonly name: string,
    private readonly distribution: Distribution | undefined,
  ) {
    this.startedAt = performance.now();
  }

  get stopped(): boolean {
    return this.duration >= 0;
  }

  stop(): number {
    if (this.duration >= 0) return this.duration;
    const elapsed = performance.now() - this.startedAt;
    // performance.now() is monotonic, but guard against a clamped negative difference.
    this.duration = elapsed > 0 ? elapsed : 0;
    // No distribution means the monitor was disabled when the timer started.
    if (this.distribution !== undefined && this.duration <= this.distribution.maxRecordable) {
      this.distribution.record(this.duration);
    }
    return this.duration;
  }

  elapsed(): number {
    return this.duration >= 0 ? this.duration : performance.now() - this.startedAt;
  }
}
