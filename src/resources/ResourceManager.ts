/**
 * The ResourceManager: accounts allocations against `memoryLimit`. An allocation
 * that would exceed the budget fails with MemoryError, or, when asked to wait,
 * queues (FIFO) until enough is freed or its timeout passes (TimeoutError).
 * Handles are frozen and remembered: freeing one twice, or one this manager did
 * not issue, is a ResourceError that changes nothing. Allocations may name an
 * owner (a plugin), so a disposed or failed plugin's leftovers can be reclaimed.
 * Every allocation and free is announced on the bus.
 */
import type { EventBus } from '../events/EventBus.js';
import type { Logger } from '../events/types.js';
import { toError } from '../errors/DataPrismError.js';
import { MemoryError } from '../errors/MemoryError.js';
import { ResourceError } from '../errors/ResourceError.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { AddressSpace, type Block } from './AddressSpace.js';
import { ResourceMonitor } from './ResourceMonitor.js';
import type { AllocateOptions, CleanupResult, FreedSummary, ResourceHandle, ResourceManagerOptions, ResourceUsage } from './types.js';

/** 1 GiB: the default budget. */
export const DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024;

/** How long a waiting allocation waits by default, in ms. */
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

interface Live {
  handle: ResourceHandle;
  block: Block;
}

interface Waiter {
  size: number;
  type: string;
  owner: string | undefined;
  resolve(handle: ResourceHandle): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

let managerSequence = 0;

/** The spec's ResourceManager, plus ownership, waiting, cleanup of leftovers and release on shutdown. */
export class ResourceManager {
  private readonly space: AddressSpace;
  private readonly live = new Map<string, Live>();
  private readonly waiters: Waiter[] = [];
  private readonly prefix: string;
  private sequence = 0;
  private readonly bus: EventBus | undefined;
  private readonly logger: Logger;
  private readonly now: () => number;
  private monitorInstance: ResourceMonitor | undefined;

  /** @param options the budget (`memoryLimit`, default 1 GiB), the bus, and the callbacks the orchestrator supplies. */
  constructor(private readonly options: ResourceManagerOptions = {}) {
    const limit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    if (!Number.isSafeInteger(limit) || limit <= 0) {
      throw new ValidationError(`ResourceManager: memoryLimit must be a positive whole number of bytes, got ${String(limit)}`, { component: 'resources' });
    }
    this.space = new AddressSpace(limit);
    this.prefix = `res-${++managerSequence}-`;
    this.bus = options.bus;
    this.logger = options.logger ?? console;
    this.now = () => (options.now ? options.now() : Date.now());
  }

  /** The budget in bytes. */
  get memoryLimit(): number {
    return this.space.capacity;
  }

  /** Bytes allocated now: `getUsage().allocated` without measuring fragmentation (O(1)). */
  get allocatedBytes(): number {
    return this.space.allocated;
  }

  /** Live handles. */
  get handleCount(): number {
    return this.live.size;
  }

  /** Allocations waiting for memory. */
  get waitingCount(): number {
    return this.waiters.length;
  }

  /**
   * Accounts `size` bytes of `type`. Rejects with ValidationError for a size that is
   * not a positive whole number or an empty type; with MemoryError when the budget
   * would be exceeded (or, with `wait: true`, when it can never fit), and, waiting,
   * with TimeoutError after `timeoutMs` (default 30000). While allocations wait, one
   * that does not wait fails rather than overtake them.
   */
  async allocate(size: number, type: string, options: AllocateOptions = {}): Promise<ResourceHandle> {
    try {
      return await this.allocateNow(size, type, options);
    } catch (error) {
      const metadata: Record<string, unknown> = { size, type };
      if (options.owner !== undefined) metadata.owner = options.owner;
      throw this.reportFailure(error, 'allocate', metadata);
    }
  }

  private allocateNow(size: number, type: string, options: AllocateOptions): ResourceHandle | Promise<ResourceHandle> {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new ValidationError(`ResourceManager.allocate: size must be a positive whole number of bytes, got ${String(size)}`, { component: 'resources' });
    }
    if (typeof type !== 'string' || type.trim() === '') {
      throw new ValidationError(`ResourceManager.allocate: type must be a non-empty string (e.g. 'buffer'), got ${JSON.stringify(type)}`, { component: 'resources' });
    }
    const owner = options.owner;
    if (owner !== undefined && (typeof owner !== 'string' || owner === '')) {
      throw new ValidationError(`ResourceManager.allocate: owner must be a non-empty string when given, got ${JSON.stringify(owner)}`, { component: 'resources' });
    }
    if (size > this.space.capacity) {
      throw new MemoryError(
        `Cannot allocate ${size} bytes of '${type}': that is more than the whole memoryLimit (${this.space.capacity} bytes). Raise memoryLimit or split the work.`,
        { component: 'resources', requested: size, available: this.space.capacity - this.space.allocated },
      );
    }
    if (this.waiters.length === 0) {
      const handle = this.grant(size, type, owner);
      if (handle) return handle;
    }
    if (!options.wait) {
      const available = this.space.capacity - this.space.allocated;
      const queued = this.waiters.length > 0 ? `; ${this.waiters.length} allocation(s) are already waiting for memory` : '';
      throw new MemoryError(
        `Cannot allocate ${size} bytes of '${type}': only ${available} of ${this.space.capacity} bytes are free${queued}. Free handles, run cleanup(), raise memoryLimit, or pass { wait: true }.`,
        { component: 'resources', requested: size, available },
      );
    }
    return this.enqueue(size, type, owner, options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
  }

