import { Environment, type ProcessGenerator } from '@doppel/engine';
import type { BenchModel } from '../types.js';

/** Raw event rate: `n` timeouts spread over `procs` processes, each looping `yield env.timeout(1)`. */
export const timeouts: BenchModel<{ n: number; procs: number }> = {
  name: 'timeouts',
  description: 'n timeouts of delay 1 spread over procs looping processes (raw event rate)',
  params: { n: 1_000_000, procs: 1000 },
  representative: { n: 2_000_000, procs: 1000 },
  run({ n, procs }, ctx) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`--n must be an integer >= 0, got ${n}`);
    if (!Number.isInteger(procs) || procs < 1) throw new RangeError(`--procs must be an integer >= 1, got ${procs}`);
    const env = new Environment({ seed: ctx.seed, rng: ctx.rng });
    const base = Math.floor(n / procs);
    const extra = n % procs;
    function* loop(count: number): ProcessGenerator<void> {
      for (let i = 0; i < count; i++) yield env.timeout(1);
    }
    for (let p = 0; p < procs; p++) env.process(loop(base + (p < extra ? 1 : 0)), `p${p}`);
    ctx.run(env);
    return { events: env.eventsProcessed, timeouts: n, final_time: env.now };
  },
};
