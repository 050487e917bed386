import { describe, expect, it } from 'vitest';
import {
  createNamedStream,
  lognormalParams,
  logGamma,
  type RandomStream,
  type RngAlgorithm,
} from '../src/rng/index.js';

// Fixed seeds and large samples: every check is deterministic, and tolerances are ~5 standard errors wide.
const N = 100_000;

function moments(sample: (s: RandomStream) => number, algorithm: RngAlgorithm, n = N) {
  const stream = createNamedStream(2024, 'moments', algorithm);
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = sample(stream);
    sum += x;
    sumSq += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean, min, max };
}

function expectClose(actual: number, expected: number, relTol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relTol * Math.max(1, Math.abs(expected)));
}

type Case = {
  name: string;
  sample: (s: RandomStream) => number;
  mean: number;
  variance: number;
  min?: number;
  max?: number;
};
const lnMuSigma = lognormalParams(10, 4);
const cases: Case[] = [
  { name: 'random', sample: (s) => s.random(), mean: 0.5, variance: 1 / 12, min: 0, max: 1 },
  { name: 'exponential(0.5)', sample: (s) => s.exponential(0.5), mean: 2, variance: 4, min: 0 },
  { name: 'uniform(5, 15)', sample: (s) => s.uniform(5, 15), mean: 10, variance: 100 / 12, min: 5, max: 15 },
  { name: 'normal(3, 2)', sample: (s) => s.normal(3, 2), mean: 3, variance: 4 },
  {
    name: 'lognormal(0, 0.5)',
    sample: (s) => s.lognormal(0, 0.5),
    mean: Math.exp(0.125),
    variance: (Math.exp(0.25) - 1) * Math.exp(0.25),
    min: 0,
  },
  { name: 'lognormalFromMeanSd(10, 4)', sample: (s) => s.lognormalFromMeanSd(10, 4), mean: 10, variance: 16, min: 0 },
  {
    name: 'lognormal(params of 10, 4)',
    sample: (s) => s.lognormal(lnMuSigma.mu, lnMuSigma.sigma),
    mean: 10,
    variance: 16,
  },
  {
    name: 'triangular(0, 2, 10)',
    sample: (s) => s.triangular(0, 2, 10),
    mean: 4,
    variance: (100 + 4 - 20) / 18,
    min: 0,
    max: 10,
  },
  {
    name: 'weibull(2, 3)',
    sample: (s) => s.weibull(2, 3),
    mean: 3 * 0.886226925452758,
    variance: 9 * (1 - Math.PI / 4),
    min: 0,
  },
  { name: 'gamma(2.5, 2)', sample: (s) => s.gamma(2.5, 2), mean: 5, variance: 10, min: 0 },
  { name: 'gamma(0.4, 1)', sample: (s) => s.gamma(0.4, 1), mean: 0.4, variance: 0.4, min: 0 },
  { name: 'poisson(3.5)', sample: (s) => s.poisson(3.5), mean: 3.5, variance: 3.5, min: 0 },
  { name: 'poisson(250)', sample: (s) => s.poisson(250), mean: 250, variance: 250, min: 0 },
  { name: 'bernoulli(0.3)', sample: (s) => (s.bernoulli(0.3) ? 1 : 0), mean: 0.3, variance: 0.21, min: 0, max: 1 },
  { name: 'integer(1, 6)', sample: (s) => s.integer(1, 6), mean: 3.5, variance: 35 / 12, min: 1, max: 6 },
  {
    name: 'discrete',
    sample: (s) => s.discrete([1, 2, 10], [0.5, 0.3, 0.2]),
    mean: 0.5 + 0.6 + 2,
    variance: 0.5 + 1.2 + 20 - 3.1 ** 2,
    min: 1,
    max: 10,
  },
  {
    name: 'empirical',
    sample: (s) => s.empirical([1, 2, 3, 10]),
    mean: 4,
    variance: (1 + 4 + 9 + 100) / 4 - 16,
    min: 1,
    max: 10,
  },
  { name: 'choice', sample: (s) => s.choice([2, 4]), mean: 3, variance: 1, min: 2, max: 4 },
];

