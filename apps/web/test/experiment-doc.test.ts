import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Experiment } from '@doppel/client';
import { experimentText, resultsCsv, type ExperimentForm } from '../src/views/experiments/experiment-doc.js';

const FORM: ExperimentForm = {
  name: 'reserve chargers',
  scenario: '../swap/city-10.yaml',
  design: 'grid',
  points: 5,
  factors: [
    { path: 'swap.station_defaults.reserve_chargers', values: '0, 2.5, many', min: 0, max: 4, integer: true },
    { path: ' swap.demand.base_riders_per_hour ', values: '1.5, 3', min: 1, max: 4.5, integer: false },
    { path: 'swap.ignored_without_values', values: ' ', min: 0, max: 1, integer: false },
  ],
  replications: 4,
  outputs: 'kpis.wait_mean_s , kpis.wait_p95_s',
  seed: 7,
};

describe('experiment form as text', () => {
  // The server reading this text is checked end to end (test/e2e/web-experiments.test.ts).
  it('is the experiment document: a grid over every factor with numbers as numbers, outputs, replications, seed', () => {
    expect(parse(experimentText(FORM))).toEqual({
      name: 'reserve chargers',
      seed: 7,
      base: { scenario: '../swap/city-10.yaml' },
      factors: {
        'swap.station_defaults.reserve_chargers': [0, 2.5, 'many'],
        'swap.demand.base_riders_per_hour': [1.5, 3],
      },
      replications: 4,
      outputs: ['kpis.wait_mean_s', 'kpis.wait_p95_s'],
    });
  });

  it('reads back any name and factor values as written', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 5 }),
        (name, values) => {
          const factors = [{ ...FORM.factors[0], values: values.join(', ') }];
          const text = experimentText({ ...FORM, name, factors });
          const doc = parse(text) as { name: string; factors: Record<string, number[]> };
          expect(doc.name).toBe(name);
          expect(doc.factors['swap.station_defaults.reserve_chargers']).toEqual(values);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('without a factor, is replications of the base alone', () => {
    expect(experimentText({ ...FORM, factors: [{ ...FORM.factors[0], path: ' ' }] })).not.toContain('factors:');
    expect(experimentText({ ...FORM, factors: [] })).not.toContain('factors:');
  });

  it('random and Latin hypercube designs draw their points over each factor range', () => {
    for (const design of ['random', 'latin_hypercube'] as const) {
      expect(parse(experimentText({ ...FORM, design }))).toMatchObject({
        design: { type: design, points: 5 },
        factors: {
          'swap.station_defaults.reserve_chargers': { min: 0, max: 4, integer: true },
          'swap.demand.base_riders_per_hour': { min: 1, max: 4.5 },
          'swap.ignored_without_values': { min: 0, max: 1 },
        },
      });
    }
    expect(experimentText({ ...FORM, design: 'random' })).not.toContain('4.5, integer');
  });
});

describe('results as CSV', () => {
  it('has a row per point and output with its settings and interval, quoting what needs it', () => {
    const experiment = {
      factors: ['x'],
      results: {
        replicationsPerPoint: 2,
        cacheHits: 0,
        points: [{ index: 0, settings: { x: 'a,b' }, label: 'x=a,b' }],
        estimates: [
          { pointIndex: 0, output: 'w', mean: 1.5, ciLow: null, ciHigh: null, halfWidth: null, stdDev: null, n: 1 },
        ],
        deltas: [],
      },
    } as unknown as Experiment;
    expect(resultsCsv(experiment)).toBe('point,x,output,mean,ci_low,ci_high,half_width,n\n"x=a,b","a,b",w,1.5,,,,1\n');
    expect(resultsCsv({ ...experiment, results: null })).toBe('');
  });
});
