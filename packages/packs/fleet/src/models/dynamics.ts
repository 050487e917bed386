import { AIR_DENSITY, DIESEL_KWH_PER_L, G, type VehicleParams } from './vehicle-types.js';

/** Road surface under a vehicle during one step. */
export interface RoadContact {
  /** Tyre–road friction coefficient µ. */
  readonly mu: number;
  /** Road grade as an angle, radians (positive uphill). */
  readonly grade_rad: number;
}

/** Actuator outputs acting on the body during one step. */
export interface ActuatorOutputs {
  /** 0..1 share of the available drive force. */
  readonly throttle: number;
  /** 0..1 share of the brake force. */
  readonly brake: number;
  /** Road-wheel angle, radians (positive = left). */
  readonly steer_rad: number;
  /** Multiplier of the brake force (1 healthy, < 1 brake fade). */
  readonly brake_effectiveness: number;
}

/** Work done on the body since t = 0, joules: the energy balance is drive − brake − aero − roll − grade = ΔKE. */
export interface EnergyLedger {
  drive_j: number;
  brake_j: number;
  aero_j: number;
  roll_j: number;
  grade_j: number;
  /** Energy drawn from the battery or tank (drive / efficiency + aux − regen), joules. */
  source_j: number;
  regen_j: number;
}

/** The mutable kinematic state of one vehicle body (rear-axle reference point). */
export interface BodyState {
  x: number;
  y: number;
  /** Heading, radians, counter-clockwise from +x. */
  heading: number;
  /** Speed along the heading, m/s (never negative: vehicles do not reverse here). */
  v: number;
  /** Longitudinal acceleration over the last step, m/s². */
  a: number;
  /** Jerk over the last step, m/s³. */
  jerk: number;
  /** Distance travelled, m. */
  odometer: number;
  /** Lateral acceleration demanded by the steering over the last step, m/s². */
  lat_a: number;
  /** True while the steering asks for more lateral grip than the road gives (the body runs wide). */
  sliding: boolean;
  readonly energy: EnergyLedger;
}

export function newBody(x: number, y: number, heading: number, v: number): BodyState {
  return {
    x,
    y,
    heading,
    v,
    a: 0,
    jerk: 0,
    odometer: 0,
    lat_a: 0,
    sliding: false,
    energy: { drive_j: 0, brake_j: 0, aero_j: 0, roll_j: 0, grade_j: 0, source_j: 0, regen_j: 0 },
  };
}

/** Speeds below this count as standing still (m/s). */
const V_STOP = 1e-6;
/** The power limit is evaluated at no less than this speed, so the force at standstill stays finite (m/s). */
const V_POWER_FLOOR = 1;

/** Longitudinal forces at speed v, newtons (all ≥ 0 except grade, which is signed). */
export interface Forces {
  drive: number;
  brake: number;
  aero: number;
  roll: number;
  grade: number;
}

/**
 * Forces on the body: the powertrain force limited by force and power; the brake force limited by the tyre–road
 * friction (µ·m·g·cos θ, times the ABS utilisation); drag ½ρCdAv²; rolling resistance Crr·m·g·cos θ while moving;
 * grade m·g·sin θ.
 */
export function forces(p: VehicleParams, v: number, out: ActuatorOutputs, road: RoadContact, into: Forces): Forces {
  const normal = p.mass_kg * G * Math.cos(road.grade_rad);
  const grip = road.mu * normal;
  const available = Math.min(p.max_drive_force_n, (p.max_power_kw * 1000) / Math.max(v, V_POWER_FLOOR));
  into.drive = Math.min(clamp01(out.throttle) * available, grip);
  const brakeDemand = clamp01(out.brake) * p.max_brake_force_n * out.brake_effectiveness;
  into.brake = Math.min(brakeDemand, grip * p.brake_friction_utilisation);
  into.aero = 0.5 * AIR_DENSITY * p.drag_coefficient * p.frontal_area_m2 * v * v;
  into.roll = v > V_STOP ? p.rolling_resistance * normal : 0;
  into.grade = p.mass_kg * G * Math.sin(road.grade_rad);
  return into;
}

const scratch: Forces = { drive: 0, brake: 0, aero: 0, roll: 0, grade: 0 };

/**
 * Advances the body by dt with the forces held constant over the step and exact constant-acceleration kinematics
 * (a stop inside the step ends there), so a full stop at constant deceleration lands on v²/(2a) exactly and the
 * work of the forces equals the change of kinetic energy to rounding. Lateral motion is a kinematic bicycle
 * (yaw rate v·tan δ / L) moved along the exact arc; when the curvature asks for more lateral acceleration than µ·g
 * the curvature is capped there (the vehicle understeers and runs wide).
 */
