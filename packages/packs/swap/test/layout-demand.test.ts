import { createNamedStream } from '@doppel/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';
import {
  CITY_BBOX,
  haversineKm,
  nearestNeighbours,
  nextArrival,
  planStations,
  startSecondOfDay,
  swapConfigSchema,
} from '../src/index.js';

describe('city layout', () => {
  it('places every station inside the city, apart, with demand weights of mean 1', () => {
    const config = swapConfigSchema.parse({ layout: { count: 200, city: 'paris' } });
    const { stations, extent } = planStations(config, createNamedStream(1, 'swap/layout'));
    expect(stations).toHaveLength(200);
    expect(extent).toEqual(CITY_BBOX.paris);
    expect(new Set(stations.map((s) => s.id)).size).toBe(200);
    expect(stations[0].id).toBe('station_001');
    for (const s of stations) {
      expect(s.lat).toBeGreaterThan(extent.lat_min);
      expect(s.lat).toBeLessThan(extent.lat_max);
      expect(s.lon).toBeGreaterThan(extent.lon_min);
      expect(s.lon).toBeLessThan(extent.lon_max);
    }
    const mean = stations.reduce((a, s) => a + s.demandWeight, 0) / stations.length;
    expect(mean).toBeCloseTo(1, 4);
    // Jittered grid: no two stations on top of each other.
    const nn = nearestNeighbours(stations, 1, 100);
    expect(Math.min(...nn.map((n) => n[0].km))).toBeGreaterThan(0.05);
  });

  it('is a function of the layout section only', () => {
    const config = swapConfigSchema.parse({ layout: { count: 30, city: 'berlin', seed: 3 } });
    const a = planStations(config, createNamedStream(3, 'swap/layout'));
    const b = planStations(config, createNamedStream(3, 'swap/layout'));
    expect(b).toEqual(a);
  });

  it('adds explicit stations with overrides after the generated ones', () => {
    const config = swapConfigSchema.parse({
      layout: { count: 2, city: 'paris' },
      stations: [{ id: 'hub', lat: 48.86, lon: 2.35, chargers: 12, demand_weight: 3 }],
    });
    const { stations } = planStations(config, createNamedStream(1, 'swap/layout'));
    expect(stations.map((s) => s.id)).toEqual(['station_01', 'station_02', 'hub']);
    expect(stations[2]).toMatchObject({ chargers: 12, demandWeight: 3, bays: 2 });
  });

  it('lists neighbours nearest first within the distance limit', () => {
    const pts = [
      { lat: 48.85, lon: 2.35 },
      { lat: 48.86, lon: 2.35 },
      { lat: 48.87, lon: 2.35 },
      { lat: 48.95, lon: 2.35 },
    ];
    const nn = nearestNeighbours(pts, 3, 5);
    expect(nn[0].map((n) => n.index)).toEqual([1, 2]);
    expect(nn[0][0].km).toBeCloseTo(haversineKm(48.85, 2.35, 48.86, 2.35), 12);
    expect(nn[3]).toEqual([]);
  });

  it('refuses duplicate station ids and demand rows for unknown stations', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return undefined;
    };
    const twice = {
      stations: [
        { id: 'a', lat: 48.85, lon: 2.35 },
        { id: 'a', lat: 48.86, lon: 2.35 },
      ],
    };
    expect(code(() => harness(twice))).toBe('DOPPEL_ERR_SCENARIO_INVALID');
    const inputs = { demand: [{ station_id: 'nowhere', hour: 8, riders_per_hour: 3 }] };
    expect(code(() => harness({ stations: [{ id: 'a', lat: 48.85, lon: 2.35 }] }, { inputs }))).toBe(
      'DOPPEL_ERR_SCENARIO_INVALID',
    );
  });

  it('rejects a scenario without stations', () => {
    expect(swapConfigSchema.safeParse({}).success).toBe(false);
    expect(swapConfigSchema.safeParse({ layout: { count: 5, city: 'atlantis' } }).success).toBe(false);
  });
});

describe('demand', () => {
  it('reads the local time of day of the start', () => {
    expect(startSecondOfDay('2026-06-02T00:00:00+02:00')).toBe(0);
    expect(startSecondOfDay('2026-06-02T17:55:30+02:00')).toBe(17 * 3600 + 55 * 60 + 30);
  });

  it('piecewise-constant rates: arrivals per hour follow the profile', () => {
    const rates = Array.from({ length: 24 }, (_, h) => (h >= 17 && h < 19 ? 40 : h < 6 ? 0 : 5));
    const rng = createNamedStream(9, 'arrivals');
    const counts = new Array<number>(24).fill(0);
    const days = 30;
    let t = 0;
    for (;;) {
      t = nextArrival(rates, 0, t, rng.exponential(1));
      if (t >= days * 86400) break;
      counts[Math.floor((t % 86400) / 3600)]++;
    }
    for (let h = 0; h < 24; h++) {
      const mean = rates[h] * days;
      expect(Math.abs(counts[h] - mean)).toBeLessThanOrEqual(4 * Math.sqrt(mean) + 1e-9);
    }
  });

  it('never goes back in time and honours the start offset', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 24, maxLength: 24 }),
        fc.integer({ min: 0, max: 86399 }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (rates, offset, now, e) => {
          const t = nextArrival(rates, offset, now, e);
          if (rates.every((r) => r === 0)) expect(t).toBe(Infinity);
          else expect(t).toBeGreaterThanOrEqual(now);
        },
      ),
    );
    // Rounding traps: a time just before an hour boundary it cannot step to, and a vanishingly small daily mass.
    const flat = new Array<number>(24).fill(1);
    expect(nextArrival(flat, 3599.9999999999995, 1e6, 0.5)).toBeGreaterThan(1e6);
    expect(
      nextArrival(
        flat.map(() => 5e-324),
        0,
        0,
        3,
      ),
    ).toBeGreaterThan(1e300);
    // Starting at 17:00 local, a profile that is zero except 17-18 h gives an arrival within the first hour.
    const only17 = Array.from({ length: 24 }, (_, h) => (h === 17 ? 3600 : 0));
    expect(nextArrival(only17, 17 * 3600, 0, 1)).toBeCloseTo(1, 9);
  });
});
