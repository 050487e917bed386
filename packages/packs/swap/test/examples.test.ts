import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, type ResolvedScenario } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { swapPack } from '../src/index.js';
import { fromScenario, type Harness } from './harness.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/swap');
const load = (name: string, seed?: number): ResolvedScenario =>
  loadScenarioFile(join(examples, name), { packs: [swapPack], ...(seed !== undefined ? { seed } : {}) });

/** Time-weighted mean of the whole network's queue over [from, to), from the ledger. */
function networkQueueMean(h: Harness, from: number, to: number): number {
  const queues = new Map<string, number>();
  let total = 0;
  let last = from;
  let area = 0;
  for (const r of h.ledger) {
    if (r.t >= to) break;
    if (r.newValue === null || !('queue_length' in r.newValue)) continue;
    if (r.t > from) {
      area += total * (r.t - last);
      last = r.t;
    }
    const q = r.newValue.queue_length as number;
    total += q - (queues.get(r.assetId) ?? 0);
    queues.set(r.assetId, q);
  }
  area += total * (to - last);
  return area / (to - from);
}

describe('examples', () => {
  it.each(readdirSync(examples).filter((f) => f.endsWith('.yaml')))('%s loads and runs', (file) => {
    const scenario = load(file);
    expect(scenario.pack).toBe('swap');
    if (file === 'city-1000.yaml' || file === 'city-100.yaml') return; // sizes covered by the benchmark
    const h = fromScenario(scenario, { validate: false });
    h.run(scenario.durationS);
    expect(h.model.kpis().swaps).toBeGreaterThan(100);
    // The fleet is large enough: no rider was lost for want of a scooter between trips.
    expect(h.model.network.lostArrivals).toBe(0);
  });

  it('historical demand follows the CSV table', () => {
    const scenario = load('historical-demand.yaml');
    expect(scenario.inputs.demand).toHaveLength(8 * 24);
    const h = fromScenario(scenario, { validate: false });
    h.run(scenario.durationS);
    const expected = new Map<string, number>();
    for (const row of scenario.inputs.demand) {
      expected.set(
        row.station_id as string,
        (expected.get(row.station_id as string) ?? 0) + (row.riders_per_hour as number),
      );
    }
    for (const st of h.model.network.stations) {
      const arrivals = h.ledger.filter(
        (r) =>
          r.type === 'RIDER_ARRIVED' &&
          (r.meta as { station: string }).station === st.id &&
          r.oldValue?.status !== 'travelling',
      ).length;
      const mean = expected.get(st.id) as number;
      // Poisson: within 4 standard deviations of the table's daily total.
      expect(Math.abs(arrivals - mean)).toBeLessThan(4 * Math.sqrt(mean));
    }
  });

  it('evening-peak A and B differ only in the 17:55 reserve-charger intervention', () => {
    const a = load('evening-peak-a.yaml');
    const b = load('evening-peak-b.yaml');
    expect(b.config).toEqual(a.config);
    expect([b.start, b.durationS, b.seed, b.inputs]).toEqual([a.start, a.durationS, a.seed, a.inputs]);
    expect(a.interventions).toEqual([]);
    expect(b.interventions).toHaveLength(20);
    expect(new Set(b.interventions.map((i) => `${i.at} ${i.action}`))).toEqual(
      new Set([`${17 * 3600 + 55 * 60} open_reserve_chargers`]),
    );
  });

  it.each([undefined, 7, 8])('B cuts the evening wait spike of A (seed %s)', (seed) => {
    const run = (file: string) => {
      const h = fromScenario(load(file, seed), { validate: false });
      h.run(24 * 3600);
      return { h, k: h.model.kpis() };
    };
    const a = run('evening-peak-a.yaml');
    const b = run('evening-peak-b.yaml');
    const spikeA = networkQueueMean(a.h, 18 * 3600, 21 * 3600);
    const spikeB = networkQueueMean(b.h, 18 * 3600, 21 * 3600);
    // The spike is there in A (riders queue across the network from 18:00 until the rush is over)...
    expect(spikeA).toBeGreaterThan(3);
    expect(spikeA).toBeGreaterThan(5 * networkQueueMean(a.h, 10 * 3600, 16 * 3600));
    // ...and opening the reserve chargers at 17:55 cuts it at least in half, with fewer riders giving up.
    expect(spikeB).toBeLessThan(0.5 * spikeA);
    expect(b.k.reneges).toBeLessThan(a.k.reneges);
    expect(b.k.abandoned_trips).toBeLessThan(a.k.abandoned_trips);
    // Before 17:55 the two runs are the same run.
    const head = (h: Harness) => h.ledger.filter((r) => r.t < 17 * 3600 + 55 * 60).length;
    expect(head(b.h)).toBe(head(a.h));
  });
});