export function stepBody(p: VehicleParams, s: BodyState, out: ActuatorOutputs, road: RoadContact, dt: number): void {
  const v0 = s.v;
  const f = forces(p, v0, out, road, scratch);
  const m = p.mass_kg;
  let net = f.drive - f.brake - f.aero - f.roll - f.grade;
  // Standing still: brakes and static friction hold the car unless the drive force overcomes what resists it.
  const held = v0 <= V_STOP && net <= 0;
  if (held) net = 0;
  const a = net / m;
  let dist: number;
  let v1 = v0 + a * dt;
  if (held) {
    dist = 0;
    v1 = 0;
  } else if (v1 < 0) {
    // Stops within the step: distance to the stop at constant deceleration.
    dist = a < 0 ? (v0 * v0) / (-2 * a) : 0;
    v1 = 0;
  } else {
    dist = v0 * dt + 0.5 * a * dt * dt;
  }
  const e = s.energy;
  e.drive_j += f.drive * dist;
  e.brake_j += f.brake * dist;
  e.aero_j += f.aero * dist;
  e.roll_j += f.roll * dist;
  e.grade_j += f.grade * dist;
  const toWheels = f.drive * dist;
  let regen = 0;
  if (p.powertrain === 'electric' && f.brake > 0) {
    regen = Math.min(f.brake * dist, p.max_regen_kw * 1000 * dt) * p.regen_efficiency;
  }
  e.regen_j += regen;
  e.source_j += toWheels / p.drivetrain_efficiency + p.aux_power_kw * 1000 * dt - regen;

  // Lateral: kinematic bicycle, curvature capped by the available grip.
  const steer = out.steer_rad;
  let curvature = Math.tan(steer) / p.wheelbase_m;
  const vMid = 0.5 * (v0 + v1);
  const latDemand = vMid * vMid * Math.abs(curvature);
  const latGrip = road.mu * G;
  s.sliding = latDemand > latGrip && vMid > 0.5;
  if (s.sliding) curvature = (Math.sign(curvature) * latGrip) / (vMid * vMid);
  s.lat_a = vMid * vMid * curvature;
  const dHeading = dist * curvature;
  // Chord of the arc: exact for constant curvature over the step.
  const chord = Math.abs(dHeading) > 1e-9 ? (2 * Math.sin(dHeading / 2)) / curvature : dist;
  const mid = s.heading + dHeading / 2;
  s.x += chord * Math.cos(mid);
  s.y += chord * Math.sin(mid);
  s.heading = wrapAngle(s.heading + dHeading);
  s.jerk = (a - s.a) / dt;
  s.a = a;
  s.v = v1;
  s.odometer += dist;
}

/** Kinetic energy of the body, joules. */
export function kineticEnergy(p: VehicleParams, s: BodyState): number {
  return 0.5 * p.mass_kg * s.v * s.v;
}

/** Energy drawn from the source, kWh (battery) — or for diesel, its fuel equivalent via {@link fuelLitres}. */
export function sourceKwh(s: BodyState): number {
  return s.energy.source_j / 3.6e6;
}

export function fuelLitres(p: VehicleParams, s: BodyState): number {
  return p.powertrain === 'diesel' ? sourceKwh(s) / DIESEL_KWH_PER_L : 0;
}

/**
 * Analytic stopping distance from v0 at full braking on a level road with drag, rolling resistance and a
 * reaction time t_r before the brakes act (the brakes then act at once): v0·t_r plus ln(1 + k·v0²/b) / (2k) with
 * b = (µ·u + Crr)·g and k = ½ρCdA/m; without drag this is v0²/(2b).
 */
export function analyticStoppingDistance(p: VehicleParams, v0: number, mu: number, reactionS: number): number {
  const b =
    (Math.min(mu * p.brake_friction_utilisation, p.max_brake_force_n / (p.mass_kg * G)) + p.rolling_resistance) * G;
  const k = (0.5 * AIR_DENSITY * p.drag_coefficient * p.frontal_area_m2) / p.mass_kg;
  const braking = k > 0 ? Math.log(1 + (k * v0 * v0) / b) / (2 * k) : (v0 * v0) / (2 * b);
  return v0 * reactionS + braking;
}

export function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

export function wrapAngle(angle: number): number {
  let a = angle;
  while (a > Math.PI) a -= 2 * Math.PI;
  while (a <= -Math.PI) a += 2 * Math.PI;
  return a;
}
