import { AIR_DENSITY, G } from './vehicle-types.js';
import { signalAspect } from './route.js';
import type { PathPoint } from './path.js';
import type { PolicyInput, PolicyTrack } from './policy.js';
import type { Track } from './tracker.js';
import type { Vehicle } from './vehicle.js';

/** Speed-control gain on the speed error, 1/s. */
const K_SPEED = 0.8;
/** Constant time-gap ACC gains: on the gap error (1/s²) and on the relative speed (1/s). */
const K_GAP = 0.23;
const K_REL = 0.7;
/** Lateral margin added to both half-widths when deciding whether an object is in the vehicle's path, m. */
const CORRIDOR_MARGIN = 0.3;
/** Speed below which the car counts as standing, m/s, and the brake pedal that then holds it. */
const STANDSTILL = 0.05;
const HOLD_BRAKE = 0.3;
/** Lateral speed below which an object is not predicted to cross into the path, m/s. */
const CROSSING_MIN_RATE = 0.4;
const TYPICAL_WIDTH = { vehicle: 1.9, pedestrian: 0.5, obstacle: 1, unknown: 1 } as const;

/** Friction-aware comfort: on slippery roads the driver aims for a gentler deceleration and a slower curve speed. */
function comfortDecel(vehicle: Vehicle, mu: number): number {
  const base = vehicle.setup.behaviour.acc.max_decel_mps2;
  return vehicle.setup.behaviour.weather_adaptation ? Math.min(base, 0.5 * mu * G) : base;
}

/** The pure-pursuit target point, reused from step to step. */
const pursuit: PathPoint = { x: 0, y: 0, heading: 0 };

/** Deceleration used to decide whether an amber light can still be stopped for (legal amber design, ~3 m/s²). */
const AMBER_DECEL = 3;

/** The acceleration `a`, lowered if needed to meet speed `vLim` at arc length `at` (a plain function: no closure per step). */
function limited(a: number, v: number, s: number, decel: number, vLim: number, at: number): number {
  const dist = at - s;
  if (dist <= 0.2) return Math.min(a, K_SPEED * (vLim - v));
  // Feed-forward of the curve's deceleration plus feedback on the speed error, so it is tracked without lag.
  const cap = Math.sqrt(vLim * vLim + 2 * decel * dist);
  // On the curve (v = cap) its deceleration along the way is decel·v/cap, which the feed-forward matches.
  return Math.min(a, (cap > vLim ? (-decel * v) / cap : 0) + K_SPEED * (cap - v));
}

/**
 * Speed control: toward the set speed, and for every limit ahead (speed zones, curves, a red light's stop line, the
 * route's end) along the comfort-deceleration curve √(v_lim² + 2·a·distance), tracked with the curve's deceleration
 * as feed-forward, so the limit is met at its start instead of lagging behind a proportional controller.
 */
export function speedControl(vehicle: Vehicle, t: number, mu: number): number {
  const b = vehicle.setup.behaviour;
  const route = vehicle.route;
  const s = vehicle.frame.s;
  const v = vehicle.body.v;
  const decel = comfortDecel(vehicle, mu);
  let vSet = b.cruise_speed_kmh / 3.6;
  if (b.weather_adaptation && mu < 0.5) vSet *= 0.55 + 0.9 * mu;
  let a = K_SPEED * (vSet - v);
  for (const z of route.zones) {
    if (z.s1 <= s || z.s0 > s + 400) continue;
    a = limited(a, v, s, decel, z.v, Math.max(z.s0, s));
  }
  const latMax = b.weather_adaptation ? Math.min(3, 0.45 * mu * G) : 3;
  for (const c of route.curvature)
    if (c.s > s - 5 && c.s < s + 200) a = limited(a, v, s, decel, Math.sqrt(latMax / c.kappa), c.s);
  if (b.obey_signals) {
    for (let i = 0; i < route.stopLines.length; i++) {
      const line = route.stopLines[i]!;
      const dist = line.s - s;
      if (dist < -0.5 || dist > 300 || vehicle.passedSignals.has(i)) continue;
      const aspect = signalAspect(line.timing, t);
      if (aspect === 'green') continue;
      // Amber: stop if it can; otherwise it is committed and goes on.
      const needed = (v * v) / (2 * Math.max(dist, 0.1));
      if (aspect === 'amber' && needed > Math.max(decel, AMBER_DECEL)) continue;
      a = limited(a, v, s, decel, 0, line.s - 1);
    }
  }
  if (b.stop_at_end && route.path.length - s < 400) a = limited(a, v, s, decel, 0, route.path.length);
  return a;
}

