import type { JsonObject } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness.js';

const flat = new Array<number>(24).fill(1);

/** Time-weighted mean queue length of one station from the ledger's queue_length changes. */
function ledgerQueueMean(h: Harness, stationId: string, untilS: number): number {
  let q = 0;
  let last = 0;
  let area = 0;
  for (const r of h.ledger) {
    if (r.assetId !== stationId || r.newValue === null || !('queue_length' in r.newValue)) continue;
    area += q * (r.t - last);
    last = r.t;
    q = r.newValue.queue_length as number;
  }
  return (area + q * (untilS - last)) / untilS;
}

describe("Little's law", () => {
  it.each([1, 2, 3])('L = lambda W from the ledger alone (seed %i)', (seed) => {
    // A station short of chargers: queues build, riders renege, others are served.
    const h = harness(
      {
        stations: [
          { id: 'S', lat: 48.858, lon: 2.347, chargers: 3, reserve_chargers: 0, batteries: 6 },
          { id: 'T', lat: 48.87, lon: 2.36, demand_weight: 0.1 },
        ],
        demand: { base_riders_per_hour: 6, profile: flat },
      },
      { seed, validate: false },
    );
    const T = 10 * 86400;
    h.run(T);
    const L = ledgerQueueMean(h, 'S', T);
    let joins = 0;
    let totalWait = 0;
    for (const r of h.ledger) {
      if (r.assetId !== 'S') continue;
      const meta = r.meta as JsonObject | null;
      if (r.type === 'QUEUE_INCREMENT') joins++;
      else if (r.type === 'SWAP_STARTED') {
        // A rider served on arrival never enters the queue: it joins and leaves it at once (wait 0).
        if (meta?.reason !== undefined) joins++;
        totalWait += meta?.wait_time_s as number;
      } else if (r.type === 'RIDER_RENEGED' || r.type === 'QUEUE_DECREMENT') totalWait += meta?.waited_s as number;
    }
    const lambda = joins / T;
    const W = totalWait / joins;
    expect(L).toBeGreaterThan(0.2);
    expect(h.model.kpis().reneges).toBeGreaterThan(0);
    // Only riders still queued at T are missing from W: a boundary effect well under 1 % over ten days.
    expect(Math.abs(L - lambda * W) / L).toBeLessThan(0.01);
    // The station's own KPI agrees with the ledger.
    const kpi = h.model.assetKpis(h.registry.asset('S') as NonNullable<ReturnType<typeof h.registry.asset>>);
    expect(kpi.queue_length_mean).toBeCloseTo(L, 3);
  });
});

describe('queueing theory', () => {
  it('with batteries to spare a station is an M/G/1 queue: mean wait matches Pollaczek-Khinchine', () => {
    // 30 riders/h, one bay, lognormal swaps of mean 90 s and sd 30 s: rho = 0.75, E[S^2] = 9000 s^2,
    // Wq = lambda E[S^2] / (2 (1 - rho)) = 150 s.
    const h = harness(
      {
        stations: [
          {
            id: 'S',
            lat: 48.858,
            lon: 2.347,
            bays: 1,
            chargers: 60,
            reserve_chargers: 0,
            batteries: 120,
            grid_power_limit_kw: 1000,
          },
        ],
        vehicles_per_station: 200,
        demand: { base_riders_per_hour: 30, profile: flat },
        riders: { patience_s: { min: 1e7, max: 1e7 }, balk_queue_length: 10_000 },
        service: { swap_time_mean_s: 90, swap_time_sd_s: 30 },
      },
      { seed: 21, validate: false },
    );
    h.run(40 * 86400);
    const k = h.model.kpis();
    expect(k.reneges + k.balks).toBe(0);
    expect(k.charged_availability).toBe(1);
    expect(k.swaps).toBeGreaterThan(28_000);
    expect(k.wait_mean_s).toBeGreaterThan(150 * 0.9);
    expect(k.wait_mean_s).toBeLessThan(150 * 1.1);
    expect(k.bay_utilisation).toBeCloseTo(0.75, 1);
  });
});
