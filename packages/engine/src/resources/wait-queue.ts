// Waiting lines for resource events. Cancellation is lazy: a cancelled entry only loses its `_queued` flag and is
// skipped when it reaches the front, so cancel() is O(1); tombstones are compacted once they outnumber live entries,
// which keeps memory bounded when the front never moves.

/** Something that can wait in a queue; `_queued` is true exactly while it waits. */
export interface Waiter {
  _queued: boolean;
}

const MIN_COMPACT = 64;

/** FIFO queue on a growable ring buffer (no Array.shift on the hot path). */
export class FifoQueue<T extends Waiter> {
  private buf: (T | undefined)[] = new Array<T | undefined>(16);
  private mask = 15;
  private head = 0;
  private size = 0; // entries in the ring, tombstones included
  private live = 0;

  get length(): number {
    return this.live;
  }

  push(item: T): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) & this.mask] = item;
    this.size++;
    this.live++;
    item._queued = true;
  }

  /** The first live entry, or undefined. */
  peek(): T | undefined {
    while (this.size > 0) {
      const item = this.buf[this.head] as T;
      if (item._queued) return item;
      this.dropHead();
    }
    return undefined;
  }

  /** Removes and returns the first live entry. */
  shift(): T | undefined {
    const item = this.peek();
    if (item !== undefined) {
      this.dropHead();
      item._queued = false;
      this.live--;
    }
    return item;
  }

  /** Removes `item` wherever it is (lazily). Returns false if it was not waiting. */
  remove(item: T): boolean {
    if (!item._queued) return false;
    item._queued = false;
    this.live--;
    if (this.size - this.live > this.live + MIN_COMPACT) this.compact();
    return true;
  }

  /** Live entries front to back (a snapshot). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) {
      const item = this.buf[(this.head + i) & this.mask] as T;
      if (item._queued) out.push(item);
    }
    return out;
  }

  private dropHead(): void {
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
  }

  private grow(): void {
    const old = this.buf;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & this.mask];
    this.buf = next;
    this.mask = next.length - 1;
    this.head = 0;
  }

  private compact(): void {
    const items = this.toArray();
    this.buf.fill(undefined);
    this.head = 0;
    this.size = 0;
    this.live = 0;
    for (const item of items) this.push(item);
  }
}

/** Min-heap queue ordered by `before(a, b)`; the comparator must be a strict total order (use a sequence tiebreak). */
export class HeapQueue<T extends Waiter> {
  private heap: T[] = [];
  private live = 0;

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get length(): number {
    return this.live;
  }

  push(item: T): void {
    item._queued = true;
    this.live++;
    this.heap.push(item);
    this.siftUp(this.heap.length - 1);
  }

  peek(): T | undefined {
    const heap = this.heap;
    while (heap.length > 0 && !heap[0]._queued) this.popTop();
    return heap[0];
  }

  shift(): T | undefined {
    const item = this.peek();
    if (item !== undefined) {
      this.popTop();
      item._queued = false;
      this.live--;
    }
    return item;
  }

  remove(item: T): boolean {
    if (!item._queued) return false;
    item._queued = false;
    this.live--;
    if (this.heap.length - this.live > this.live + MIN_COMPACT) {
      const items = this.heap.filter((x) => x._queued);
      this.heap = [];
      this.live = 0;
      for (const x of items) this.push(x);
    }
    return true;
  }

  /** Live entries in queue order (a sorted snapshot). */
  toArray(): T[] {
    return this.heap.filter((x) => x._queued).sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
  }

  private popTop(): void {
    const heap = this.heap;
    const last = heap.pop() as T;
    if (heap.length > 0) {
      heap[0] = last;
      this.siftDown(0);
    }
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const item = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(item, heap[p])) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = item;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(heap[child + 1], heap[child])) child++;
      if (!this.before(heap[child], item)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = item;
  }
}
