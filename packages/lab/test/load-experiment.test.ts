import { describe, expect, test } from 'vitest';
import { LabError, loadExperimentFile, loadExperimentText } from '../src/index.js';

function problem(text: string): LabError {
  try {
    loadExperimentText(text, 'exp.yaml');
  } catch (error) {
    if (error instanceof LabError) return error;
    throw error;
  }
  throw new Error('expected the experiment to be refused');
}

describe('experiment files', () => {
  test('a valid file: defaults filled in, the name from the file', () => {
    const experiment = loadExperimentText(
      'seed: 1\nbase: { model: mmc, params: { lam: 2 } }\nreplications: 5\noutputs: [mean_wait]\n',
      'dir/mmc.yaml',
    );
    expect(experiment).toMatchObject({
      name: 'mmc',
      confidence: 0.95,
      factors: {},
      replications: 5,
      scenarioPath: null,
    });
  });

  test('a scenario base resolves relative to the experiment file', () => {
    const experiment = loadExperimentText(
      'seed: 1\nbase: { scenario: ../swap/evening-peak.yaml }\nreplications: 2\noutputs: [kpis.x]\n',
      '/repo/examples/experiments/ab.yaml',
    );
    expect(experiment.scenarioPath).toBe('/repo/examples/swap/evening-peak.yaml');
  });

  test('problems are located: file, line, field path, expected and found', () => {
    const error = problem('seed: 1\nbase: { model: mmc }\nreplications: 0\noutputs: [mean_wait]\nconfidence: 2\n');
    expect(error.code).toBe('DOPPEL_ERR_EXPERIMENT_INVALID');
    const byPath = Object.fromEntries(error.issues.map((issue) => [issue.path, issue]));
    expect(byPath['replications']).toMatchObject({ file: 'exp.yaml', line: 3 });
    expect(byPath['confidence']).toMatchObject({ file: 'exp.yaml', line: 5 });
    expect(error.message).toMatch(/exp\.yaml:3:\d+ replications:/);
  });

  test('an unknown key is named with a suggestion', () => {
    const error = problem('seed: 1\nbase: { model: mmc }\nreplication: 3\noutputs: [w]\n');
    expect(error.message).toMatch(/replication/);
    expect(error.message).toMatch(/did you mean "replications"\?/);
  });

  test('a stopping rule with min above max is refused at min', () => {
    const error = problem(
      'seed: 1\nbase: { model: mmc }\nreplications: { min: 10, max: 5, half_width: { output: w, target: 0.1 } }\noutputs: [w]\n',
    );
    expect(error.issues.some((issue) => issue.path === 'replications.min')).toBe(true);
  });

  test('the seed of a scenario is not a factor, and a huge grid is refused before anything runs', () => {
    expect(
      problem('seed: 1\nbase: { scenario: a.yaml }\nfactors: { seed: [1, 2] }\nreplications: 2\noutputs: [w]\n')
        .message,
    ).toMatch(/common random numbers/);
    const values = `[${Array.from({ length: 200 }, (_, i) => i).join(', ')}]`;
    expect(
      problem(`seed: 1\nbase: { model: mmc }\nfactors: { a: ${values}, b: ${values} }\nreplications: 2\noutputs: [w]\n`)
        .message,
    ).toMatch(/40000 points/);
  });

  test('hostile input: not YAML, a missing file', () => {
    expect(problem('seed: [1\n').code).toBe('DOPPEL_ERR_EXPERIMENT_INVALID');
    expect(problem('- 1\n- 2\n').code).toBe('DOPPEL_ERR_EXPERIMENT_INVALID');
    expect(() => loadExperimentFile('/nonexistent/exp.yaml')).toThrow(/experiment file not found/);
  });
});

describe('experiment designs', () => {
  test('a Latin hypercube over ranges; a grid with a range is refused at its line', () => {
    const experiment = loadExperimentText(
      [
        'seed: 1',
        'base: { model: mmc }',
        'design: { type: latin_hypercube, points: 8 }',
        'factors: { params.lam: { min: 2, max: 2.8 } }',
        'replications: 2',
        'outputs: [mean_wait]',
      ].join('\n'),
      'lhs.yaml',
    );
    expect(experiment.design).toEqual({ type: 'latin_hypercube', points: 8 });
    expect(
      problem(
        'seed: 1\nbase: { model: mmc }\nfactors:\n  params.lam: { min: 2, max: 3 }\nreplications: 2\noutputs: [w]\n',
      ).message,
    ).toMatch(/exp\.yaml:4: factors\.params\.lam: a grid needs a list of values/);
    const bad = problem(
      'seed: 1\nbase: { model: mmc }\ndesign: { type: sobol, points: 3 }\nreplications: 2\noutputs: [w]\n',
    );
    expect(bad.issues.some((issue) => issue.path.startsWith('design'))).toBe(true);
    expect(
      problem(
        'seed: 1\nbase: { model: mmc }\ndesign: { type: random, points: 4 }\nfactors: { x: { min: 3, max: 1 } }\nreplications: 2\noutputs: [w]\n',
      ).issues.some((issue) => issue.path === 'factors.x.min'),
    ).toBe(true);
  });
});
