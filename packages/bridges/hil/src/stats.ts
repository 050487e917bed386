/** A bounded sample of durations (ms) with percentiles: the newest `capacity` samples are kept. */
export class Samples {
  private readonly values: Float64Array;
  private count = 0;

  constructor(capacity = 100_000) {
    this.values = new Float64Array(capacity);
  }

  add(value: number): void {
    this.values[this.count % this.values.length] = value;
    this.count += 1;
  }

  get size(): number {
    return Math.min(this.count, this.values.length);
  }

  /** The p-quantile (0..1) by nearest rank, or 0 without samples. */
  quantile(p: number): number {
    const n = this.size;
    if (n === 0) return 0;
    const sorted = this.values.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? 0;
  }

  max(): number {
    return this.size === 0 ? 0 : Math.max(...this.values.slice(0, this.size));
  }
}
