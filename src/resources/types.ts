/** The public types of resource management: handles, usage, options, cleanup and monitoring results. */
import type { EventBus } from '../events/EventBus.js';
import type { Logger } from '../events/types.js';

/** An allocation. Frozen; only the manager that issued it can free it. */
export interface ResourceHandle {
  /** Unique within the process (`res-<manager>-<n>`). */
  readonly id: string;
  /** Bytes accounted. */
  readonly size: number;
  /** What it is for (`buffer`, `arrow-table`, `plugin-cache`, ...). */
  readonly type: string;
  /** Who holds it (a plugin's name), if given; `freeAllOwnedBy` and `cleanup` use it. */
  readonly owner?: string;
  /** When it was allocated (ms since the epoch). */
  readonly allocatedAt: number;
}

/** The spec's ResourceUsage. */
export interface ResourceUsage {
  /** Bytes held by live handles. */
  allocated: number;
  /** `total - allocated`. */
  free: number;
  /** The budget: `memoryLimit`. */
  total: number;
  /**
   * How scattered the free bytes are, 0..1: `1 - largestFreeBlock / free` in the
   * budget's address space (allocations are placed first-fit, as a heap would place
   * them). 0 when the free bytes are one contiguous block (or there are none); near 1
   * when they are split into many small holes between live allocations.
   */
  fragmentation: number;
}

/** Options of one `allocate`. */
export interface AllocateOptions {
  /** Who holds the allocation (a plugin's name). */
  owner?: string;
  /** When the budget is exhausted, wait (FIFO) for memory to be freed instead of failing. Default false. */
  wait?: boolean;
  /** With `wait`, give up after this many ms with a TimeoutError. Default 30000. */
  timeoutMs?: number;
}

/** The engine's own memory, as the orchestrator measures it (`duckdb_memory()`, `PRAGMA database_size`). */
export interface EngineMemory {
  /** Bytes the engine's buffer manager uses. */
  memoryUsage: number;
  /** Bytes of the database, when known. */
  databaseSize?: number;
  /** Any further figures, by name. */
  [key: string]: number | undefined;
}

/** Options of a ResourceManager. */
export interface ResourceManagerOptions {
  /** The budget in bytes. Default 1 GiB. */
  memoryLimit?: number;
  /** Where `resource:allocated`, `resource:freed` and `resource:highWater` go. */
  bus?: EventBus;
  /**
   * Emit `resource:allocated` / `resource:freed` even when the bus has no listener for
   * them (the orchestrator observes them for its counters and gauge). Default false:
   * with nobody listening no payload is built.
   */
  announceAlways?: boolean;
  /** Where failures of the callbacks below are logged. Default `console`. */
  logger?: Logger;
  /** Whether an owner is still alive; false for disposed or failed plugins. Default: every owner is active. */
  isOwnerActive?(owner: string): boolean;
  /** Drops the engine's temporary tables; resolves with how many. Default: none. */
  dropTemporaryTables?(): Promise<number>;
  /** Measures the engine's memory. Default: not measured. */
  engineMemory?(): Promise<EngineMemory>;
  /**
   * Told when `allocate` or `free` fails (a MemoryError, a ValidationError, a double
   * free), before the caller sees the error. Default: nobody. Must not throw.
   */
  onError?(error: Error, operation: 'allocate' | 'free', metadata: Record<string, unknown>): void;
  /** The clock of `allocatedAt` and samples. Default `Date.now`. */
  now?(): number;
}

/** What `cleanup()` freed. */
export interface CleanupResult {
  /** Handles freed because their owner is no longer active. */
  freedHandles: number;
  /** Their bytes. */
  freedBytes: number;
  /** The engine's temporary tables dropped. */
  droppedTables: number;
}

/** What `freeAllOwnedBy` / `releaseAll` freed. */
export interface FreedSummary {
  handles: number;
  bytes: number;
}

/** One sample of the monitor. */
export interface ResourceSample extends ResourceUsage {
  /** When it was taken (ms since the epoch). */
  timestamp: number;
  /** Live handles. */
  handles: number;
  /** Allocations waiting for memory. */
  waiting: number;
  /** The engine's memory, when the manager can measure it. */
  engine?: EngineMemory;
}
