import { Environment, Resource, createStream, type ProcessGenerator } from '@doppel/engine';
import type { BenchModel } from '../types.js';
import { meanInOrder, nearestRank } from './stats.js';

export interface MmcParams {
  lam: number;
  mu: number;
  c: number;
  until: number;
  warmup: number;
  [key: string]: number;
}

/** Erlang C mean wait in queue: Wq = C(c, a) / (c mu - lam), a = lam / mu; Infinity when the queue is unstable. */
export function erlangCWait(lam: number, mu: number, c: number): number {
  const a = lam / mu;
  if (a >= c) return Infinity;
  let term = 1; // a^k / k!
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * c) / (c - a); // a^c / c! * c / (c - a)
  return top / (sum + top) / (c * mu - lam);
}

/** M/M/c queue exactly as the benchmark specification: one stream, draws ia then svc in the source. */
export const mmc: BenchModel<MmcParams> = {
  name: 'mmc',
  description: 'M/M/c queue: Poisson arrivals, c FIFO servers, exponential service (waits vs Erlang C)',
  params: { lam: 2.4, mu: 1, c: 3, until: 100_000, warmup: 0 },
  run({ lam, mu, c, until, warmup }, ctx) {
    if (!(lam > 0 && mu > 0)) throw new RangeError(`--lam and --mu must be > 0, got ${lam}, ${mu}`);
    if (!Number.isInteger(c) || c < 1) throw new RangeError(`--c must be an integer >= 1, got ${c}`);
    if (!(until > 0)) throw new RangeError(`--until must be > 0, got ${until}`);
    const env = new Environment({ seed: ctx.seed, rng: ctx.rng });
    const rng = createStream(ctx.rng, ctx.seed, 'mmc');
    const servers = new Resource(env, { capacity: c });
    const waits: number[] = [];

    function* customer(arrival: number, svc: number): ProcessGenerator<void> {
      const req = servers.request();
      yield req;
      if (arrival >= warmup) waits.push(env.now - arrival);
      yield env.timeout(svc);
      servers.release(req);
    }

    function* source(): ProcessGenerator<void> {
      for (;;) {
        const ia = rng.exponential(lam);
        const svc = rng.exponential(mu);
        yield env.timeout(ia);
        env.process(customer(env.now, svc), 'customer'); // a fixed name: no per-process name string
      }
    }

    env.process(source());
    ctx.run(env, { until });
    return {
      customers: waits.length,
      mean_wait: meanInOrder(waits),
      p95_wait: nearestRank(waits, 0.95),
      erlang_c_wait: erlangCWait(lam, mu, c),
    };
  },
};
