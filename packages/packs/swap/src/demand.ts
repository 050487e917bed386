import type { DemandRow } from './config.js';

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

/**
 * Seconds past local midnight at sim time 0, read from the scenario start (ISO 8601 with offset, e.g.
 * 2026-06-01T06:00:00+02:00 gives 6 h): demand profiles are in the city's local time of day.
 */
export function startSecondOfDay(startIso: string): number {
  const m = /T(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?/.exec(startIso);
  if (m === null) return 0;
  return Number(m[1]) * HOUR_S + Number(m[2]) * 60 + (m[3] !== undefined ? Number(m[3]) : 0);
}

/** Hourly rates (riders per hour, index = local hour) per station id from the historical `demand` table. */
export function ratesFromTable(rows: readonly DemandRow[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const row of rows) {
    let rates = out.get(row.station_id);
    if (rates === undefined) {
      rates = new Array<number>(24).fill(0);
      out.set(row.station_id, rates);
    }
    rates[row.hour] = row.riders_per_hour;
  }
  return out;
}

const LAST_RESOLVED_S = 2 ** 52;

/**
 * Arrival times of a non-homogeneous Poisson process with a piecewise-constant hourly rate, by inversion of the
 * cumulative rate: each arrival consumes one Exp(1) draw, so the draws per stream do not depend on the profile.
 * Returns the sim time of the next arrival after `now`, or Infinity when the profile is zero all day.
 */
export function nextArrival(ratesPerHour: readonly number[], offsetS: number, now: number, exp1: number): number {
  // The day's mass is summed from the per-second rates the loop uses, so an hourly rate too small to survive the
  // division counts as zero in both places and the loop always finds the mass it was promised.
  let dayMass = 0;
  for (let h = 0; h < 24; h++) dayMass += (ratesPerHour[h] / HOUR_S) * HOUR_S;
  if (!(dayMass > 0)) return Infinity;
  let need = exp1;
  let t = now;
  for (;;) {
    // Beyond 2^52 s (143 million years) a double no longer resolves a second: an arrival that far out never comes.
    if (!(t < LAST_RESOLVED_S)) return Infinity;
    if (need > dayMass) {
      // Any 24 h window holds the whole day's mass: whole days at once, so sparse demand costs no more than busy.
      const days = Math.floor(need / dayMass);
      t += days * DAY_S;
      need -= days * dayMass;
      if (need <= 0) need = Number.MIN_VALUE;
      continue;
    }
    const local = (((t + offsetS) % DAY_S) + DAY_S) % DAY_S;
    const hour = Math.floor(local / HOUR_S);
    let segEnd = t + (hour + 1) * HOUR_S - local;
    // Rounding can leave t a hair before an hour boundary that it cannot step to: go on into the next hour.
    if (!(segEnd > t)) segEnd = t + HOUR_S;
    const rate = ratesPerHour[hour] / HOUR_S;
    if (rate > 0) {
      const mass = rate * (segEnd - t);
      if (mass >= need) return t + need / rate;
      need -= mass;
    }
    t = segEnd;
  }
}
