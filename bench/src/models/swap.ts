import { Environment, Resource, Store, createStream, type ProcessGenerator, type RandomStream } from '@doppel/engine';
import type { BenchModel } from '../types.js';
import { meanInOrder, nearestRank } from './stats.js';

export interface SwapParams {
  stations: number;
  until: number;
  [key: string]: number;
}

const B_SLOTS = 10;
const K_BAYS = 2;
const LAM = 0.08;
const E_KWH = 2.0;
const P_SLOT_KW = 1.0;
const P_MAX_KW = 8.0;
const N_CHARGERS = Math.floor(P_MAX_KW / P_SLOT_KW);
const SWAP_MIN = 1.5;
const BALK_AT = 6;

interface Station {
  readonly rng: RandomStream;
  readonly bays: Resource;
  readonly chargers: Resource;
  readonly charged: Store<number>;
  waiting: number;
}

/** Battery-swap network: riders wait for a bay and a charged battery with finite patience (benchmark spec). */
export const swap: BenchModel<SwapParams> = {
  name: 'swap',
  description: 'battery-swap stations: 2 bays, 10 batteries, 8 chargers, riders with patience and balking',
  params: { stations: 10, until: 1440 },
  representative: { stations: 1000, until: 1440 },
  run({ stations, until }, ctx) {
    if (!Number.isInteger(stations) || stations < 1) {
      throw new RangeError(`--stations must be an integer >= 1, got ${stations}`);
    }
    if (!(until > 0)) throw new RangeError(`--until must be > 0, got ${until}`);
    const env = new Environment({ seed: ctx.seed, rng: ctx.rng });
    let arrivals = 0;
    let swaps = 0;
    let reneges = 0;
    let balks = 0;
    let inSystem = 0;
    const waits: number[] = [];

    function* charge(st: Station, soc: number): ProcessGenerator<void> {
      const req = st.chargers.request();
      yield req;
      yield env.timeout((((1 - soc) * E_KWH) / P_SLOT_KW) * 60);
      st.chargers.release(req);
      yield st.charged.put(1);
    }

    function* rider(st: Station, arrival: number, soc: number, pat: number): ProcessGenerator<void> {
      st.waiting++;
      const req = st.bays.request();
      yield req.or(env.timeout(pat));
      if (!req.triggered) {
        req.cancel();
        st.waiting--;
        reneges++;
        inSystem--;
        return;
      }
      const get = st.charged.get();
      // max(0, .) only guards a rounding underflow when the bay was granted exactly as patience ran out.
      yield get.or(env.timeout(Math.max(0, pat - (env.now - arrival))));
      if (!get.triggered) {
        get.cancel();
        st.bays.release(req);
        st.waiting--;
        reneges++;
        inSystem--;
        return;
      }
      st.waiting--;
      waits.push(env.now - arrival);
      yield env.timeout(SWAP_MIN);
      swaps++;
      inSystem--;
      env.process(charge(st, soc), 'charge');
      st.bays.release(req);
    }

    function* source(st: Station): ProcessGenerator<void> {
      const rng = st.rng;
      for (;;) {
        const ia = rng.exponential(LAM);
        const soc = rng.uniform(0.05, 0.35);
        const pat = rng.uniform(5, 15);
        yield env.timeout(ia);
        arrivals++;
        if (st.waiting >= BALK_AT) {
          balks++;
        } else {
          inSystem++;
          env.process(rider(st, env.now, soc, pat), 'rider'); // fixed names: no per-process name string
        }
      }
    }

    for (let s = 0; s < stations; s++) {
      const st: Station = {
        rng: createStream(ctx.rng, ctx.seed * 100_000 + s, `station${s}`),
        bays: new Resource(env, { capacity: K_BAYS }),
        chargers: new Resource(env, { capacity: N_CHARGERS }),
        charged: new Store<number>(env, { capacity: B_SLOTS }),
        waiting: 0,
      };
      for (let b = 0; b < B_SLOTS; b++) st.charged.put(1);
      env.process(source(st), `source${s}`);
    }

    ctx.run(env, { until });
    return {
      arrivals,
      swaps,
      reneges,
      balks,
      in_system: inSystem,
      mean_wait: meanInOrder(waits),
      p95_wait: nearestRank(waits, 0.95),
    };
  },
};
