/** Branch vs parent: KPI values at a common instant, their deltas, and the first instant where runs diverge. */

export interface Row {
  readonly simTime: number;
  readonly values: Readonly<Record<string, number>>;
}

export interface KpiMeta {
  readonly name: string;
  readonly unit: string;
  readonly kind: 'counter' | 'gauge';
}

/** Value of each KPI as of time t: counters summed over the interval rows up to t, gauges from the last row. */
export function kpisAt(rows: readonly Row[], kpis: readonly KpiMeta[], t: number): Record<string, number> {
  const out: Record<string, number> = {};
  let last: Row | undefined;
  for (const k of kpis) if (k.kind === 'counter') out[k.name] = 0;
  for (const r of rows) {
    if (r.simTime > t) break;
    last = r;
    for (const k of kpis)
      if (k.kind === 'counter' && typeof r.values[k.name] === 'number') out[k.name] += r.values[k.name];
  }
  for (const k of kpis)
    if (k.kind === 'gauge' && last !== undefined && typeof last.values[k.name] === 'number')
      out[k.name] = last.values[k.name];
  return out;
}

/** Lower is better for waits, queues, reneges; higher for swaps and availability; neutral otherwise. */
export function betterDirection(name: string): 1 | -1 | 0 {
  if (/wait|queue|renege|balk|abandon|offline|cancelled|reject|scrap|cost|downtime/.test(name)) return -1;
  if (/swaps|availability|arrivals_served|oee|good|output|revenue|margin|throughput/.test(name)) return 1;
  return 0;
}

export function deltaClass(name: string, delta: number): 'better' | 'worse' | '' {
  const dir = betterDirection(name);
  if (dir === 0 || delta === 0 || !Number.isFinite(delta)) return '';
  return Math.sign(delta) === dir ? 'better' : 'worse';
}

/** First row time (after `from`) at which any KPI differs between two runs sampled at the same instants. */
export function firstKpiDivergence(a: readonly Row[], b: readonly Row[], from: number, eps = 1e-9): number | null {
  const bt = new Map(b.map((r) => [r.simTime, r]));
  for (const ra of a) {
    if (ra.simTime < from) continue;
    const rb = bt.get(ra.simTime);
    if (rb === undefined) continue;
    for (const [k, v] of Object.entries(ra.values)) {
      const w = rb.values[k];
      if (typeof v === 'number' && typeof w === 'number' && Math.abs(v - w) > eps) return ra.simTime;
    }
  }
  return null;
}

export interface ComparableEvent {
  readonly simTime: number;
  readonly assetId: string;
  readonly eventType: string;
  readonly newValue: unknown;
}

/** Index of the first event that differs between two ledgers read from the same point, or -1 when equal so far. */
export function firstEventDivergence(a: readonly ComparableEvent[], b: readonly ComparableEvent[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x.simTime !== y.simTime || x.assetId !== y.assetId || x.eventType !== y.eventType) return i;
    if (JSON.stringify(x.newValue) !== JSON.stringify(y.newValue)) return i;
  }
  return a.length === b.length ? -1 : n;
}

/** Aligns a series onto the union of both time axes (uPlot needs one x array), null where a run has no row. */
export function alignSeries(
  a: readonly Row[],
  b: readonly Row[],
  key: string,
): { times: number[]; a: (number | null)[]; b: (number | null)[] } {
  const times = [...new Set([...a.map((r) => r.simTime), ...b.map((r) => r.simTime)])].sort((x, y) => x - y);
  const ma = new Map(a.map((r) => [r.simTime, r.values[key]]));
  const mb = new Map(b.map((r) => [r.simTime, r.values[key]]));
  return { times, a: times.map((t) => ma.get(t) ?? null), b: times.map((t) => mb.get(t) ?? null) };
}
