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

/** What the ledger holds of a vehicle: rounded so that a vehicle that does not move writes nothing new. */
export function vehicleState(vehicle: Vehicle, fleetCase: FleetCase, withDetections: boolean): VehicleState {
  const body = vehicle.body;
  const act = vehicle.actuators;
  const m = vehicle.metrics;
  const detections: DetectionState[] = [];
  if (withDetections) {
    for (const sensor of vehicle.sensors) {
      for (const d of sensor.output) {
        detections.push({
          track: d.track,
          object_id: d.object_id,
          sensor: d.sensor,
          cls: d.cls,
          range_m: r2(d.range_m),
          bearing_deg: r1(d.bearing_deg),
          range_rate_mps: r2(d.range_rate_mps),
        });
      }
    }
  }
  const sensorFaults: VehicleState['sensor_faults'] = {};
  for (const sensor of vehicle.sensors) sensorFaults[sensor.spec.id] = { ...sensor.faults };
  return {
    case: fleetCase.id,
    model_type: vehicle.setup.modelType,
    status: m.collided ? 'collided' : m.finished_t !== null ? 'finished' : body.v <= 0.05 ? 'stopped' : 'driving',
    x_m: r2(body.x),
    y_m: r2(body.y),
    heading_deg: deg(body.heading),
    speed_mps: r2(body.v),
    accel_mps2: r2(body.a),
    lane: vehicle.targetLane,
    odometer_m: r1(body.odometer),
    commands: {
      throttle: r3(act.throttleChannel.command),
      brake: r3(act.brakeChannel.command),
      steer_deg: deg(act.steerChannel.command),
      accel_mps2: r2(vehicle.accelCommand),
    },
    actuators: { throttle: r3(act.throttle), brake: r3(act.brake), steer_deg: deg(act.steer_rad) },
    aeb: vehicle.aeb,
    ttc_s: Number.isFinite(vehicle.perceivedTtc) ? r2(vehicle.perceivedTtc) : null,
    lead: vehicle.leadId,
    energy_kwh: Math.round(sourceKwh(body) * 1e4) / 1e4,
    detections,
    sensor_faults: sensorFaults,
    actuator_faults: { ...act.faults },
  };
}

export function actorState(actor: ScriptedActor, fleetCase: FleetCase): ActorState {
  return {
    case: fleetCase.id,
    cls: actor.cls,
    x_m: r2(actor.x),
    y_m: r2(actor.y),
    heading_deg: deg(actor.heading),
    speed_mps: r2(actor.v),
    length_m: actor.length,
    width_m: actor.width,
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
