import { describe, expect, it } from 'vitest';
import { runBench } from '../src/index.js';
import { erlangCWait } from '../src/models/mmc.js';

const STATES = ['STARVED', 'EXECUTE', 'DOWN', 'JAMMED', 'BLOCKED'];

describe('mmc', () => {
  it('reproduces the public check value with --rng sfc32', () => {
    const r = runBench({ model: 'mmc', params: { lam: 2.4, mu: 1, c: 3, until: 2000 }, seed: 1, rng: 'sfc32' });
    expect(r.customers).toBe(4791);
    expect(Math.abs((r.mean_wait as number) - 1.0587206527699284)).toBeLessThanOrEqual(1e-12);
    expect(r.erlang_c_wait).toBeCloseTo(1.0786516853932584, 14);
    expect(r.p95_wait as number).toBeGreaterThan(r.mean_wait as number);
    expect(r.events).toBeGreaterThan(0);
  });

  it('agrees with Erlang C on a long run and excludes customers arriving before the warm-up', () => {
    const long = runBench({ model: 'mmc', params: { until: 50_000, warmup: 1000 }, seed: 7 });
    expect(Math.abs((long.mean_wait as number) / erlangCWait(2.4, 1, 3) - 1)).toBeLessThan(0.1);
    const all = runBench({ model: 'mmc', params: { until: 5000 }, seed: 7 });
    const warm = runBench({ model: 'mmc', params: { until: 5000, warmup: 1000 }, seed: 7 });
    expect(warm.customers as number).toBeLessThan(all.customers as number);
    expect(warm.customers as number).toBeGreaterThan(0);
  });

  it('Erlang C: M/M/1 is rho / (mu - lam); an unstable queue waits forever', () => {
    expect(erlangCWait(0.5, 1, 1)).toBeCloseTo(1, 14);
    expect(erlangCWait(3, 1, 3)).toBe(Infinity);
  });

  it('rejects invalid parameters', () => {
    expect(() => runBench({ model: 'mmc', params: { c: 0 } })).toThrow(RangeError);
    expect(() => runBench({ model: 'mmc', params: { lam: -1 } })).toThrow(RangeError);
  });
});

describe('line', () => {
  const run = (params: Record<string, number>, seed = 3) => runBench({ model: 'line', params, seed, rng: 'sfc32' });

  it('accounts every station second of the horizon to exactly one state', () => {
    const r = run({ hours: 2 });
    const seconds = r.state_seconds_line0 as Record<string, Record<string, number>>;
    expect(Object.keys(seconds)).toEqual(['S0', 'S1', 'S2', 'S3', 'S4']);
    for (const station of Object.values(seconds)) {
      expect(Object.keys(station)).toEqual(STATES);
      const total = Object.values(station).reduce((a, b) => a + b, 0);
      expect(Math.abs(total - 7200)).toBeLessThan(1e-6);
      for (const s of Object.values(station)) expect(s).toBeGreaterThanOrEqual(0);
    }
    expect(seconds.S0.STARVED).toBe(0); // infinite source
    expect(seconds.S4.BLOCKED).toBe(0); // infinite sink
    expect(r.produced_total as number).toBeGreaterThan(0);
    expect(r.throughput_per_h_line0 as number).toBeLessThan(3600 / 1.2); // the slowest station bounds it
  });

  it('is deterministic, and each line draws only from its own streams', () => {
    const a = run({ hours: 1, lines: 1 });
    const b = run({ hours: 1, lines: 1 });
    const three = run({ hours: 1, lines: 3 });
    const strip = (r: Record<string, unknown>) => ({ ...r, wall_s: 0, events_per_s: 0 });
    expect(strip(a)).toEqual(strip(b));
    expect(three.state_seconds_line0).toEqual(a.state_seconds_line0);
    expect(three.throughput_per_h_line0).toBe(a.throughput_per_h_line0);
    expect(three.produced_total as number).toBeGreaterThan(2 * (a.produced_total as number));
    expect(run({ hours: 1 }, 4).produced_total).not.toBe(a.produced_total);
  });
});

describe('swap', () => {
  const run = (stations: number, seed = 5, rng: 'sfc32' | 'default' = 'sfc32') =>
    runBench({ model: 'swap', params: { stations }, seed, rng });

  it('conserves riders: arrivals = swaps + reneges + balks + still in the system', () => {
    for (const seed of [1, 2, 3]) {
      const r = run(20, seed);
      const { arrivals, swaps, reneges, balks, in_system } = r as unknown as Record<string, number>;
      expect(arrivals).toBe(swaps + reneges + balks + in_system);
      expect(arrivals).toBeGreaterThan(20 * 1440 * 0.08 * 0.8);
      expect(swaps).toBeGreaterThan(0);
      expect(in_system).toBeGreaterThanOrEqual(0);
      expect(r.mean_wait as number).toBeGreaterThanOrEqual(0);
      expect(r.p95_wait as number).toBeLessThanOrEqual(15); // nobody waits beyond their patience
    }
  });

  it('is deterministic per (seed, rng) and differs across seeds and generators', () => {
    const strip = (r: Record<string, unknown>) => ({ ...r, wall_s: 0, events_per_s: 0 });
    expect(strip(run(10))).toEqual(strip(run(10)));
    expect(run(10, 6).arrivals).not.toBe(run(10, 5).arrivals);
    expect(run(10, 5, 'default').arrivals).not.toBe(run(10, 5).arrivals);
  });
});
