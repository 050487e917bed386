/**
 * The event queue: a binary min-heap ordered by (time, priority, insertion id).
 *
 * Keys live in parallel arrays (times, keys, items) instead of per-entry tuples so that a push or pop
 * allocates nothing and compares plain doubles. Priority and insertion id are folded into one exact
 * double: key = priority * 2^52 + seq, which orders by priority first, then FIFO, for seq < 2^52.
 */
const PRIORITY_SHIFT = 4503599627370496; // 2^52

export class EventHeap<T> {
  private times: number[] = [];
  private keys: number[] = [];
  private items: T[] = [];
  private n = 0;
  private seq = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest entry, Infinity when empty. */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.times[0];
  }

  /** (priority, insertion id) key of the earliest entry; only meaningful when size > 0. */
  peekKey(): number {
    return this.keys[0];
  }

  /** Reserves an insertion id, as if an entry with this priority had been pushed now. */
  reserveKey(priority: number): number {
    return priority * PRIORITY_SHIFT + this.seq++;
  }

  peekItem(): T | undefined {
    return this.n === 0 ? undefined : this.items[0];
  }

  push(time: number, priority: number, item: T): void {
    const key = priority * PRIORITY_SHIFT + this.seq++;
    const times = this.times;
    const keys = this.keys;
    const items = this.items;
    let i = this.n++;
    // Sift up with a hole instead of swaps.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && keys[p] < key)) break;
      times[i] = pt;
      keys[i] = keys[p];
      items[i] = items[p];
      i = p;
    }
    times[i] = time;
    keys[i] = key;
    items[i] = item;
  }

  /** Removes the earliest entry; the caller reads its time with peekTime() first. Assumes size > 0. */
  pop(): T {
    const times = this.times;
    const keys = this.keys;
    const items = this.items;
    const top = items[0];
    const last = --this.n;
    const time = times[last];
    const key = keys[last];
    const item = items[last];
    // Keep the arrays' capacity (no shrinking on the hot path) but drop the reference for the GC.
    items[last] = undefined as T;
    if (last === 0) return top;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      let ct = times[c];
      let ck = keys[c];
      const r = c + 1;
      if (r < last) {
        const rt = times[r];
        if (rt < ct || (rt === ct && keys[r] < ck)) {
          c = r;
          ct = rt;
          ck = keys[r];
        }
      }
      if (time < ct || (time === ct && key < ck)) break;
      times[i] = ct;
      keys[i] = ck;
      items[i] = items[c];
      i = c;
    }
    times[i] = time;
    keys[i] = key;
    items[i] = item;
    return top;
  }

  /** Entries in queue order, for inspection (not on any hot path). */
  toSortedArray(): { time: number; priority: number; item: T }[] {
    const out: { time: number; priority: number; key: number; item: T }[] = [];
    for (let i = 0; i < this.n; i++) {
      out.push({
        time: this.times[i],
        priority: this.keys[i] >= PRIORITY_SHIFT ? 1 : 0,
        key: this.keys[i],
        item: this.items[i],
      });
    }
    out.sort((a, b) => a.time - b.time || a.key - b.key);
    return out.map(({ time, priority, item }) => ({ time, priority, item }));
  }
}
