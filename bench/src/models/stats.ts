/** Nearest-rank percentile (sorted[ceil(q*n) - 1]) as the benchmark specification defines it; NaN when empty. */
export function nearestRank(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.ceil(q * sorted.length) - 1];
}

/** Sum in recording order divided by n (the specification fixes the summation order); NaN when empty. */
export function meanInOrder(values: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length === 0 ? NaN : sum / values.length;
}
