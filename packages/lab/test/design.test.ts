import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { crnSeed, gridPoints, pointLabel } from '../src/design.js';

describe('gridPoints', () => {
  test('every combination, the last factor fastest, the first point the baseline', () => {
    const points = gridPoints({ 'params.c': [3, 4], 'params.lam': [2, 2.4, 2.8] });
    expect(points).toHaveLength(6);
    expect(points[0].settings).toEqual({ 'params.c': 3, 'params.lam': 2 });
    expect(points[1].settings).toEqual({ 'params.c': 3, 'params.lam': 2.4 });
    expect(points[5].settings).toEqual({ 'params.c': 4, 'params.lam': 2.8 });
    expect(points.map((point) => point.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pointLabel(points[1])).toBe('params.c=3 params.lam=2.4');
  });

  test('no factors is the base alone', () => {
    const points = gridPoints({});
    expect(points).toEqual([{ index: 0, settings: {} }]);
    expect(pointLabel(points[0])).toBe('base');
  });
});

describe('crnSeed', () => {
  test('property: a function of the experiment seed and the replication only, distinct across replications', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 10_000 }), (seed, index) => {
        const derived = crnSeed(seed, index);
        expect(crnSeed(seed, index)).toBe(derived);
        expect(Number.isSafeInteger(derived)).toBe(true);
        expect(crnSeed(seed, index + 1)).not.toBe(derived);
        expect(crnSeed(seed + 1, index)).not.toBe(derived);
      }),
    );
  });
});
