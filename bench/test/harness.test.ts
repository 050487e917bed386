import { describe, expect, it } from 'vitest';
import { BenchUsageError, getModel, models, runBench } from '../src/index.js';

describe('bench harness', () => {
  it('runs the timeouts model and reports the required fields', () => {
    const result = runBench({ model: 'timeouts', params: { n: 1000, procs: 10 }, seed: 3, rng: 'sfc32' });
    expect(result).toMatchObject({ model: 'timeouts', params: { n: 1000, procs: 10 }, seed: 3, rng: 'sfc32' });
    // n timeouts + one start and one end event per process
    expect(result.events).toBe(1020);
    expect(result.final_time).toBe(100);
    expect(result.wall_s).toBeGreaterThanOrEqual(0);
    expect(typeof result.events_per_s).toBe('number');
  });

  it('spreads a remainder of timeouts over the first processes', () => {
    const result = runBench({ model: 'timeouts', params: { n: 7, procs: 3 } });
    expect(result.events).toBe(13);
    expect(result.final_time).toBe(3);
  });

  it('rejects unknown models and parameters, listing the valid ones', () => {
    expect(() => getModel('nope')).toThrow(BenchUsageError);
    expect(() => getModel('nope')).toThrow(/timeouts/);
    expect(() => runBench({ model: 'timeouts', params: { x: 1 } })).toThrow(/--n, --procs/);
    expect(() => runBench({ model: 'toString' })).toThrow(BenchUsageError);
  });

  it('every registered model declares numeric defaults', () => {
    for (const [name, model] of Object.entries(models)) {
      expect(model.name).toBe(name);
      for (const value of Object.values(model.params)) expect(Number.isFinite(value)).toBe(true);
    }
  });
});