function inCorridor(vehicle: Vehicle, track: Track, horizon: number): boolean {
  const half = vehicle.width / 2 + TYPICAL_WIDTH[track.cls] / 2 + CORRIDOR_MARGIN;
  const dNow = track.d - vehicle.dTarget;
  if (Math.abs(dNow) < half) return true;
  // A crossing object (clearly moving sideways): in the corridor by the time the vehicle gets there.
  if (Math.abs(track.dDot) < CROSSING_MIN_RATE) return false;
  const dLater = dNow + track.dDot * horizon;
  return Math.sign(dNow) !== Math.sign(dLater) || Math.abs(dLater) < half;
}

/** Longitudinal force needed for acceleration `a` at speed v on this grade → throttle and brake commands. */
function pedals(vehicle: Vehicle, a: number, gradeRad: number): [number, number] {
  const p = vehicle.params;
  const v = vehicle.body.v;
  const resist =
    0.5 * AIR_DENSITY * p.drag_coefficient * p.frontal_area_m2 * v * v +
    (v > 0.01 ? p.rolling_resistance * p.mass_kg * G * Math.cos(gradeRad) : 0) +
    p.mass_kg * G * Math.sin(gradeRad);
  const force = p.mass_kg * a + resist;
  if (force >= 0) {
    const available = Math.min(p.max_drive_force_n, (p.max_power_kw * 1000) / Math.max(v, 1));
    return [available > 0 ? force / available : 0, 0];
  }
  return [0, -force / p.max_brake_force_n];
}

/**
 * One control cycle: perception → ACC and speed control → AEB (overrides) → lane keeping (pure pursuit) and lane
 * changes → actuator commands.
 */
export function drive(vehicle: Vehicle, t: number, dt: number, mu: number, gradeRad: number): void {
  const b = vehicle.setup.behaviour;
  const route = vehicle.route;
  const s = vehicle.frame.s;
  const v = vehicle.body.v;
  let lead: Track | null = null;
  let leadGap = Infinity;
  let ttc = Infinity;
  let blocking: Track | null = null;
  for (const track of vehicle.tracker.tracks.values()) {
    if (!track.confirmed) continue;
    const gap = track.s - s;
    if (gap < -0.5) continue;
    const closing = v - track.sDot;
    const horizon = closing > 0.1 ? Math.max(0, gap) / closing : 3;
    if (!inCorridor(vehicle, track, Math.min(horizon, 4))) continue;
    if (gap < leadGap) {
      leadGap = gap;
      lead = track;
    }
    if (closing > 0.1) {
      const tc = Math.max(0, gap) / closing;
      if (tc < ttc) ttc = tc;
    }
    if (Math.abs(track.sDot) < 1 && Math.abs(track.d - vehicle.dTarget) < vehicle.width / 2 + 0.8) {
      if (blocking === null || track.s < blocking.s) blocking = track;
    }
  }
  vehicle.leadId = lead?.id ?? null;
  vehicle.perceivedTtc = ttc;

  // Speed control and ACC.
  let a = speedControl(vehicle, t, mu);
  if (b.acc.enabled && lead !== null) {
    const gapScale = b.weather_adaptation ? Math.max(1, 0.85 / mu) : 1;
    const desired = b.acc.min_gap_m + b.acc.time_gap_s * gapScale * v;
    const leadV = Math.max(0, lead.sDot);
    const aAcc = K_GAP * (leadGap - desired) + K_REL * (leadV - v);
    if (aAcc < a) a = aAcc;
  }
  const policy = vehicle.setup.policy;
  if (policy !== undefined) {
    const command = policy.decide(policyInput(vehicle, t, dt, mu, a));
    if (command?.accel_mps2 !== undefined) a = command.accel_mps2;
    if (command?.lane !== undefined) vehicle.targetLane = Math.min(route.lanes - 1, command.lane);
  }
  const external = vehicle.externalCommand;
  if (external !== null) {
    if (external.accel_mps2 !== undefined) a = external.accel_mps2;
    if (external.lane !== undefined) vehicle.targetLane = Math.min(route.lanes - 1, external.lane);
  }
  const decel = b.acc.max_decel_mps2;
  a = Math.max(-decel, Math.min(b.acc.max_accel_mps2, a));

  // AEB: warning, partial, full (latched until standstill).
  let brakeOverride = false;
  if (b.aeb.enabled) {
    if (vehicle.aebLatched && v < 0.05) vehicle.aebLatched = false;
    let state: typeof vehicle.aeb = 'standby';
    // On a slippery road (known from wipers, temperature and wheel slip) braking takes longer: act earlier.
    const scale = b.weather_adaptation ? Math.min(2.5, Math.max(1, 0.85 / mu)) : 1;
    if (vehicle.aebLatched || ttc < b.aeb.full_ttc_s * scale) {
      state = 'full';
      vehicle.aebLatched = v > 0.05;
      brakeOverride = true;
    } else if (ttc < b.aeb.partial_ttc_s * scale) {
      state = 'partial';
      a = Math.min(a, -b.aeb.partial_decel_mps2);
    } else if (ttc < b.aeb.warning_ttc_s * scale) {
      state = 'warning';
    }
    vehicle.aeb = state;
  }
  vehicle.accelCommand = brakeOverride ? -mu * G : a;

  // Lane changes around closures and stationary obstacles ahead.
  const lc = b.lane_change;
  if (lc.enabled && route.lanes > 1) {
    // Far enough ahead to finish the lane change before the blockage.
    const look = v * (lc.trigger_time_s + route.laneWidth / lc.lateral_speed_mps) + 20;
    const current = vehicle.targetLane;
    const blockedAhead = route.closed(current, s, s + look) || (blocking !== null && blocking.s - s < look);
    if (blockedAhead) {
      for (const lane of [current + 1, current - 1]) {
        if (lane < 0 || lane >= route.lanes || route.closed(lane, s, s + look)) continue;
        if (laneClear(vehicle, lane, s - 10, s + look)) {
          vehicle.targetLane = lane;
          break;
        }
      }
    } else if (current !== vehicle.setup.lane) {
      const home = vehicle.setup.lane;
      if (
        !route.closed(home, s - vehicle.length - 5, s + look) &&
        laneClear(vehicle, home, s - vehicle.length - 10, s + look)
      ) {
        vehicle.targetLane = home;
      }
    }
  }
  const goal = route.laneOffset(vehicle.targetLane);
  const step = lc.lateral_speed_mps * dt;
  vehicle.dTarget += Math.max(-step, Math.min(step, goal - vehicle.dTarget));

  // Lane keeping: pure pursuit on the target offset.
  let steer = 0;
  if (b.lane_keeping.enabled) {
    const body = vehicle.body;
    const lookahead = Math.max(b.lane_keeping.lookahead_min_m, v * b.lane_keeping.lookahead_s);
    const rearS = s - vehicle.params.wheelbase_m - vehicle.params.front_overhang_m;
    const target = route.path.pointAt(rearS + lookahead + vehicle.params.wheelbase_m * 0, vehicle.dTarget, pursuit);
    const dx = target.x - body.x;
    const dy = target.y - body.y;
    const ld = Math.hypot(dx, dy);
    const alpha = Math.atan2(dy, dx) - body.heading;
    steer = Math.atan2(2 * vehicle.params.wheelbase_m * Math.sin(alpha), Math.max(ld, 1e-3));
  }

  if (brakeOverride) {
    vehicle.actuators.command(0, 1, steer);
    return;
  }
  // Standstill hold: below walking pace with nothing asking to move, the brakes hold the car (no creeping).
  if (v < STANDSTILL && a < 0.05) {
    vehicle.actuators.command(0, HOLD_BRAKE, steer);
    return;
  }
  const [throttle, brake] = pedals(vehicle, a, gradeRad);
  vehicle.actuators.command(throttle, brake, steer);
}

