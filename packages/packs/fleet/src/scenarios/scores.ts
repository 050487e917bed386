import { fuelLitres, sourceKwh } from '../models/dynamics.js';
import type { World } from '../models/world.js';
import type { CriterionResult, CriterionSpec, Scores } from './types.js';

const round = (value: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
const finiteOrNull = (value: number, digits = 3): number | null =>
  Number.isFinite(value) ? round(value, digits) : null;

/**
 * The scores every case reports, from the ground truth of its vehicles under test (a platoon reports its worst
 * vehicle for safety and its totals for energy): collision and impact speed, minimum time-to-collision and gap,
 * stopping distance, peak deceleration and jerk, lane departures, energy per km, travel time.
 */
export function commonScores(world: World): Scores {
  let collision = false;
  let impact = 0;
  let minTtc = Infinity;
  let minGap = Infinity;
  let peakDecel = 0;
  let peakJerk = 0;
  let latA = 0;
  let departures = 0;
  let energy = 0;
  let fuel = 0;
  let distance = 0;
  let travel: number | null = 0;
  let redLights = 0;
  let overLimit = 0;
  let stopping: number | null = null;
  let warning: number | null = null;
  for (const v of world.vehicles) {
    const m = v.metrics;
    if (m.collided) collision = true;
    impact = Math.max(impact, m.impact_speed);
    minTtc = Math.min(minTtc, m.min_ttc);
    minGap = Math.min(minGap, m.min_gap);
    peakDecel = Math.max(peakDecel, m.peak_decel);
    peakJerk = Math.max(peakJerk, m.peak_jerk);
    latA = Math.max(latA, m.max_lat_accel);
    departures += m.lane_departures;
    energy += sourceKwh(v.body);
    fuel += fuelLitres(v.params, v.body);
    distance += v.body.odometer;
    redLights += m.red_light_violations;
    overLimit = Math.max(overLimit, m.max_over_limit);
    if (stopping === null && m.stopping_distance !== null) stopping = m.stopping_distance;
    if (warning === null && m.warning_t !== null) warning = m.warning_t;
    travel = travel === null || m.finished_t === null || m.collided ? null : Math.max(travel, m.finished_t);
  }
  const km = distance / 1000;
  return {
    collision,
    impact_speed_kmh: round(impact * 3.6, 2),
    min_ttc_s: finiteOrNull(minTtc),
    min_gap_m: finiteOrNull(minGap),
    stopping_distance_m: stopping === null ? null : round(stopping),
    peak_decel_mps2: round(peakDecel),
    peak_jerk_mps3: round(peakJerk, 1),
    max_lateral_accel_mps2: round(latA),
    lane_departures: departures,
    red_light_violations: redLights,
    max_over_limit_kmh: round(overLimit * 3.6, 2),
    energy_kwh: round(energy, 4),
    fuel_l: round(fuel, 4),
    distance_m: round(distance, 2),
    energy_kwh_per_km: km > 0.001 ? round(energy / km, 4) : null,
    travel_time_s: travel === null ? null : round(travel, 2),
    first_warning_s: warning === null ? null : round(warning, 2),
    duration_s: round(world.t, 2),
  };
}

/** Compares each criterion's score with its limit; a missing score (null) fails a numeric criterion. */
export function evaluate(criteria: readonly CriterionSpec[], scores: Scores): CriterionResult[] {
  return criteria.map((c) => {
    const value = scores[c.score] ?? null;
    let passed: boolean;
    if (c.op === '==') passed = value === c.limit;
    else if (typeof value !== 'number' || typeof c.limit !== 'number') passed = false;
    else passed = c.op === '<=' ? value <= c.limit + 1e-9 : value >= c.limit - 1e-9;
    return { ...c, value, passed };
  });
}
