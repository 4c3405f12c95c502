/**
 * The budget as an address space: live allocations are placed first-fit, the way
 * a heap places them, so the holes that frees leave behind can be measured as
 * fragmentation. When no hole is large enough although enough bytes are free,
 * the space is compacted (it is an accounting model: moving a block costs nothing),
 * so placement never refuses what the byte budget allows.
 */

/** A placed block. */
export interface Block {
  offset: number;
  size: number;
}

export class AddressSpace {
  /** Live blocks, sorted by offset. */
  private readonly blocks: Block[] = [];
  private used = 0;

  /** @param capacity the size of the space (the memory budget) in bytes. */
  constructor(readonly capacity: number) {}

  /** Bytes in live blocks. */
  get allocated(): number {
    return this.used;
  }

  /** Live blocks. */
  get count(): number {
    return this.blocks.length;
  }

  /** Places a block of `size` bytes first-fit; undefined when fewer than `size` bytes are free. */
  place(size: number): Block | undefined {
    if (size > this.capacity - this.used) return undefined;
    const last = this.blocks[this.blocks.length - 1];
    const tail = last === undefined ? 0 : last.offset + last.size;
    // No holes below the tail: first fit is the tail itself (the common case, O(1)).
    if (tail === this.used && this.capacity - tail >= size) return this.insert(this.blocks.length, tail, size);
    let end = 0;
    for (let i = 0; i < this.blocks.length; i++) {
      const block = this.blocks[i]!;
      if (block.offset - end >= size) return this.insert(i, end, size);
      end = block.offset + block.size;
    }
    if (this.capacity - end >= size) return this.insert(this.blocks.length, end, size);
    this.compact();
    return this.insert(this.blocks.length, this.used, size);
  }

  /** Frees a block placed by this space. */
  release(block: Block): void {
    let low = 0;
    let high = this.blocks.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const candidate = this.blocks[mid]!;
      if (candidate.offset < block.offset) low = mid + 1;
      else if (candidate.offset > block.offset) high = mid - 1;
      else {
        this.blocks.splice(mid, 1);
        this.used -= candidate.size;
        return;
      }
    }
  }

  /** The largest contiguous free block, in bytes. */
  largestFree(): number {
    let largest = 0;
    let end = 0;
    for (const block of this.blocks) {
      largest = Math.max(largest, block.offset - end);
      end = block.offset + block.size;
    }
    return Math.max(largest, this.capacity - end);
  }

  /** `1 - largestFree / free`: 0 when the free bytes are contiguous (or none), toward 1 when scattered. */
  fragmentation(): number {
    const free = this.capacity - this.used;
    if (free <= 0) return 0;
    return 1 - this.largestFree() / free;
  }

  /** Frees every block. */
  clear(): void {
    this.blocks.length = 0;
    this.used = 0;
  }

  private insert(index: number, offset: number, size: number): Block {
    const block = { offset, size };
    this.blocks.splice(index, 0, block);
    this.used += size;
    return block;
  }

  /** Slides every block down to close the holes; block objects keep their identity. */
  private compact(): void {
    let end = 0;
    for (const block of this.blocks) {
      block.offset = end;
      end += block.size;
    }
  }
}
