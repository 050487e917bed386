import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { estimate, pairedDelta } from '../src/statistics.js';

describe('estimate', () => {
  test('mean with the Student-t interval of a known sample', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, s = sqrt(32/7); t(0.975, 7) = 2.364624 (tables).
    const result = estimate([2, 4, 4, 4, 5, 5, 7, 9], 0.95);
    const half = (2.364624252 * Math.sqrt(32 / 7)) / Math.sqrt(8);
    expect(result.mean).toBe(5);
    expect(result.n).toBe(8);
    expect(result.halfWidth).toBeCloseTo(half, 6);
    expect(result.ciLow).toBeCloseTo(5 - half, 6);
    expect(result.ciHigh).toBeCloseTo(5 + half, 6);
  });

  test('t quantiles of the interval match the tables at 90%, 95% and 99%', () => {
    // Two values 0 and 2: s = sqrt 2, half-width = t * s / sqrt 2 = t(df = 1).
    expect(estimate([0, 2], 0.9).halfWidth).toBeCloseTo(6.313752, 5);
    expect(estimate([0, 2], 0.95).halfWidth).toBeCloseTo(12.706205, 5);
    expect(estimate([0, 2], 0.99).halfWidth).toBeCloseTo(63.656741, 4);
  });

  test('one value has a mean and no interval', () => {
    expect(estimate([3], 0.95)).toMatchObject({ mean: 3, ciLow: null, ciHigh: null, halfWidth: null, n: 1 });
  });

  test('property: the interval holds the mean, and a higher confidence gives a wider one', () => {
    const samples = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 50 });
    fc.assert(
      fc.property(samples, (values) => {
        const at90 = estimate(values, 0.9);
        const at99 = estimate(values, 0.99);
        expect(at90.ciLow as number).toBeLessThanOrEqual(at90.mean + 1e-9 * Math.abs(at90.mean));
        expect(at90.ciHigh as number).toBeGreaterThanOrEqual(at90.mean - 1e-9 * Math.abs(at90.mean));
        expect(at99.halfWidth as number).toBeGreaterThanOrEqual(at90.halfWidth as number);
      }),
    );
  });
});

describe('pairedDelta', () => {
  test('a known paired sample: mean difference, t-interval and the variance pairing removed', () => {
    const a = [10, 12, 9, 14, 11];
    const b = [11, 14, 10, 15, 13]; // differences 1, 2, 1, 1, 2: mean 1.4, variance 0.3
    const result = pairedDelta(a, b, 0.95);
    const half = (2.776445105 * Math.sqrt(0.3)) / Math.sqrt(5);
    expect(result.mean).toBeCloseTo(1.4, 12);
    expect(result.halfWidth).toBeCloseTo(half, 6);
    // var(a) = 3.7, var(b) = 4.3: unpaired 8 against paired 0.3.
    expect(result.varianceReduction).toBeCloseTo(8 / 0.3, 9);
  });

  test('property: a constant shift is found exactly, with all the variance removed', () => {
    const values = fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 3, maxLength: 40 });
    fc.assert(
      fc.property(values, fc.integer({ min: -50, max: 50 }), (a, shift) => {
        fc.pre(new Set(a).size > 1);
        const result = pairedDelta(
          a,
          a.map((value) => value + shift),
          0.95,
        );
        expect(result.mean).toBeCloseTo(shift, 9);
        expect(result.halfWidth).toBeCloseTo(0, 9);
        expect(result.varianceReduction).toBe(Infinity);
      }),
    );
  });

  test('samples of different sizes cannot be paired', () => {
    expect(() => pairedDelta([1, 2], [1], 0.95)).toThrow(/differ in size/);
  });
  test('reports no variance reduction for an output that does not vary, even through rounding noise', () => {
    const value = 1.0786516853932577;
    const a = [value, value, value + 2.2e-16, value];
    const b = [0.179, 0.179, 0.179, 0.179 + 2.8e-17];
    expect(pairedDelta(a, b, 0.95).varianceReduction).toBeNull();
  });
});