describe.each(['default', 'sfc32'] as const)('distributions on %s', (algorithm) => {
  it.each(cases)('$name has the expected mean, variance and support', (c) => {
    const m = moments(c.sample, algorithm);
    expectClose(m.mean, c.mean, 0.02);
    expectClose(m.variance, c.variance, 0.04);
    if (c.min !== undefined) expect(m.min).toBeGreaterThanOrEqual(c.min);
    if (c.max !== undefined) expect(m.max).toBeLessThanOrEqual(c.max);
  });

  it('integer and poisson return integers, shuffle is a permutation with uniform positions', () => {
    const s = createNamedStream(1, 'ints', algorithm);
    for (let i = 0; i < 1000; i++) {
      expect(Number.isInteger(s.integer(-3, 3))).toBe(true);
      expect(Number.isInteger(s.poisson(40))).toBe(true);
    }
    const firstCounts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const arr = s.shuffle([0, 1, 2, 3]);
      expect([...arr].sort()).toEqual([0, 1, 2, 3]);
      firstCounts[arr[0]]++;
    }
    for (const c of firstCounts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe('distribution edge cases', () => {
  it('degenerate parameters give the point value', () => {
    const s = createNamedStream(1, 'edge');
    expect(s.uniform(2, 2)).toBe(2);
    expect(s.normal(4, 0)).toBe(4);
    expect(s.triangular(3, 3, 3)).toBe(3);
    expect(s.integer(7, 7)).toBe(7);
    expect(s.poisson(0)).toBe(0);
    expect(s.bernoulli(0)).toBe(false);
    expect(s.bernoulli(1)).toBe(true);
    expect(s.discrete(['a', 'b', 'c'], [0, 1, 0])).toBe('b');
  });

  it('logGamma matches known values', () => {
    expectClose(logGamma(1), 0, 1e-15);
    expectClose(logGamma(5), Math.log(24), 1e-13);
    expectClose(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13);
    expectClose(logGamma(101), 363.73937555556347, 1e-13);
  });
});

describe('parameter validation', () => {
  const s = createNamedStream(1, 'validation');
  const bad: [string, () => unknown, unknown][] = [
    ['exponential rate 0', () => s.exponential(0), 0],
    ['exponential rate < 0', () => s.exponential(-1), -1],
    ['exponential NaN', () => s.exponential(NaN), NaN],
    ['uniform lo > hi', () => s.uniform(2, 1), [2, 1]],
    ['uniform NaN', () => s.uniform(NaN, 1), [NaN, 1]],
    ['normal sd < 0', () => s.normal(0, -1), -1],
    ['normal mean NaN', () => s.normal(NaN, 1), NaN],
    ['lognormal sigma < 0', () => s.lognormal(0, -0.1), -0.1],
    ['lognormalFromMeanSd mean 0', () => s.lognormalFromMeanSd(0, 1), 0],
    ['triangular mode outside', () => s.triangular(0, 5, 4), [0, 5, 4]],
    ['weibull shape 0', () => s.weibull(0, 1), 0],
    ['gamma scale < 0', () => s.gamma(1, -2), -2],
    ['poisson mean < 0', () => s.poisson(-1), -1],
    ['bernoulli p > 1', () => s.bernoulli(1.5), 1.5],
    ['bernoulli NaN', () => s.bernoulli(NaN), NaN],
    ['integer fractional', () => s.integer(0.5, 3), [0.5, 3]],
    ['integer lo > hi', () => s.integer(3, 1), [3, 1]],
    ['discrete empty', () => s.discrete([], []), []],
    ['discrete length mismatch', () => s.discrete([1, 2], [1]), [1]],
    ['discrete negative weight', () => s.discrete([1, 2], [1, -1]), [1, -1]],
    ['discrete zero sum', () => s.discrete([1, 2], [0, 0]), [0, 0]],
    ['empirical empty', () => s.empirical([]), []],
    ['choice empty', () => s.choice([]), []],
  ];
  it.each(bad)('%s throws DOPPEL_ERR_INVALID_DISTRIBUTION_PARAMETER with the value', (_label, fn, value) => {
    let caught: { code?: string; value?: unknown } | undefined;
    try {
      fn();
    } catch (err) {
      caught = err as { code?: string; value?: unknown };
    }
    expect(caught?.code).toBe('DOPPEL_ERR_INVALID_DISTRIBUTION_PARAMETER');
    expect(caught?.value).toEqual(value);
  });
});
