import { describe, expect, it } from 'vitest';
import { describeEvent, eventCategory, p95, stationSeries } from '../src/lib/station-series.js';

const ev = (
  simTime: number,
  eventType: string,
  newValue: Record<string, unknown> | null,
  meta: Record<string, unknown> | null = null,
) => ({
  simTime,
  eventType,
  newValue,
  meta,
});

describe('station series from ledger events', () => {
  const events = [
    ev(0, 'ASSET_CREATED', {
      queue_length: 0,
      power_draw_kw: 0,
      grid_power_limit_kw: 22,
      inventory: { total: 10, charged: 6, charging: 0, bands: { '90-100': 6, '20-50': 4 } },
    }),
    ev(10, 'QUEUE_INCREMENT', { queue_length: 1 }),
    ev(10, 'QUEUE_INCREMENT', { queue_length: 2 }),
    ev(40, 'SWAP_STARTED', { queue_length: 1 }, { wait_time_s: 30 }),
    ev(50, 'RIDER_BALKED', null, { rider: 'r9' }),
    ev(60, 'CHARGING_STARTED', {
      power_draw_kw: 7.4,
      inventory: { total: 10, charged: 5, charging: 1, bands: { '90-100': 5, '20-50': 4 } },
    }),
  ];
  const s = stationSeries(events);

  it('samples the folded state once per instant', () => {
    expect(s.times).toEqual([0, 10, 40, 60]);
    expect(s.queue).toEqual([0, 2, 1, 1]);
    expect(s.powerKw).toEqual([0, 0, 0, 7.4]);
    expect(s.limitKw).toEqual([22, 22, 22, 22]);
    expect(s.charged).toEqual([6, 6, 6, 5]);
  });

  it('keeps SoC bands highest first and the waits of started swaps', () => {
    expect(Object.keys(s.bands)).toEqual(['90-100', '20-50']);
    expect(s.bands['90-100']).toEqual([6, 6, 6, 5]);
    expect(s.waitTimes).toEqual([40]);
    expect(s.waits).toEqual([30]);
    expect(s.waitP95).toEqual([30]);
  });

  it('folds JSON Pointer patches, also from a window that starts after the station was created', () => {
    const r = stationSeries([
      ev(10, 'SWAP_STARTED', { '/inventory/charged': 11, '/inventory/bands/soc_90_100': 11, queue_length: 2 }, null),
      ev(20, 'SWAP_COMPLETED', { '/inventory/charging': 1, power_draw_kw: 2 }, null),
    ]);
    expect(r.charged).toEqual([11, 11]);
    expect(r.charging).toEqual([0, 1]);
    expect(r.bands.soc_90_100).toEqual([11, 11]);
    expect(r.powerKw).toEqual([0, 2]);
  });

  it('computes a trailing-window p95', () => {
    const waits = Array.from({ length: 20 }, (_, i) => ev(i * 100, 'SWAP_STARTED', null, { wait_time_s: i }));
    const r = stationSeries(waits, 500);
    // At t=1900 the window holds t=1400..1900 (waits 14..19): p95 is the largest.
    expect(r.waitP95[19]).toBe(19);
    expect(p95([])).toBe(0);
    expect(p95([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])).toBe(19);
  });
});

describe('feed wording', () => {
  it('describes and categorises events', () => {
    expect(describeEvent('RIDER_RENEGED', { rider: 'r1', waited_s: 612.4 })).toBe('Rider r1 gave up after 612 s');
    expect(describeEvent('BAY_CLOSED', { bay_id: 'b1' })).toBe('Bay closed');
    expect(eventCategory('QUEUE_INCREMENT')).toBe('arrival');
    expect(eventCategory('SWAP_COMPLETED')).toBe('swap');
    expect(eventCategory('FAULT_INJECTED')).toBe('fault');
    expect(eventCategory('CHARGING_FINISHED')).toBe('charging');
  });
});
