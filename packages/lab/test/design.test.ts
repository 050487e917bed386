import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { crnSeed, designPoints, gridPoints, pointLabel } from '../src/design.js';

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

describe('designPoints: random and Latin hypercube', () => {
  const factors = { 'params.lam': { min: 2, max: 2.8 }, 'params.c': { min: 3, max: 5, integer: true } } as const;

  test('seeded: the same seed gives the same points, another seed other points', () => {
    for (const type of ['random', 'latin_hypercube'] as const) {
      const a = designPoints({ type, points: 12 }, factors, 7);
      expect(designPoints({ type, points: 12 }, factors, 7)).toEqual(a);
      expect(designPoints({ type, points: 12 }, factors, 8)).not.toEqual(a);
      expect(a.map((point) => point.index)).toEqual([...Array(12).keys()]);
    }
  });

  test('property: a Latin hypercube puts exactly one point in each of n strata of every factor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.nat(), (n, seed) => {
        const points = designPoints({ type: 'latin_hypercube', points: n }, { x: { min: 10, max: 20 } }, seed);
        const strata = points.map((point) => Math.floor((((point.settings.x as number) - 10) / 10) * n));
        expect([...strata].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      }),
      { numRuns: 50 },
    );
  });

  test('property: draws stay in range; integer ranges give whole numbers with both ends reachable', () => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        for (const point of designPoints({ type: 'random', points: 30 }, factors, seed)) {
          const lam = point.settings['params.lam'] as number;
          const c = point.settings['params.c'] as number;
          expect(lam).toBeGreaterThanOrEqual(2);
          expect(lam).toBeLessThan(2.8);
          expect([3, 4, 5]).toContain(c);
        }
      }),
      { numRuns: 30 },
    );
    const cs = new Set(
      designPoints({ type: 'latin_hypercube', points: 3 }, factors, 1).map((p) => p.settings['params.c']),
    );
    expect(cs).toEqual(new Set([3, 4, 5]));
  });

  test('a list factor is sampled among its levels; a grid refuses a range', () => {
    const points = designPoints({ type: 'latin_hypercube', points: 4 }, { policy: ['a', 'b'] }, 3);
    expect(points.filter((point) => point.settings.policy === 'a')).toHaveLength(2);
    expect(() => designPoints({ type: 'grid' }, { x: { min: 0, max: 1 } }, 1)).toThrow(/factors\.x: a grid needs/);
  });
});
