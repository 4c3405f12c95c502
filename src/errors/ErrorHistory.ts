/** A bounded history of reported errors: a ring buffer that keeps the newest entries. */

/** A fixed-capacity ring buffer; when full, each push overwrites the oldest entry. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  /** `capacity` entries at most (at least 1). */
  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(Math.max(1, Math.floor(capacity)));
  }

  /** Adds an entry, dropping the oldest when full. */
  push(item: T): void {
    const size = this.items.length;
    if (this.count < size) {
      this.items[(this.start + this.count) % size] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % size;
    }
  }

  /** The entries, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.items.length] as T);
    return out;
  }

  /** How many entries are held. */
  get length(): number {
    return this.count;
  }

  /** Removes every entry. */
  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }
}
