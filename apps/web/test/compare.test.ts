import { describe, expect, it } from 'vitest';
import { alignSeries, deltaClass, firstEventDivergence, firstKpiDivergence, kpisAt } from '../src/lib/compare.js';

const kpis = [
  { name: 'swaps', unit: 'swaps', kind: 'counter' as const },
  { name: 'wait_p95_s', unit: 's', kind: 'gauge' as const },
];
const rows = (values: [number, number, number][]) =>
  values.map(([t, swaps, wait]) => ({ simTime: t, values: { swaps, wait_p95_s: wait } }));

describe('compare', () => {
  const a = rows([
    [300, 5, 60],
    [600, 7, 90],
    [900, 9, 120],
  ]);
  const b = rows([
    [300, 5, 60],
    [600, 8, 80],
  ]);

  it('sums counter increments and takes the last gauge up to t', () => {
    expect(kpisAt(a, kpis, 600)).toEqual({ swaps: 12, wait_p95_s: 90 });
    expect(kpisAt(a, kpis, 10_000)).toEqual({ swaps: 21, wait_p95_s: 120 });
    expect(kpisAt(a, kpis, 0)).toEqual({ swaps: 0 });
  });

  it('finds the first instant where the KPIs differ', () => {
    expect(firstKpiDivergence(a, b, 0)).toBe(600);
    expect(firstKpiDivergence(a, a, 0)).toBeNull();
  });

  it('finds the first differing ledger event', () => {
    const e = (t: number, type: string, v: unknown) => ({ simTime: t, assetId: 's1', eventType: type, newValue: v });
    expect(firstEventDivergence([e(1, 'A', 1), e(2, 'B', 2)], [e(1, 'A', 1), e(2, 'B', 3)])).toBe(1);
    expect(firstEventDivergence([e(1, 'A', 1)], [e(1, 'A', 1)])).toBe(-1);
    expect(firstEventDivergence([e(1, 'A', 1)], [e(1, 'A', 1), e(3, 'C', 0)])).toBe(1);
  });

  it('colours deltas by what is better', () => {
    expect(deltaClass('wait_p95_s', -30)).toBe('better');
    expect(deltaClass('swaps', -3)).toBe('worse');
    expect(deltaClass('energy_kwh', 5)).toBe('');
  });

  it('aligns two runs on one time axis', () => {
    expect(alignSeries(a, b, 'wait_p95_s')).toEqual({ times: [300, 600, 900], a: [60, 90, 120], b: [60, 80, null] });
  });
});
