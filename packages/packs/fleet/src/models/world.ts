import type { RandomStream } from '@doppel/engine';
import { drive } from './driver.js';
import { stepBody, type RoadContact } from './dynamics.js';
import { overlaps, type ScriptedActor, type WorldObject } from './objects.js';
import type { PathFrame } from './path.js';
import type { SensorPose } from './sensors.js';
import { signalAspect } from './route.js';
import { Vehicle, type VehicleSetup } from './vehicle.js';
import { G } from './vehicle-types.js';
import type { Weather } from './weather.js';

export interface WorldOptions {
  readonly dt: number;
  readonly weather: Weather;
  readonly mu: number;
  readonly gradeRad: number;
  readonly rng: (name: string) => RandomStream;
}

const NONE: readonly WorldObject[] = [];

/** Something that happened in a step, for the ledger (the world itself keeps no ledger). */
export type WorldEvent =
  | { readonly kind: 'aeb'; readonly vehicle: Vehicle; readonly from: string; readonly to: string }
  | { readonly kind: 'collision'; readonly vehicle: Vehicle; readonly other: WorldObject; readonly relSpeed: number }
  | { readonly kind: 'lane_departure'; readonly vehicle: Vehicle; readonly offset: number }
  | { readonly kind: 'red_light'; readonly vehicle: Vehicle; readonly signal: string }
  | { readonly kind: 'finished'; readonly vehicle: Vehicle };

/**
 * One road scene stepped at a fixed dt: scripted actors move, sensors measure and publish, each vehicle under test
 * perceives, decides and actuates, bodies move, then the truth is scored (collisions, TTC, gaps, lane departures).
 * Pure: the same options and setups give the same run.
 */
export class World {
  readonly vehicles: Vehicle[] = [];
  readonly actors: ScriptedActor[] = [];
  stepCount = 0;
  readonly road: RoadContact;
  /**
   * Every object sorted by x: the spatial index that culls sensing and scoring candidates to a window of x found by
   * binary search. Objects move little per step, so an insertion sort restores the order in about n comparisons;
   * equal x keep their previous order, so the candidate order (and the random draws that follow it) is deterministic.
   */
  private readonly byX: WorldObject[] = [];
  /** The step after whose moves the index was sorted (-1: never). */
  private indexStep = -1;
  private readonly candidates: WorldObject[] = [];
  private readonly pose: SensorPose = { x: 0, y: 0, heading: 0, vx: 0, vy: 0 };
  /** Where a scored object projects on the vehicle's route (reused: one per candidate per vehicle per step). */
  private readonly projected: PathFrame = { s: 0, d: 0, heading: 0 };
  private readonly events: WorldEvent[] = [];

  constructor(readonly options: WorldOptions) {
    this.road = { mu: options.mu, grade_rad: options.gradeRad };
  }

  get t(): number {
    return this.stepCount * this.options.dt;
  }

  addVehicle(setup: VehicleSetup): Vehicle {
    const vehicle = new Vehicle(
      setup,
      this.options.weather,
      this.options.dt,
      this.options.rng,
      this.vehicles.length * 7,
    );
    this.vehicles.push(vehicle);
    return vehicle;
  }

  addActor(actor: ScriptedActor): void {
    this.actors.push(actor);
  }

  objects(): WorldObject[] {
    return [...this.vehicles, ...this.actors];
  }

  private reindex(): void {
    const a = this.byX;
    if (a.length !== this.vehicles.length + this.actors.length) {
      a.length = 0;
      for (const v of this.vehicles) a.push(v);
      for (const o of this.actors) a.push(o);
    }
    for (let i = 1; i < a.length; i++) {
      const o = a[i] as WorldObject;
      const x = o.x;
      let j = i - 1;
      while (j >= 0 && (a[j] as WorldObject).x > x) {
        a[j + 1] = a[j] as WorldObject;
        j--;
      }
      a[j + 1] = o;
    }
    this.indexStep = this.stepCount;
  }

