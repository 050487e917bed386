import type { JsonObject } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

const flat = new Array<number>(24).fill(1);

describe('station status colours', () => {
  it('go from green to amber to red as a starved station keeps riders waiting, grey when closed', () => {
    const h = harness(
      {
        stations: [
          { id: 'A', lat: 48.858, lon: 2.347, batteries: 0, chargers: 0, reserve_chargers: 0 },
          { id: 'B', lat: 48.853, lon: 2.369, demand_weight: 0.3 },
        ],
        demand: { base_riders_per_hour: 20, profile: flat },
        riders: { patience_s: { min: 3600, max: 3600 }, patience_factor: { low: 1, normal: 1, high: 1 } },
        status_thresholds: { warning_wait_s: 300, critical_wait_s: 900 },
      },
      { seed: 2 },
    );
    const a = h.registry.asset('A');
    const b = h.registry.asset('B');
    if (a === undefined || b === undefined) throw new Error('stations missing');
    expect(h.model.assetStatus(a)).toBe('ok');
    const first = h.ledger.find((r) => r.assetId === 'A' && r.type === 'QUEUE_INCREMENT');
    h.run(600);
    const joined = h.ledger.find((r) => r.assetId === 'A' && r.type === 'QUEUE_INCREMENT');
    expect(joined).toBeDefined();
    expect(first).toBeUndefined();
    h.run((joined?.t ?? 0) + 400);
    expect(h.model.assetStatus(a)).toBe('warning');
    h.run((joined?.t ?? 0) + 1000);
    expect(h.model.assetStatus(a)).toBe('critical');
    expect(h.model.assetStatus(b)).toBe('ok');
    h.intervene('A', 'trigger_outage', { duration_seconds: 60 });
    expect(h.model.assetStatus(a)).toBe('offline');
    expect(h.model.assetKpis(b).wait_p95_recent_s).toBeGreaterThanOrEqual(0);
    // Network counters are the sums of the stations' ones.
    const net = h.model.kpis();
    for (const name of ['arrivals', 'swaps', 'balks', 'reneges', 'redirects', 'abandoned_trips', 'queue_length']) {
      expect(net[name]).toBe(h.model.assetKpis(a)[name] + h.model.assetKpis(b)[name]);
    }
    const summary = h.model.summary() as { network: JsonObject; stations: JsonObject[] };
    expect(summary.stations.map((s) => s.id)).toEqual(['A', 'B']);
    expect(summary.stations[0].status).toBe('offline');
    expect(summary.network.stations).toBe(2);
    const [table] = h.model.outputTables();
    expect(table.fileName).toBe('stations.csv');
    expect(table.rows).toHaveLength(2);
    expect(table.columns).toContain('wait_p95_s');
  });
});
