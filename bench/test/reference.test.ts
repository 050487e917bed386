// Sample-path equality with SimPy: values produced by reference/simpy_reference.py (SimPy, sfc32 streams, the
// specification's draw order). Counts must be equal; times may differ in the last digits only, because V8's and the
// C library's log() can differ by one ulp.
import { describe, expect, it } from 'vitest';
import { runBench } from '../src/index.js';

function expectRel(actual: unknown, expected: number, tol: number): void {
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe('same sample path as SimPy (--rng sfc32)', () => {
  it('mmc --lam 2.4 --mu 1 --c 3 --until 2000 --seed 1', () => {
    const r = runBench({ model: 'mmc', params: { lam: 2.4, mu: 1, c: 3, until: 2000 }, seed: 1, rng: 'sfc32' });
    expect(r.customers).toBe(4791);
    expectRel(r.mean_wait, 1.0587206527699284, 1e-12);
    expectRel(r.p95_wait, 4.117323581916935, 1e-12);
  });

  it('line --hours 8 --lines 1 --seed 1', () => {
    const r = runBench({ model: 'line', params: { hours: 8, lines: 1 }, seed: 1, rng: 'sfc32' });
    expect(r.produced_total).toBe(16954);
    expect(r.throughput_per_h_line0).toBe(2119.25);
    const expected: Record<string, Record<string, number>> = {
      S0: {
        STARVED: 0,
        EXECUTE: 16984.160694000075,
        DOWN: 503.15960402124483,
        JAMMED: 850,
        BLOCKED: 10462.67970197868,
      },
      S1: {
        STARVED: 431.55960402123446,
        EXECUTE: 20355.760694008422,
        DOWN: 1909.73034255793,
        JAMMED: 2328,
        BLOCKED: 3774.9493594124124,
      },
      S2: {
        STARVED: 7911.0188482158555,
        EXECUTE: 15265.960694007646,
        DOWN: 857.9990277121024,
        JAMMED: 288,
        BLOCKED: 4477.021430064396,
      },
      S3: {
        STARVED: 4681.869032113591,
        EXECUTE: 18651.360693992552,
        DOWN: 2568.420871732703,
        JAMMED: 1620,
        BLOCKED: 1278.3494021611548,
      },
      S4: { STARVED: 9407.624230107365, EXECUTE: 16954.86069400015, DOWN: 1562.515075892489, JAMMED: 875, BLOCKED: 0 },
    };
    const actual = r.state_seconds_line0 as Record<string, Record<string, number>>;
    for (const [station, states] of Object.entries(expected)) {
      for (const [state, seconds] of Object.entries(states)) expectRel(actual[station][state], seconds, 1e-12);
    }
  });

  it.each([
    { seed: 1, arrivals: 1076, swaps: 988, reneges: 85, balks: 0, mean: 0.4862421044658627, p95: 3.9780000932018993 },
    { seed: 2, arrivals: 1143, swaps: 1025, reneges: 112, balks: 0, mean: 0.5882366524830424, p95: 5.57112002441545 },
  ])('swap --stations 10 --seed $seed', ({ seed, arrivals, swaps, reneges, balks, mean, p95 }) => {
    const r = runBench({ model: 'swap', params: { stations: 10, until: 1440 }, seed, rng: 'sfc32' });
    expect([r.arrivals, r.swaps, r.reneges, r.balks]).toEqual([arrivals, swaps, reneges, balks]);
    expect(r.in_system).toBe(arrivals - swaps - reneges - balks);
    expectRel(r.mean_wait, mean, 1e-12);
    expectRel(r.p95_wait, p95, 1e-12);
  });
});