  /**
   * Frees a handle this manager issued. A handle freed already, or one it did not
   * issue (another manager's, or a forged copy), is a ResourceError and changes nothing.
   */
  async free(handle: ResourceHandle): Promise<void> {
    try {
      this.freeNow(handle);
    } catch (error) {
      const given = typeof handle === 'object' && handle !== null ? (handle as { id?: unknown; owner?: unknown }) : {};
      const metadata: Record<string, unknown> = { id: given.id };
      if (given.owner !== undefined) metadata.owner = given.owner;
      throw this.reportFailure(error, 'free', metadata);
    }
  }

  /** Tells `onError` (the orchestrator's ErrorHandler) about a failed call; returns the error to throw. */
  private reportFailure(error: unknown, operation: 'allocate' | 'free', metadata: Record<string, unknown>): unknown {
    const report = this.options.onError?.bind(this.options);
    if (report !== undefined && error instanceof Error) {
      try {
        report(error, operation, metadata);
      } catch (reportError) {
        this.logger.error(`[resources] reporting a failed ${operation} threw: ${toError(reportError).message}`, reportError);
      }
    }
    return error;
  }

  /** `free`, synchronously. */
  freeNow(handle: ResourceHandle): void {
    const id = typeof handle === 'object' && handle !== null ? (handle as { id?: unknown }).id : undefined;
    const entry = typeof id === 'string' ? this.live.get(id) : undefined;
    if (entry === undefined || entry.handle !== handle) {
      if (entry === undefined && typeof handle === 'object' && handle !== null && this.issuedId(id)) {
        throw new ResourceError(`Handle ${String(id)} ('${handle.type}', ${handle.size} bytes) was freed already: free each handle once.`, { component: 'resources' });
      }
      throw new ResourceError(
        `Handle ${String(id)} was not issued by this ResourceManager (it belongs to another manager, or is a copy): free a handle with the manager that allocated it, passing the handle object it returned.`,
        { component: 'resources' },
      );
    }
    this.release(entry);
    this.drain();
  }

  /** The spec's usage: allocated, free, total bytes and fragmentation (see ResourceUsage). */
  getUsage(): ResourceUsage {
    const allocated = this.allocatedBytes;
    return { allocated, free: this.space.capacity - allocated, total: this.space.capacity, fragmentation: this.space.fragmentation() };
  }

  /** Live handles, oldest first; of one owner when given. */
  list(owner?: string): ResourceHandle[] {
    const out: ResourceHandle[] = [];
    for (const { handle } of this.live.values()) if (owner === undefined || handle.owner === owner) out.push(handle);
    return out;
  }

  /** Frees every handle of `owner` (the plugin registry calls it when a plugin is disposed). */
  freeAllOwnedBy(owner: string): FreedSummary {
    const summary = { handles: 0, bytes: 0 };
    for (const entry of [...this.live.values()]) {
      if (entry.handle.owner !== owner) continue;
      summary.handles++;
      summary.bytes += entry.handle.size;
      this.release(entry);
    }
    if (summary.handles > 0) this.drain();
    return summary;
  }

  /**
   * Reclaims leftovers: frees every handle whose owner is no longer active
   * (`isOwnerActive(owner)` false: a disposed or failed plugin), then drops the
   * engine's temporary tables (`dropTemporaryTables`). Resolves with what it freed.
   * A failing `dropTemporaryTables` rejects with ResourceError after the handles were freed.
   */
  async cleanup(): Promise<CleanupResult> {
    const result: CleanupResult = { freedHandles: 0, freedBytes: 0, droppedTables: 0 };
    const isActive = this.options.isOwnerActive?.bind(this.options);
    if (isActive) {
      const verdicts = new Map<string, boolean>();
      for (const entry of [...this.live.values()]) {
        const owner = entry.handle.owner;
        if (owner === undefined) continue;
        let active = verdicts.get(owner);
        if (active === undefined) {
          try {
            active = isActive(owner) !== false;
          } catch (error) {
            // When in doubt, keep the memory: freeing a live plugin's handle would be worse than a leak.
            this.logger.error(`[resources] isOwnerActive('${owner}') threw; keeping its handles: ${toError(error).message}`, error);
            active = true;
          }
          verdicts.set(owner, active);
        }
        if (active) continue;
        result.freedHandles++;
        result.freedBytes += entry.handle.size;
        this.release(entry);
      }
      if (result.freedHandles > 0) this.drain();
    }
    if (this.options.dropTemporaryTables) {
      try {
        result.droppedTables = await this.options.dropTemporaryTables();
      } catch (error) {
        throw new ResourceError(`cleanup: dropping the engine's temporary tables failed: ${toError(error).message}`, { component: 'resources', cause: error });
      }
    }
    return result;
  }

