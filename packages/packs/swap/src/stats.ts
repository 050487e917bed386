/** KPI accumulators: O(1) or O(log n) per observation so telemetry can be read at any instant cheaply. */

/** Time integral of a piecewise-constant value (queue length, busy bays, "has a charged battery"). */
export class TimeWeighted {
  private value = 0;
  private since = 0;
  private area = 0;

  constructor(initial = 0, start = 0) {
    this.value = initial;
    this.since = start;
  }

  set(value: number, now: number): void {
    this.area += this.value * (now - this.since);
    this.value = value;
    this.since = now;
  }

  get current(): number {
    return this.value;
  }

  /** Integral from 0 to `now`. */
  integral(now: number): number {
    return this.area + this.value * (now - this.since);
  }

  mean(now: number): number {
    return now > 0 ? this.integral(now) / now : this.value;
  }
}

/** A binary heap of numbers; `sign` -1 turns the min-heap into a max-heap. */
class NumberHeap {
  private readonly items: number[] = [];
  constructor(private readonly sign: 1 | -1) {}

  get size(): number {
    return this.items.length;
  }

  top(): number {
    return this.sign * this.items[0];
  }

  push(value: number): void {
    const items = this.items;
    const v = this.sign * value;
    let i = items.length;
    items.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (items[p] <= v) break;
      items[i] = items[p];
      i = p;
    }
    items[i] = v;
  }

  pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as number;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && items[c + 1] < items[c]) c++;
        if (items[c] >= last) break;
        items[i] = items[c];
        i = c;
      }
      items[i] = last;
    }
    return this.sign * top;
  }
}

/**
 * Exact nearest-rank quantile of an insert-only sample (sorted[ceil(q n) - 1]) in O(log n) per insert and O(1) per
 * read: the lower heap holds the ceil(q n) smallest values, the upper heap the rest.
 */
export class QuantileTracker {
  private readonly lower = new NumberHeap(-1);
  private readonly upper = new NumberHeap(1);
  private n = 0;

  constructor(private readonly q: number) {}

  add(x: number): void {
    this.n++;
    if (this.lower.size > 0 && x > this.lower.top()) this.upper.push(x);
    else this.lower.push(x);
    const want = Math.max(1, Math.ceil(this.q * this.n - 1e-9));
    while (this.lower.size > want) this.upper.push(this.lower.pop());
    while (this.lower.size < want && this.upper.size > 0) this.lower.push(this.upper.pop());
  }

  /** 0 when empty. */
  value(): number {
    return this.n === 0 ? 0 : this.lower.top();
  }
}

/** Summary of waits: count, sum, max, p50, p95. */
export class WaitStats {
  count = 0;
  sum = 0;
  max = 0;
  private readonly p50 = new QuantileTracker(0.5);
  private readonly p95 = new QuantileTracker(0.95);

  add(wait: number): void {
    this.count++;
    this.sum += wait;
    if (wait > this.max) this.max = wait;
    this.p50.add(wait);
    this.p95.add(wait);
  }

  get median(): number {
    return this.p50.value();
  }

  get p95Value(): number {
    return this.p95.value();
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}

/** Waits of the recent past (for status colours): a ring of (time, wait) pairs trimmed by age on read. */
export class RecentWaits {
  private times: number[] = [];
  private waits: number[] = [];
  private head = 0;

  add(now: number, wait: number): void {
    this.times.push(now);
    this.waits.push(wait);
  }

  /** Nearest-rank p95 of waits recorded in (now - windowS, now]; 0 when none. */
  p95(now: number, windowS: number): number {
    return nearestRankP95(this.collect(now, windowS, []));
  }

  /** Appends the waits recorded in (now - windowS, now] to `into` (pooling several stations) and returns it. */
  collect(now: number, windowS: number, into: number[]): number[] {
    const from = now - windowS;
    while (this.head < this.times.length && this.times[this.head] <= from) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.waits = this.waits.slice(this.head);
      this.head = 0;
    }
    for (let i = this.head; i < this.waits.length; i++) into.push(this.waits[i]);
    return into;
  }
}

/** Nearest-rank 95th percentile (sorted[ceil(.95 n) - 1]); 0 for no values. Sorts `values` in place. */
export function nearestRankP95(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[Math.ceil(0.95 * values.length) - 1];
}
