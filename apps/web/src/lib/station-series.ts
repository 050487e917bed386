/**
 * A station's day as chart series, folded from its ledger events: every event that changes state adds a sample
 * (the state is piecewise constant between events), swaps add wait points.
 */
import { applyStatePatch, type JsonObject } from '@doppel/twin/state-patch';

export interface SeriesEvent {
  readonly simTime: number;
  readonly eventType: string;
  readonly newValue: Readonly<Record<string, unknown>> | null;
  readonly meta: Readonly<Record<string, unknown>> | null;
}

export interface StationSeries {
  readonly times: number[];
  readonly queue: number[];
  readonly powerKw: number[];
  readonly limitKw: number[];
  readonly charged: number[];
  readonly charging: number[];
  /** Batteries not on a charger per SoC band ("90-100", ...), aligned with `times`. */
  readonly bands: Record<string, number[]>;
  readonly waitTimes: number[];
  readonly waits: number[];
  /** p95 of the waits of swaps that started in the trailing window, at each wait point. */
  readonly waitP95: number[];
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Lower bound of a SoC band key ("soc_20_50", "20-50"), for ordering. */
export function bandLow(key: string): number {
  const m = /(\d+)\D+(\d+)/.exec(key);
  return m === null ? 0 : Number(m[1]);
}

/** "soc_20_50" → "20–50 %". */
export function bandLabel(key: string): string {
  const m = /(\d+)\D+(\d+)/.exec(key);
  return m === null ? key : `${m[1]}–${m[2]} %`;
}

export function p95(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
}

export function stationSeries(events: readonly SeriesEvent[], windowS = 1800): StationSeries {
  const out: StationSeries = {
    times: [],
    queue: [],
    powerKw: [],
    limitKw: [],
    charged: [],
    charging: [],
    bands: {},
    waitTimes: [],
    waits: [],
    waitP95: [],
  };
  let state: Record<string, unknown> = {};
  const bandNames = new Set<string>();
  const samples: { t: number; s: Record<string, unknown> }[] = [];
  for (const ev of events) {
    if (ev.newValue !== null) {
      state = applyStatePatch(state as JsonObject, ev.newValue as JsonObject);
      const last = samples[samples.length - 1];
      // Several events at one instant: keep the last state of that instant only.
      if (last !== undefined && last.t === ev.simTime) last.s = state;
      else samples.push({ t: ev.simTime, s: state });
      const inv = state.inventory;
      if (isRecord(inv) && isRecord(inv.bands)) for (const b of Object.keys(inv.bands)) bandNames.add(b);
    }
    const wait = ev.meta?.wait_time_s;
    if (ev.eventType === 'SWAP_STARTED' && typeof wait === 'number') {
      out.waitTimes.push(ev.simTime);
      out.waits.push(wait);
    }
  }
  const bands = [...bandNames].sort((a, b) => bandLow(b) - bandLow(a));
  for (const b of bands) out.bands[b] = [];
  for (const { t, s } of samples) {
    out.times.push(t);
    out.queue.push(num(s.queue_length, 0));
    out.powerKw.push(num(s.power_draw_kw, 0));
    out.limitKw.push(num(s.grid_power_limit_kw, 0));
    const inv = isRecord(s.inventory) ? s.inventory : {};
    out.charged.push(num(inv.charged, 0));
    out.charging.push(num(inv.charging, 0));
    const bb = isRecord(inv.bands) ? inv.bands : {};
    for (const b of bands) out.bands[b].push(num(bb[b], 0));
  }
  let lo = 0;
  for (let i = 0; i < out.waits.length; i++) {
    while (out.waitTimes[lo] < out.waitTimes[i] - windowS) lo++;
    out.waitP95.push(p95(out.waits.slice(lo, i + 1)));
  }
  return out;
}

/** Feed lines: what a person reads in the live feed for a ledger event. */
export function describeEvent(eventType: string, meta: Readonly<Record<string, unknown>> | null): string {
  const m = meta ?? {};
  const s = (k: string): string => (m[k] === undefined || m[k] === null ? '' : String(m[k]));
  switch (eventType) {
    case 'QUEUE_INCREMENT':
      return `Rider ${s('rider')} arrived and queued`;
    case 'QUEUE_DECREMENT':
      return `Rider ${s('rider')} left the queue`;
    case 'SWAP_STARTED':
      return `Swap started in ${s('bay')} after ${Math.round(Number(m.wait_time_s ?? 0))} s wait`;
    case 'SWAP_COMPLETED':
      return `Swap completed (${s('battery_in')} in at ${pct(m.soc_in)}, ${s('battery_out')} out at ${pct(m.soc_out)})`;
    case 'RIDER_RENEGED':
      return `Rider ${s('rider')} gave up after ${Math.round(Number(m.waited_s ?? 0))} s`;
    case 'RIDER_BALKED':
      return `Rider ${s('rider')} did not join (${s('reason')})`;
    case 'CHARGING_STARTED':
      return 'Charging started';
    case 'CHARGING_FINISHED':
      return 'Charging finished';
    case 'FAULT_INJECTED':
      return `Fault ${s('fault_type')} on ${s('charger')}`;
    case 'FAULT_CLEARED':
      return `Fault cleared on ${s('charger')}`;
    case 'OUTAGE_STARTED':
      return 'Power cut: outage started';
    case 'OUTAGE_ENDED':
      return 'Power restored';
    default:
      return eventType
        .toLowerCase()
        .replace(/_/g, ' ')
        .replace(/^./, (c) => c.toUpperCase());
  }
}

function pct(v: unknown): string {
  return typeof v === 'number' ? `${Math.round(v * 100)} %` : '?';
}

/** Feed categories the inspector can filter on. */
export function eventCategory(eventType: string): 'arrival' | 'swap' | 'renege' | 'charging' | 'fault' | 'other' {
  if (eventType === 'QUEUE_INCREMENT' || eventType === 'RIDER_ARRIVED') return 'arrival';
  if (eventType.startsWith('SWAP_')) return 'swap';
  if (eventType === 'RIDER_RENEGED' || eventType === 'RIDER_BALKED' || eventType === 'QUEUE_DECREMENT') return 'renege';
  if (eventType.startsWith('CHARGING_')) return 'charging';
  if (eventType.startsWith('FAULT_') || eventType.startsWith('OUTAGE_') || eventType.startsWith('MAINTENANCE_')) {
    return 'fault';
  }
  return 'other';
}
