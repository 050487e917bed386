import type { RandomStream } from '@doppel/engine';
import { Actuators } from './actuators.js';
import type { AebState, BehaviourConfig } from './behaviour.js';
import { newBody, type BodyState } from './dynamics.js';
import type { WorldObject } from './objects.js';
import type { PathFrame } from './path.js';
import type { DrivingPolicy } from './policy.js';
import type { Route } from './route.js';
import { Sensor, sensorSpec, type SensorPose, type SensorSpecInput } from './sensors.js';
import { Tracker } from './tracker.js';
import type { VehicleParams } from './vehicle-types.js';
import type { Weather } from './weather.js';

/** Running safety and efficiency measures of one vehicle (ground truth, not what its sensors believe). */
export interface VehicleMetrics {
  collided: boolean;
  collided_with: string | null;
  collision_t: number | null;
  /** Relative speed along the heading at first contact, m/s. */
  impact_speed: number;
  /** Own speed at first contact, m/s. */
  impact_own_speed: number;
  min_ttc: number;
  min_gap: number;
  peak_decel: number;
  peak_jerk: number;
  max_lat_accel: number;
  lane_departures: number;
  road_departures: number;
  /** First AEB action (warning or braking) and the distance from the first braking to standstill. */
  warning_t: number | null;
  braking_t: number | null;
  braking_odometer: number | null;
  stopping_distance: number | null;
  finished_t: number | null;
  red_light_violations: number;
  slide_steps: number;
  /** Highest speed above the posted limit where the vehicle was, m/s (0 if never above). */
  max_over_limit: number;
  /** Speed when full braking began and the distance from there to standstill (compared with the analytic one). */
  full_braking_speed: number | null;
  full_braking_odometer: number | null;
  full_braking_distance: number | null;
  /** Speed when the brakes first reached the tyre–road friction limit, and the distance from there to standstill. */
  limit_braking_speed: number | null;
  limit_braking_odometer: number | null;
  limit_braking_distance: number | null;
  /** Smallest time gap (gap / own speed) to anything ahead in the lane while above 2 m/s, s. */
  min_time_gap: number;
  /** Speed range after the first 10 s (string stability of a platoon), m/s. */
  speed_min: number;
  speed_max: number;
}

export interface VehicleSetup {
  readonly id: string;
  readonly modelType: string;
  readonly params: VehicleParams;
  readonly behaviour: BehaviourConfig;
  readonly route: Route;
  readonly lane: number;
  /** Start position along the route (front bumper arc length), m. */
  readonly s0: number;
  readonly speed0: number;
  readonly sensors: readonly SensorSpecInput[];
  /** A user-supplied driving policy in place of speed control and ACC. */
  readonly policy?: DrivingPolicy;
  /** After emergency braking, the run ends once the speed is down to this (0: standstill; a moving target's speed). */
  readonly endSpeed?: number;
}

/**
 * A vehicle under test: body (rear-axle reference), actuators, sensors, tracker and driving state. As a world
 * object it is its body's box, centred between its bumpers.
 */
