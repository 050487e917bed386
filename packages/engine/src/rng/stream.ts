// Distributions shared by every generator. Subclasses only provide `random()`; the formulas that the benchmark
// specification fixes (exponential, uniform, bernoulli) draw exactly one uniform per call so that draw sequences can be
// compared with other engines value by value.
import { invalidParameter } from './errors.js';

export type RngAlgorithm = 'sfc32' | 'default';

export interface RandomStream {
  readonly name: string;
  readonly algorithm: RngAlgorithm;
  /** Uniform on [0, 1) with 53 random bits. */
  random(): number;
  /** Uniform 32-bit unsigned integer (one raw generator output). */
  nextUint32(): number;
  /** Exponential with the given rate (mean 1/rate): -log(1 - u) / rate. */
  exponential(rate: number): number;
  /** lo + (hi - lo) * u. */
  uniform(lo: number, hi: number): number;
  normal(mean: number, sd: number): number;
  /** exp(normal(mu, sigma)): mu and sigma are those of the underlying normal. */
  lognormal(mu: number, sigma: number): number;
  /** Lognormal given the mean and standard deviation of the lognormal itself. */
  lognormalFromMeanSd(mean: number, sd: number): number;
  triangular(lo: number, mode: number, hi: number): number;
  weibull(shape: number, scale: number): number;
  gamma(shape: number, scale: number): number;
  poisson(mean: number): number;
  /** u < p. */
  bernoulli(p: number): boolean;
  /** Integer in [lo, hi], both inclusive. */
  integer(lo: number, hi: number): number;
  /** One of `values`, chosen with probability proportional to `weights`. */
  discrete<T>(values: readonly T[], weights: readonly number[]): T;
  /** Resamples one observation of an empirical sample. */
  empirical(samples: readonly number[]): number;
  choice<T>(items: readonly T[]): T;
  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
}

/** mu and sigma of the underlying normal for a lognormal with the given mean and standard deviation. */
export function lognormalParams(mean: number, sd: number): { mu: number; sigma: number } {
  if (!(mean > 0 && mean < Infinity)) throw invalidParameter('lognormal', 'mean', mean, 'a finite number > 0');
  if (!(sd >= 0 && sd < Infinity)) throw invalidParameter('lognormal', 'sd', sd, 'a finite number >= 0');
  const sigma2 = Math.log(1 + (sd * sd) / (mean * mean));
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

const TWO_PI = 2 * Math.PI;
const LOGGAM_COEF = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4, 8.417508417508418e-4,
  -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2, 1.796443723688307e-1, -1.3924322169059,
];

/** log(Gamma(x)) for x > 0 by the Stirling series (accurate to double precision for the Poisson sampler). */
export function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.floor(7 - x) : 0;
  let x0 = x + n;
  const x2 = 1 / (x0 * x0);
  let gl0 = LOGGAM_COEF[9];
  for (let k = 8; k >= 0; k--) gl0 = gl0 * x2 + LOGGAM_COEF[k];
  let gl = gl0 / x0 + 0.5 * Math.log(TWO_PI) + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= n; k++) {
    gl -= Math.log(x0 - 1);
    x0 -= 1;
  }
  return gl;
}

function finite(v: number): boolean {
  return v > -Infinity && v < Infinity; // false for NaN too
}

export abstract class BaseRandomStream implements RandomStream {
  abstract readonly algorithm: RngAlgorithm;
  readonly name: string;

  protected constructor(name: string) {
    this.name = name;
  }

  abstract random(): number;
  abstract nextUint32(): number;

  exponential(rate: number): number {
    if (!(rate > 0 && rate < Infinity)) throw invalidParameter('exponential', 'rate', rate, 'a finite number > 0');
    return -Math.log(1 - this.random()) / rate;
  }

  uniform(lo: number, hi: number): number {
    if (!(finite(lo) && finite(hi) && lo <= hi))
      throw invalidParameter('uniform', 'lo/hi', [lo, hi], 'finite, lo <= hi');
    return lo + (hi - lo) * this.random();
  }

  /** Standard normal by Box-Muller (two uniforms per draw, no cached spare: the draw count stays fixed). */
  protected standardNormal(): number {
    const u1 = 1 - this.random(); // (0, 1]: log never sees 0
    const u2 = this.random();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
  }

  normal(mean: number, sd: number): number {
    if (!finite(mean)) throw invalidParameter('normal', 'mean', mean, 'finite');
    if (!(sd >= 0 && sd < Infinity)) throw invalidParameter('normal', 'sd', sd, 'a finite number >= 0');
    return mean + sd * this.standardNormal();
  }

