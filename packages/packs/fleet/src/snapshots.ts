import { sourceKwh } from './models/dynamics.js';
import type { ScriptedActor } from './models/objects.js';
import { signalAspect } from './models/route.js';
import type { Vehicle } from './models/vehicle.js';
import type { CaseResult, FleetCase } from './scenarios/case.js';
import type { ActorState, CaseState, DetectionState, VehicleState } from './state.js';

const r2 = (v: number): number => Math.round(v * 100) / 100;
const r1 = (v: number): number => Math.round(v * 10) / 10;
const r3 = (v: number): number => Math.round(v * 1000) / 1000;
const deg = (rad: number): number => r1((rad * 180) / Math.PI);

// Every object below is built with its keys in sorted order: the ledger's canonical JSON then takes it as it is
// instead of copying it with sorted keys (a sampled vehicle state, with its detections, is most of a run's ledger).

type Flat = Readonly<Record<string, number | boolean | string | null>>;

/**
 * `next`, or `previous` when it holds the same values: an unchanged part of a state is then the very object the
 * registry already has, which it skips by identity instead of comparing it member by member. The record is the same.
 */
function reuse<T extends Flat>(previous: T | undefined, next: T): T {
  if (previous === undefined) return next;
  for (const key in next) if (previous[key] !== next[key]) return next;
  return previous;
}

/** Whether every member of `next` is the very object `previous` has under its key, and no other key is there. */
function sameMembers<T extends object>(
  previous: Readonly<Record<string, T>> | undefined,
  next: Record<string, T>,
): boolean {
  if (previous === undefined) return false;
  let count = 0;
  for (const key in next) {
    if (previous[key] !== next[key]) return false;
    count++;
  }
  for (const _ in previous) count--;
  return count === 0;
}

/** What the ledger holds of a vehicle: rounded so that a vehicle that does not move writes nothing new. */
export function vehicleState(
  vehicle: Vehicle,
  fleetCase: FleetCase,
  withDetections: boolean,
  previous?: VehicleState,
): VehicleState {
  const body = vehicle.body;
  const act = vehicle.actuators;
  const m = vehicle.metrics;
  const detections: DetectionState[] = [];
  if (withDetections) {
    for (const sensor of vehicle.sensors) {
      for (const d of sensor.output) {
        detections.push({
          bearing_deg: r1(d.bearing_deg),
          cls: d.cls,
          object_id: d.object_id,
          range_m: r2(d.range_m),
          range_rate_mps: r2(d.range_rate_mps),
          sensor: d.sensor,
          track: d.track,
        });
      }
    }
  }
  const sensorFaults: VehicleState['sensor_faults'] = {};
  for (const sensor of vehicle.sensors) {
    const f = sensor.faults;
    sensorFaults[sensor.spec.id] = reuse(previous?.sensor_faults[sensor.spec.id], {
      bias_bearing_deg: f.bias_bearing_deg,
      bias_range_m: f.bias_range_m,
      dropout: f.dropout,
      frozen: f.frozen,
    });
  }
  return {
    accel_mps2: r2(body.a),
    actuator_faults: reuse(previous?.actuator_faults, {
      brake_effectiveness: act.faults.brake_effectiveness,
      stuck_throttle: act.faults.stuck_throttle,
    }),
    actuators: reuse(previous?.actuators, {
      brake: r3(act.brake),
      steer_deg: deg(act.steer_rad),
      throttle: r3(act.throttle),
    }),
    aeb: vehicle.aeb,
    case: fleetCase.id,
    commands: reuse(previous?.commands, {
      accel_mps2: r2(vehicle.accelCommand),
      brake: r3(act.brakeChannel.command),
      steer_deg: deg(act.steerChannel.command),
      throttle: r3(act.throttleChannel.command),
    }),
    detections: detections.length === 0 && previous?.detections.length === 0 ? previous.detections : detections,
    energy_kwh: Math.round(sourceKwh(body) * 1e4) / 1e4,
    heading_deg: deg(body.heading),
    lane: vehicle.targetLane,
    lead: vehicle.leadId,
    model_type: vehicle.setup.modelType,
    odometer_m: r1(body.odometer),
    sensor_faults: sameMembers(previous?.sensor_faults, sensorFaults)
      ? (previous as VehicleState).sensor_faults
      : sensorFaults,
    speed_mps: r2(body.v),
    status: m.collided ? 'collided' : m.finished_t !== null ? 'finished' : body.v <= 0.05 ? 'stopped' : 'driving',
    ttc_s: Number.isFinite(vehicle.perceivedTtc) ? r2(vehicle.perceivedTtc) : null,
    x_m: r2(body.x),
    y_m: r2(body.y),
  };
}

export function actorState(actor: ScriptedActor, fleetCase: FleetCase): ActorState {
  return {
    case: fleetCase.id,
    cls: actor.cls,
    heading_deg: deg(actor.heading),
    length_m: actor.length,
    speed_mps: r2(actor.v),
    width_m: actor.width,
    x_m: r2(actor.x),
    y_m: r2(actor.y),
  };
}

export function caseState(fleetCase: FleetCase, result: CaseResult | null): CaseState {
  const world = fleetCase.world;
  const stopLines: CaseState['stop_lines'] = [];
  const first = world.vehicles[0];
  if (first !== undefined) {
    for (const line of first.route.stopLines) {
      const p = first.route.path.pointAt(line.s);
      stopLines.push({ signal: line.signal, x_m: r2(p.x), y_m: r2(p.y), aspect: signalAspect(line.timing, world.t) });
    }
  }
  return {
    type: fleetCase.options.type.type,
    params: { ...fleetCase.options.params } as CaseState['params'],
    weather: fleetCase.options.weather,
    mu: fleetCase.options.ctx.mu,
    roads: fleetCase.build.roads.map((r) => ({
      id: r.id,
      points: r.points.map((p) => [r2(p[0]), r2(p[1])] as [number, number]),
      lanes: r.lanes,
      lane_width_m: r.lane_width_m,
    })),
    stop_lines: stopLines,
    status: result === null ? 'running' : 'finished',
    verdict: result === null ? 'pending' : result.verdict,
    scores: result === null ? {} : (result.scores as CaseState['scores']),
  };
}