/** What a user-supplied policy sees: the vehicle and its road, and its tracks (perception, not the truth). */
function policyInput(vehicle: Vehicle, t: number, dt: number, mu: number, builtin: number): PolicyInput {
  const s = vehicle.frame.s;
  const tracks: PolicyTrack[] = [];
  for (const track of vehicle.tracker.tracks.values()) {
    tracks.push({
      id: track.id,
      cls: track.cls,
      gap_m: track.s - s,
      offset_m: track.d - vehicle.dTarget,
      speed_mps: track.sDot,
      lateral_speed_mps: track.dDot,
      confirmed: track.confirmed,
    });
  }
  return {
    vehicle_id: vehicle.id,
    t_s: t,
    dt_s: dt,
    speed_mps: vehicle.body.v,
    accel_mps2: vehicle.body.a,
    s_m: s,
    route_length_m: vehicle.route.path.length,
    lane: vehicle.targetLane,
    lanes: vehicle.route.lanes,
    speed_limit_mps: vehicle.route.limitAt(s),
    set_speed_mps: vehicle.setup.behaviour.cruise_speed_kmh / 3.6,
    mu,
    tracks,
    builtin_accel_mps2: builtin,
  };
}

function laneClear(vehicle: Vehicle, lane: number, s0: number, s1: number): boolean {
  const d = vehicle.route.laneOffset(lane);
  const half = vehicle.width / 2 + 1.2;
  for (const track of vehicle.tracker.tracks.values()) {
    if (!track.confirmed) continue;
    if (track.s >= s0 && track.s <= s1 && Math.abs(track.d - d) < half) return false;
  }
  return true;
}
