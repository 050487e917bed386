import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  binomialCdf,
  meanInterval,
  normalQuantile,
  quantileInterval,
  studentTCdf,
  studentTQuantile,
  wilsonInterval,
} from '@doppel/verify';

describe('Student t quantiles', () => {
  // Two-sided critical values from the standard t table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
  it.each([
    [0.975, 1, 12.7062047],
    [0.995, 5, 4.032143],
    [0.95, 10, 1.8124611],
    [0.975, 19, 2.0930241],
    [0.975, 30, 2.0422725],
    [0.99, 100, 2.3642173],
    [0.975, 1000, 1.9623391],
  ])('t(%f, df=%i) = %f', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 6);
  });

  it('is antisymmetric and inverts the CDF', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 500 }), (p, df) => {
        const t = studentTQuantile(p, df);
        expect(studentTCdf(t, df)).toBeCloseTo(p, 9);
        expect(studentTQuantile(1 - p, df)).toBeCloseTo(-t, 6);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses probabilities outside (0, 1)', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
  });
});

describe('normal quantiles', () => {
  it.each([
    [0.975, 1.959963985],
    [0.995, 2.575829304],
    [0.9, 1.281551566],
    [0.5, 0],
    [0.001, -3.090232306],
  ])('z(%f) = %f', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 8);
  });
});

describe('Wilson score intervals', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3 (score).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i at 95%%: [%f, %f]', (successes, n, lower, upper) => {
    const interval = wilsonInterval(successes, n, 0.95);
    expect(interval.lower).toBeCloseTo(lower, 4);
    expect(interval.upper).toBeCloseTo(upper, 4);
  });

  it('always contains the observed proportion and stays within [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, share) => {
        const successes = Math.round(share * n);
        const { estimate, lower, upper } = wilsonInterval(successes, n, 0.9);
        expect(lower!).toBeGreaterThanOrEqual(0);
        expect(upper!).toBeLessThanOrEqual(1);
        expect(lower!).toBeLessThanOrEqual(estimate + 1e-12);
        expect(upper!).toBeGreaterThanOrEqual(estimate - 1e-12);
      }),
    );
  });
});

describe('mean intervals', () => {
  it('1..10 at 95%: 5.5 ± t(0.975, 9) × s/√n', () => {
    const { estimate, lower, upper } = meanInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95);
    expect(estimate).toBe(5.5);
    // s = 3.0276504, t(0.975, 9) = 2.2621572: half-width 2.1658506.
    expect(lower).toBeCloseTo(3.3341494, 6);
    expect(upper).toBeCloseTo(7.6658506, 6);
  });

  it('gives no bounds for a single value', () => {
    expect(meanInterval([3], 0.95)).toEqual({ estimate: 3, lower: null, upper: null });
  });
});

describe('quantile intervals from order statistics', () => {
  it('binomial CDF matches exact values', () => {
    expect(binomialCdf(5, 20, 0.5)).toBeCloseTo(0.0206947, 6);
    expect(binomialCdf(14, 20, 0.5)).toBeCloseTo(0.9793053, 6);
    expect(binomialCdf(0, 10, 0.1)).toBeCloseTo(0.9 ** 10, 12);
  });

  it('the median of 20 values at 95% lies between the 6th and the 15th', () => {
    const values = Array.from({ length: 20 }, (_, index) => 20 - index);
    const { estimate, lower, upper } = quantileInterval(values, 0.5, 0.95);
    expect(estimate).toBe(10.5);
    expect([lower, upper]).toEqual([6, 15]);
  });

  it('cannot bound a high quantile from above with few values', () => {
    const values = Array.from({ length: 20 }, (_, index) => index);
    expect(quantileInterval(values, 0.95, 0.95).upper).toBeNull();
  });
});