export class Vehicle implements WorldObject {
  readonly cls = 'vehicle' as const;
  readonly body: BodyState;
  readonly actuators: Actuators;
  readonly sensors: Sensor[];
  readonly tracker = new Tracker();
  readonly length: number;
  readonly width: number;
  x = 0;
  y = 0;
  heading = 0;
  v = 0;
  /** Position on the route (front bumper), refreshed every step. */
  readonly frame: PathFrame = { s: 0, d: 0, heading: 0 };
  /** Scratch for the front bumper point of the per-step computations. */
  private readonly front = { x: 0, y: 0 };
  /** Lane the vehicle wants to be in, and the lateral offset it steers to now (moves toward the lane's offset). */
  targetLane: number;
  dTarget: number;
  aeb: AebState;
  /** Latched full braking: held until standstill. */
  aebLatched = false;
  /** The lead object ACC follows, and the most critical TTC the AEB sees (perceived). */
  leadId: string | null = null;
  perceivedTtc = Infinity;
  accelCommand = 0;
  /**
   * A command from outside the twin (an external process stepping the simulation): held from the step it is given
   * until it is replaced or released, in place of the built-in speed control, ACC and policy (AEB still overrides).
   */
  externalCommand: { readonly accel_mps2?: number; readonly lane?: number } | null = null;
  inLane = true;
  /** Until then the vehicle counts as changing lanes (its body settles after the target offset arrives). */
  laneChangeUntil = 0;
  /** When the vehicle came to a standstill (null while moving). */
  stoppedSince: number | null = null;
  /** Whether it has moved at all (a vehicle starting from rest is not "stopped" yet). */
  moved = false;
  readonly metrics: VehicleMetrics = {
    collided: false,
    collided_with: null,
    collision_t: null,
    impact_speed: 0,
    impact_own_speed: 0,
    min_ttc: Infinity,
    min_gap: Infinity,
    peak_decel: 0,
    peak_jerk: 0,
    max_lat_accel: 0,
    lane_departures: 0,
    road_departures: 0,
    warning_t: null,
    braking_t: null,
    braking_odometer: null,
    stopping_distance: null,
    finished_t: null,
    red_light_violations: 0,
    slide_steps: 0,
    max_over_limit: 0,
    full_braking_speed: null,
    full_braking_odometer: null,
    full_braking_distance: null,
    limit_braking_speed: null,
    limit_braking_odometer: null,
    limit_braking_distance: null,
    min_time_gap: Infinity,
    speed_min: Infinity,
    speed_max: 0,
  };
  readonly passedSignals = new Set<number>();

  constructor(
    readonly setup: VehicleSetup,
    weather: Weather,
    dt: number,
    rng: (name: string) => RandomStream,
    phase: number,
  ) {
    const p = setup.params;
    this.length = p.length_m;
    this.width = p.width_m;
    this.targetLane = setup.lane;
    this.dTarget = setup.route.laneOffset(setup.lane);
    const front = setup.route.path.pointAt(setup.s0, this.dTarget);
    const back = p.wheelbase_m + p.front_overhang_m;
    this.body = newBody(
      front.x - back * Math.cos(front.heading),
      front.y - back * Math.sin(front.heading),
      front.heading,
      setup.speed0,
    );
    this.actuators = new Actuators(p);
    this.sensors = setup.sensors.map(
      (spec, k) =>
        new Sensor(sensorSpec(spec), weather, dt, rng(`${setup.id}/sensor/${spec.id ?? spec.type}`), phase + k),
    );
    this.aeb = setup.behaviour.aeb.enabled ? 'standby' : 'off';
    this.syncBox();
    this.refreshFrame();
  }

  get id(): string {
    return this.setup.id;
  }

  get params(): VehicleParams {
    return this.setup.params;
  }

  get route(): Route {
    return this.setup.route;
  }

  /** Front bumper centre (into `out`, reused by the per-step callers: no allocation on the hot path). */
  frontPoint(out: { x: number; y: number } = { x: 0, y: 0 }): { x: number; y: number } {
    const reach = this.params.wheelbase_m + this.params.front_overhang_m;
    out.x = this.body.x + reach * Math.cos(this.body.heading);
    out.y = this.body.y + reach * Math.sin(this.body.heading);
    return out;
  }

  syncBox(): void {
    const b = this.body;
    const centre = this.params.wheelbase_m + this.params.front_overhang_m - this.length / 2;
    this.x = b.x + centre * Math.cos(b.heading);
    this.y = b.y + centre * Math.sin(b.heading);
    this.heading = b.heading;
    this.v = b.v;
  }

  refreshFrame(): void {
    const f = this.frontPoint(this.front);
    this.route.path.project(f.x, f.y, this.frame.s, this.frame);
  }

  sensorPose(into: SensorPose): SensorPose {
    const f = this.frontPoint(this.front);
    into.x = f.x;
    into.y = f.y;
    into.heading = this.body.heading;
    into.vx = this.body.v * Math.cos(this.body.heading);
    into.vy = this.body.v * Math.sin(this.body.heading);
    return into;
  }
}