  lognormal(mu: number, sigma: number): number {
    if (!finite(mu)) throw invalidParameter('lognormal', 'mu', mu, 'finite');
    if (!(sigma >= 0 && sigma < Infinity)) throw invalidParameter('lognormal', 'sigma', sigma, 'a finite number >= 0');
    return Math.exp(mu + sigma * this.standardNormal());
  }

  lognormalFromMeanSd(mean: number, sd: number): number {
    const { mu, sigma } = lognormalParams(mean, sd);
    return Math.exp(mu + sigma * this.standardNormal());
  }

  triangular(lo: number, mode: number, hi: number): number {
    if (!(finite(lo) && finite(hi) && finite(mode) && lo <= mode && mode <= hi))
      throw invalidParameter('triangular', 'lo/mode/hi', [lo, mode, hi], 'finite, lo <= mode <= hi');
    const u = this.random();
    const width = hi - lo;
    if (width === 0) return lo;
    const fc = (mode - lo) / width;
    return u < fc ? lo + Math.sqrt(u * width * (mode - lo)) : hi - Math.sqrt((1 - u) * width * (hi - mode));
  }

  weibull(shape: number, scale: number): number {
    if (!(shape > 0 && shape < Infinity)) throw invalidParameter('weibull', 'shape', shape, 'a finite number > 0');
    if (!(scale > 0 && scale < Infinity)) throw invalidParameter('weibull', 'scale', scale, 'a finite number > 0');
    return scale * Math.pow(-Math.log(1 - this.random()), 1 / shape);
  }

  /** Marsaglia-Tsang (2000); shape < 1 by the u^(1/shape) boost. */
  gamma(shape: number, scale: number): number {
    if (!(shape > 0 && shape < Infinity)) throw invalidParameter('gamma', 'shape', shape, 'a finite number > 0');
    if (!(scale > 0 && scale < Infinity)) throw invalidParameter('gamma', 'scale', scale, 'a finite number > 0');
    if (shape < 1) {
      const boost = Math.pow(1 - this.random(), 1 / shape);
      return this.gammaAtLeastOne(shape + 1) * boost * scale;
    }
    return this.gammaAtLeastOne(shape) * scale;
  }

  private gammaAtLeastOne(shape: number): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.standardNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.random();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Knuth's product method below mean 10, Hoermann's PTRS transformed rejection above. */
  poisson(mean: number): number {
    if (!(mean >= 0 && mean < Infinity)) throw invalidParameter('poisson', 'mean', mean, 'a finite number >= 0');
    if (mean === 0) return 0;
    if (mean < 10) {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.random();
      while (p > limit) {
        k++;
        p *= this.random();
      }
      return k;
    }
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.random() - 0.5;
      const v = this.random();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logGamma(k + 1))
        return k;
    }
  }

  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw invalidParameter('bernoulli', 'p', p, 'in [0, 1]');
    return this.random() < p;
  }

  integer(lo: number, hi: number): number {
    if (!(Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && lo <= hi))
      throw invalidParameter('integer', 'lo/hi', [lo, hi], 'safe integers, lo <= hi');
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  discrete<T>(values: readonly T[], weights: readonly number[]): T {
    const n = values.length;
    if (n === 0) throw invalidParameter('discrete', 'values', values, 'non-empty');
    if (weights.length !== n) throw invalidParameter('discrete', 'weights', weights, `${n} weights (one per value)`);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(w >= 0 && w < Infinity)) throw invalidParameter('discrete', 'weights', weights, 'finite and >= 0');
      total += w;
    }
    if (!(total > 0)) throw invalidParameter('discrete', 'weights', weights, 'of positive sum');
    const target = this.random() * total;
    let acc = 0;
    let last = 0;
    for (let i = 0; i < n; i++) {
      if (weights[i] === 0) continue;
      acc += weights[i];
      last = i;
      if (target < acc) return values[i];
    }
    return values[last]; // rounding left target >= acc: the last positive weight wins
  }

  empirical(samples: readonly number[]): number {
    if (samples.length === 0) throw invalidParameter('empirical', 'samples', samples, 'non-empty');
    return samples[Math.floor(this.random() * samples.length)];
  }

  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw invalidParameter('choice', 'items', items, 'non-empty');
    return items[Math.floor(this.random() * items.length)];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}
