/** FIFO of plain values on a growable power-of-two ring buffer: O(1) push and shift without Array.shift. */
export class Ring<T> {
  private buf: (T | undefined)[] = new Array<T | undefined>(8);
  private mask = 7;
  private head = 0;
  private n = 0;

  get length(): number {
    return this.n;
  }

  push(item: T): void {
    if (this.n === this.buf.length) this.grow();
    this.buf[(this.head + this.n) & this.mask] = item;
    this.n++;
  }

  /** Removes and returns the oldest item; the caller checks `length` first. */
  shift(): T {
    const item = this.buf[this.head] as T;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.n--;
    return item;
  }

  toArray(): T[] {
    const out = new Array<T>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.buf[(this.head + i) & this.mask] as T;
    return out;
  }

  private grow(): void {
    const next = this.toArray() as (T | undefined)[];
    next.length = this.buf.length * 2;
    this.buf = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
