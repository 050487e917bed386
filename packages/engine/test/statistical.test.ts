// Statistical validation of Resource against queueing theory: the 95% confidence interval of the mean wait over
// independent replications (fixed seeds, so the test is deterministic) must cover the Erlang C value.
import { describe, expect, it } from 'vitest';
import { Environment, Resource, type ProcessGenerator } from '../src/index.js';

function erlangCWait(lam: number, mu: number, c: number): number {
  const a = lam / mu;
  let term = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * c) / (c - a);
  return top / (sum + top) / (c * mu - lam);
}

function meanWait(seed: number, lam: number, mu: number, c: number, until: number, warmup: number): number {
  const env = new Environment({ seed });
  const arrivals = env.rng('arrivals');
  const service = env.rng('service');
  const servers = new Resource(env, { capacity: c });
  let sum = 0;
  let n = 0;
  function* customer(): ProcessGenerator<void> {
    const arrival = env.now;
    yield* servers.using(function* () {
      if (arrival >= warmup) {
        sum += env.now - arrival;
        n++;
      }
      yield env.timeout(service.exponential(mu));
    });
  }
  env.process(function* () {
    for (;;) {
      yield env.timeout(arrivals.exponential(lam));
      env.process(customer());
    }
  });
  env.run({ until });
  return sum / n;
}

const T_975_DF9 = 2.2621571627409915;

function confidenceInterval(samples: number[]): [number, number] {
  const n = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const variance = samples.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  const half = T_975_DF9 * Math.sqrt(variance / n);
  return [mean - half, mean + half];
}

describe('queueing theory', () => {
  it.each([
    { name: 'M/M/1', lam: 0.5, mu: 1, c: 1, until: 40_000 },
    { name: 'M/M/3', lam: 2.4, mu: 1, c: 3, until: 20_000 },
  ])('$name mean wait: the 95% CI of 10 replications covers Erlang C', ({ lam, mu, c, until }) => {
    const analytic = erlangCWait(lam, mu, c);
    const waits = Array.from({ length: 10 }, (_, i) => meanWait(1000 + i, lam, mu, c, until, 1000));
    const [lo, hi] = confidenceInterval(waits);
    expect(lo).toBeLessThanOrEqual(analytic);
    expect(hi).toBeGreaterThanOrEqual(analytic);
    expect(hi - lo).toBeLessThan(0.2 * analytic); // the interval is informative, not trivially wide
  });

  it('Erlang C helper matches textbook values', () => {
    expect(erlangCWait(0.5, 1, 1)).toBeCloseTo(1, 12); // M/M/1: rho / (mu - lam)
    expect(erlangCWait(2.4, 1, 3)).toBeCloseTo(1.0786516853932584, 12);
  });
});
