/**
 * The event queue, ordered by (time, priority, insertion id).
 *
 * Two parts:
 * - a binary min-heap for events at arbitrary times. Keys live in parallel arrays (times, keys, items) instead of
 *   per-entry tuples, so a push or pop allocates nothing and compares plain doubles;
 * - two FIFO lanes (URGENT, NORMAL) for events scheduled at the current time, most events of a typical model
 *   (grants, releases, process starts and ends). Time never decreases and insertion ids grow, so each lane is
 *   already sorted and these events skip the heap's O(log n) sifts; pop takes the least of the three heads.
 *
 * Priority and insertion id are folded into one exact double: key = priority * 2^52 + seq, which orders by
 * priority first, then FIFO, for seq < 2^52.
 */
const PRIORITY_SHIFT = 4503599627370496; // 2^52
const URGENT_LANE = 0;
const NORMAL_LANE = 1;

/** A FIFO of (time, key, item) entries on power-of-two ring buffers. */
class Lane<T> {
  times: number[] = new Array<number>(16).fill(0);
  keys: number[] = new Array<number>(16).fill(0);
  items: (T | undefined)[] = new Array<T | undefined>(16).fill(undefined);
  mask = 15;
  head = 0;
  n = 0;
  /** Time of the last entry pushed (entries must come in non-decreasing time). */
  lastTime = -Infinity;

  push(time: number, key: number, item: T): void {
    if (this.n === this.items.length) this.grow();
    const i = (this.head + this.n) & this.mask;
    this.times[i] = time;
    this.keys[i] = key;
    this.items[i] = item;
    this.n++;
    this.lastTime = time;
  }

  shift(): T {
    const h = this.head;
    const item = this.items[h] as T;
    this.items[h] = undefined;
    this.head = (h + 1) & this.mask;
    this.n--;
    return item;
  }

  private grow(): void {
    const size = this.items.length;
    const times = new Array<number>(size * 2).fill(0);
    const keys = new Array<number>(size * 2).fill(0);
    const items = new Array<T | undefined>(size * 2).fill(undefined);
    for (let j = 0; j < this.n; j++) {
      const i = (this.head + j) & this.mask;
      times[j] = this.times[i];
      keys[j] = this.keys[i];
      items[j] = this.items[i];
    }
    this.times = times;
    this.keys = keys;
    this.items = items;
    this.mask = size * 2 - 1;
    this.head = 0;
  }
}

export class EventHeap<T> {
  private times: number[] = [];
  private keys: number[] = [];
  private items: T[] = [];
  private n = 0;
  private seq = 0;
  private readonly urgent = new Lane<T>();
  private readonly normal = new Lane<T>();

  get size(): number {
    return this.n + this.urgent.n + this.normal.n;
  }

  /** Time of the earliest entry, Infinity when empty. */
  peekTime(): number {
    // Lane entries are never later than heap entries: they were pushed at the current time.
    if (this.urgent.n > 0) return this.urgent.times[this.urgent.head];
    if (this.normal.n > 0) return this.normal.times[this.normal.head];
    return this.n === 0 ? Infinity : this.times[0];
  }

  /** (priority, insertion id) key of the earliest entry; only meaningful when size > 0. */
  peekKey(): number {
    const lane = this.nextLane();
    if (lane < 0) return this.keys[0];
    const l = lane === URGENT_LANE ? this.urgent : this.normal;
    return l.keys[l.head];
  }

  /** Reserves an insertion id, as if an entry with this priority had been pushed now. */
  reserveKey(priority: number): number {
    return priority * PRIORITY_SHIFT + this.seq++;
  }

  peekItem(): T | undefined {
    if (this.size === 0) return undefined;
    const lane = this.nextLane();
    if (lane < 0) return this.items[0];
    const l = lane === URGENT_LANE ? this.urgent : this.normal;
    return l.items[l.head];
  }

  /**
   * Adds an entry at the current time `time` with priority URGENT (0) or NORMAL (1). `time` must not be less than
   * any time pushed before (the environment's clock); the entry then goes to its FIFO lane.
   */
  pushNow(time: number, priority: number, item: T): void {
    const lane = priority === 0 ? this.urgent : this.normal;
    if (time < lane.lastTime) {
      this.push(time, priority, item);
      return;
    }
    lane.push(time, priority * PRIORITY_SHIFT + this.seq++, item);
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
    const lane = this.nextLane();
    if (lane === URGENT_LANE) return this.urgent.shift();
    if (lane === NORMAL_LANE) return this.normal.shift();
    return this.popHeap();
  }

  /** Which lane holds the earliest entry, or -1 for the heap. */
  private nextLane(): number {
    const u = this.urgent;
    const m = this.normal;
    let lane = -1;
    let bt = Infinity;
    let bk = 0;
    if (this.n > 0) {
      bt = this.times[0];
      bk = this.keys[0];
    }
    if (u.n > 0) {
      const t = u.times[u.head];
      const k = u.keys[u.head];
      if (t < bt || (t === bt && k < bk)) {
        lane = URGENT_LANE;
        bt = t;
        bk = k;
      }
    }
    if (m.n > 0) {
      const t = m.times[m.head];
      if (t < bt || (t === bt && m.keys[m.head] < bk)) lane = NORMAL_LANE;
    }
    return lane;
  }

  private popHeap(): T {
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
    const add = (time: number, key: number, item: T): void => {
      out.push({ time, priority: key >= PRIORITY_SHIFT ? 1 : 0, key, item });
    };
    for (let i = 0; i < this.n; i++) add(this.times[i], this.keys[i], this.items[i]);
    for (const lane of [this.urgent, this.normal]) {
      for (let j = 0; j < lane.n; j++) {
        const i = (lane.head + j) & lane.mask;
        add(lane.times[i], lane.keys[i], lane.items[i] as T);
      }
    }
    out.sort((a, b) => a.time - b.time || a.key - b.key);
    return out.map(({ time, priority, item }) => ({ time, priority, item }));
  }
}
