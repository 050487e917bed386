import { meanInterval } from '@doppel/verify';

/** An output's estimate at one point: mean with its two-sided t-interval. */
export interface OutputEstimate {
  readonly mean: number;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly halfWidth: number | null;
  readonly stdDev: number | null;
  readonly n: number;
}

export function estimate(values: readonly number[], confidence: number): OutputEstimate {
  const interval = meanInterval(values, confidence);
  const n = values.length;
  return {
    mean: interval.estimate,
    ciLow: interval.lower,
    ciHigh: interval.upper,
    halfWidth: interval.upper === null ? null : interval.upper - interval.estimate,
    stdDev: n < 2 ? null : Math.sqrt(variance(values)),
    n,
  };
}

/** A paired comparison of a point against the baseline on common random numbers. */
export interface PairedDelta extends OutputEstimate {
  /**
   * Variance of the difference had the runs been independent (var A + var B) over the variance of the paired
   * differences: above 1, common random numbers made the comparison that many times more precise.
   */
  readonly varianceReduction: number | null;
}

/** The interval of mean(b − a) over paired replications, with the variance reduction pairing achieved. */
export function pairedDelta(a: readonly number[], b: readonly number[], confidence: number): PairedDelta {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in size: ${a.length} and ${b.length}`);
  const differences = b.map((value, index) => value - a[index]);
  const base = estimate(differences, confidence);
  if (a.length < 2) return { ...base, varianceReduction: null };
  const paired = variance(differences);
  const unpaired = variance(a) + variance(b);
  // An output that does not vary across replications (an analytic value, say) has no variance to reduce; its
  // rounding noise must not read as an infinite gain.
  const scale = meanOf(a) ** 2 + meanOf(b) ** 2;
  if (unpaired <= 1e-20 * scale) return { ...base, varianceReduction: null };
  return { ...base, varianceReduction: paired === 0 ? Infinity : unpaired / paired };
}

/** Sample variance (n − 1), two-pass for accuracy. */
function variance(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return squares / (values.length - 1);
}

function meanOf(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