  /** The monitor of this manager (one per manager; created on first call, not started). */
  monitor(): ResourceMonitor {
    if (!this.monitorInstance) {
      const source = {
        usage: () => ({ ...this.getUsage(), handles: this.live.size, waiting: this.waiters.length }),
        now: this.now,
        logger: this.logger,
        ...(this.bus ? { bus: this.bus } : {}),
        ...(this.options.engineMemory ? { engineMemory: () => this.options.engineMemory!() } : {}),
      };
      this.monitorInstance = new ResourceMonitor(source);
    }
    return this.monitorInstance;
  }

  /** Frees every handle and fails every waiting allocation (ResourceError); usage is zero afterwards. */
  releaseAll(): FreedSummary {
    const summary = { handles: 0, bytes: 0 };
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new ResourceError(`The allocation of ${waiter.size} bytes of '${waiter.type}' was cancelled: the ResourceManager released everything (shutdown).`, { component: 'resources' }));
    }
    for (const entry of [...this.live.values()]) {
      summary.handles++;
      summary.bytes += entry.handle.size;
      this.release(entry);
    }
    return summary;
  }

  /** Stops monitoring and releases everything (`releaseAll`). The manager stays usable. */
  async shutdown(): Promise<FreedSummary> {
    this.monitorInstance?.stop();
    return this.releaseAll();
  }

  /**
   * Whether this manager issued the id (ids are its prefix and a sequence number):
   * tells a double free from a foreign handle without keeping every handle ever issued.
   */
  private issuedId(id: unknown): boolean {
    if (typeof id !== 'string' || !id.startsWith(this.prefix)) return false;
    const n = Number(id.slice(this.prefix.length));
    return Number.isInteger(n) && n >= 1 && n <= this.sequence;
  }

  private grant(size: number, type: string, owner: string | undefined): ResourceHandle | undefined {
    const block = this.space.place(size);
    if (block === undefined) return undefined;
    const handle: ResourceHandle = Object.freeze(
      owner === undefined
        ? { id: this.prefix + ++this.sequence, size, type, allocatedAt: this.now() }
        : { id: this.prefix + ++this.sequence, size, type, owner, allocatedAt: this.now() },
    );
    this.live.set(handle.id, { handle, block });
    if (this.announces('resource:allocated')) {
      this.bus!.emit('resource:allocated', owner === undefined ? { type, size, id: handle.id } : { type, size, id: handle.id, owner });
    }
    this.monitorInstance?.check(this.space.allocated, this.space.capacity);
    return handle;
  }

  private release(entry: Live): void {
    const { handle } = entry;
    this.live.delete(handle.id);
    this.space.release(entry.block);
    if (this.announces('resource:freed')) {
      this.bus!.emit(
        'resource:freed',
        handle.owner === undefined ? { type: handle.type, size: handle.size, id: handle.id } : { type: handle.type, size: handle.size, id: handle.id, owner: handle.owner },
      );
    }
  }

  /** Whether anyone listens to `event` (directly or via the wildcard), so the hot path builds no payload for nobody. */
  private announces(event: string): boolean {
    const bus = this.bus;
    return bus !== undefined && (this.options.announceAlways === true || bus.hasListeners(event) || bus.hasListeners('*'));
  }

  private enqueue(size: number, type: string, owner: string | undefined, timeoutMs: number): Promise<ResourceHandle> {
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      return Promise.reject(new ValidationError(`ResourceManager.allocate: timeoutMs must be a number ≥ 0, got ${String(timeoutMs)}`, { component: 'resources' }));
    }
    return new Promise<ResourceHandle>((resolve, reject) => {
      const waiter: Waiter = {
        size,
        type,
        owner,
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index < 0) return;
          this.waiters.splice(index, 1);
          reject(
            new TimeoutError(
              `Waited ${timeoutMs} ms to allocate ${size} bytes of '${type}', but not enough memory was freed (${this.space.capacity - this.space.allocated} of ${this.space.capacity} bytes free). Free handles sooner, raise memoryLimit, or wait longer (timeoutMs).`,
              { component: 'resources', timeoutMs, operation: `allocate:${type}` },
            ),
          );
          // The head leaving may let the next ones in.
          this.drain();
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Serves waiters in order while the first one fits. */
  private drain(): void {
    while (this.waiters.length > 0) {
      const head = this.waiters[0]!;
      const handle = this.grant(head.size, head.type, head.owner);
      if (handle === undefined) return;
      this.waiters.shift();
      clearTimeout(head.timer);
      head.resolve(handle);
    }
  }
}

/** A new ResourceManager. */
export function createResourceManager(options?: ResourceManagerOptions): ResourceManager {
  return new ResourceManager(options);
}