  /** Objects whose centre lies within `range` + 20 m of (x, y) along each axis, in index order. */
  private near(x: number, y: number, range: number): WorldObject[] {
    const out = this.candidates;
    out.length = 0;
    const pad = range + 20;
    const a = this.byX;
    const x0 = x - pad;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((a[mid] as WorldObject).x < x0) lo = mid + 1;
      else hi = mid;
    }
    const x1 = x + pad;
    for (let i = lo; i < a.length; i++) {
      const o = a[i] as WorldObject;
      if (o.x > x1) break;
      if (Math.abs(o.y - y) <= pad) out.push(o);
    }
    return out;
  }

  /** Advances one step and returns what happened in it (valid until the next call). */
  step(): readonly WorldEvent[] {
    const dt = this.options.dt;
    this.events.length = 0;
    this.stepCount++;
    const t = this.t;
    for (const actor of this.actors) actor.step(t, dt);
    // Vehicles have not moved since the index was sorted at the end of the last step: without actors it still holds.
    if (this.actors.length > 0 || this.indexStep !== this.stepCount - 1) this.reindex();
    for (const vehicle of this.vehicles) {
      if (vehicle.metrics.finished_t !== null) continue;
      const pose = vehicle.sensorPose(this.pose);
      // Candidates are gathered only on steps where one of the vehicle's sensors measures (a radar at 20 Hz on a
      // 100 Hz step: one step in five); on the others the sensors only publish what is due.
      let maxRange = 0;
      let measuring = false;
      for (const sensor of vehicle.sensors) {
        if (sensor.effectiveRange > maxRange) maxRange = sensor.effectiveRange;
        if (sensor.measuresAt(this.stepCount)) measuring = true;
      }
      const near = measuring ? this.near(pose.x, pose.y, maxRange) : NONE;
      for (const sensor of vehicle.sensors) sensor.step(this.stepCount, t, pose, near, vehicle);
      vehicle.tracker.update(
        vehicle.sensors,
        t,
        pose.x,
        pose.y,
        pose.heading,
        vehicle.body.v,
        vehicle.route.path,
        vehicle.frame.s,
      );
      const before = vehicle.aeb;
      drive(vehicle, t, dt, this.road.mu, this.road.grade_rad);
      if (vehicle.aeb !== before) this.events.push({ kind: 'aeb', vehicle, from: before, to: vehicle.aeb });
    }
    for (const vehicle of this.vehicles) {
      if (vehicle.metrics.finished_t !== null) continue;
      vehicle.actuators.step(dt);
      stepBody(vehicle.params, vehicle.body, vehicle.actuators, this.road, dt);
      vehicle.syncBox();
      vehicle.refreshFrame();
    }
    this.reindex();
    for (const vehicle of this.vehicles) if (vehicle.metrics.finished_t === null) this.score(vehicle, t);
    return this.events;
  }

  private score(vehicle: Vehicle, t: number): void {
    const m = vehicle.metrics;
    const body = vehicle.body;
    const decel = -body.a;
    if (decel > m.peak_decel) m.peak_decel = decel;
    // Jerk is scored from the second step on (the first step's jump is the set-up) and while moving (coming to a
    // standstill ends a braking deceleration in one step).
    if (this.stepCount > 1 && body.v > 0 && Math.abs(body.jerk) > m.peak_jerk) m.peak_jerk = Math.abs(body.jerk);
    if (Math.abs(body.lat_a) > m.max_lat_accel) m.max_lat_accel = Math.abs(body.lat_a);
    if (body.sliding) m.slide_steps++;
    if (t >= 10) {
      if (body.v < m.speed_min) m.speed_min = body.v;
      if (body.v > m.speed_max) m.speed_max = body.v;
    }
    const over = body.v - vehicle.route.limitAt(vehicle.frame.s);
    if (over > m.max_over_limit) m.max_over_limit = over;
    if (m.warning_t === null && vehicle.aeb !== 'standby' && vehicle.aeb !== 'off') m.warning_t = t;
    if (m.braking_t === null && (vehicle.aeb === 'partial' || vehicle.aeb === 'full')) {
      m.braking_t = t;
      m.braking_odometer = body.odometer;
    }
    if (m.braking_odometer !== null && m.stopping_distance === null && body.v <= 0) {
      m.stopping_distance = body.odometer - m.braking_odometer;
    }
    if (m.full_braking_speed === null && vehicle.aeb === 'full') {
      m.full_braking_speed = body.v;
      m.full_braking_odometer = body.odometer;
    }
    if (m.full_braking_odometer !== null && m.full_braking_distance === null && body.v <= 0 && !m.collided) {
      m.full_braking_distance = body.odometer - m.full_braking_odometer;
    }
    // Braking at the friction limit: from here the stop is the analytic one (drag, rolling resistance, µ·g).
    const p = vehicle.params;
    const grip = this.road.mu * p.brake_friction_utilisation * p.mass_kg * G * Math.cos(this.road.grade_rad);
    const brakeForce = vehicle.actuators.brake * p.max_brake_force_n * vehicle.actuators.brake_effectiveness;
    if (m.limit_braking_speed === null && body.v > 1 && brakeForce >= grip * 0.999) {
      m.limit_braking_speed = body.v;
      m.limit_braking_odometer = body.odometer;
    }
    if (m.limit_braking_odometer !== null && m.limit_braking_distance === null && body.v <= 0 && !m.collided) {
      m.limit_braking_distance = body.odometer - m.limit_braking_odometer;
    }
    // Lane discipline: a wheel over the line of the lane it means to be in, while not changing lanes.
    const route = vehicle.route;
    const laneCentre = route.laneOffset(vehicle.targetLane);
    if (Math.abs(vehicle.dTarget - laneCentre) > 0.05) vehicle.laneChangeUntil = t + 2;
    const changing = t < vehicle.laneChangeUntil;
    const off = Math.abs(vehicle.frame.d - vehicle.dTarget) + vehicle.width / 2 > route.laneWidth / 2;
    if (!changing && off && vehicle.inLane) {
      m.lane_departures++;
      this.events.push({ kind: 'lane_departure', vehicle, offset: vehicle.frame.d - vehicle.dTarget });
    }
    vehicle.inLane = changing || !off;
    // Truth: collisions, gaps and time to collision against everything in the vehicle's corridor ahead.
    const front = vehicle.frame.s;
    const near = this.near(vehicle.x, vehicle.y, 150);
    for (const o of near) {
      if (o === vehicle) continue;
      if (!m.collided && overlaps(vehicle, o)) {
        const rel = body.v - o.v * Math.cos(o.heading - body.heading);
        m.collided = true;
        m.collided_with = o.id;
        m.collision_t = t;
        m.impact_speed = Math.max(0, rel);
        m.impact_own_speed = body.v;
        this.events.push({ kind: 'collision', vehicle, other: o, relSpeed: rel });
      }
      const f = route.path.project(o.x, o.y, front, this.projected);
      const gap = f.s - o.length / 2 - front;
      if (gap < -o.length) continue;
      if (Math.abs(f.d - vehicle.frame.d) > (vehicle.width + o.width) / 2) continue;
      const g = Math.max(0, gap);
      if (g < m.min_gap) m.min_gap = g;
      if (body.v > 2 && g / body.v < m.min_time_gap) m.min_time_gap = g / body.v;
      const closing = body.v - o.v * Math.cos(o.heading - body.heading);
      if (closing > 0.01 && g / closing < m.min_ttc) m.min_ttc = g / closing;
    }
    // Signals: crossing a stop line on red.
    for (let i = 0; i < route.stopLines.length; i++) {
      const line = route.stopLines[i]!;
      if (vehicle.passedSignals.has(i) || front < line.s) continue;
      vehicle.passedSignals.add(i);
      if (signalAspect(line.timing, t) === 'red') {
        m.red_light_violations++;
        this.events.push({ kind: 'red_light', vehicle, signal: line.signal });
      }
    }
    const end = route.path.length;
    const stoppedAfterCollision = m.collided && body.v <= 0;
    const stoppedAtEnd = body.v <= 0 && front > end - 5;
    // An emergency stop ends the run as a test would: the vehicle holds at standstill.
    const stoppedByAeb = m.braking_t !== null && body.v <= (vehicle.setup.endSpeed ?? 0);
    if (body.v > 0.5) vehicle.moved = true;
    if (body.v > 0.05) vehicle.stoppedSince = null;
    else if (vehicle.stoppedSince === null) vehicle.stoppedSince = t;
    // Held at a standstill for a while after moving (behind a stopped car, at a red light that stays red).
    const standing = vehicle.moved && vehicle.stoppedSince !== null && t - vehicle.stoppedSince >= 3;
    if (stoppedAfterCollision || stoppedAtEnd || stoppedByAeb || standing || front > end + 5) {
      m.finished_t = t;
      this.events.push({ kind: 'finished', vehicle });
    }
  }

  /** True once every vehicle under test has finished (at its route's end, after a collision or an emergency stop). */
  done(): boolean {
    return this.vehicles.every((v) => v.metrics.finished_t !== null);
  }

  /** Maximum deceleration the road allows, m/s². */
  get maxDecel(): number {
    return this.road.mu * G;
  }
}
