import type { AssetJudgement, AssetStatus, JsonObject, PastJudge } from '@doppel/twin';
import type { Sensor } from './models/sensors.js';
import type { Vehicle } from './models/vehicle.js';
import { SENSOR_TYPES } from './models/weather.js';

// How the fleet judges its assets at a past instant (the time slider): the rule `FleetModel.assetStatus` applies live,
// read from the recorded state, and the vehicle KPIs a state gives, with the body and sensor reach a top-down view
// draws (the state records the rear axle only).

/**
 * The body and, per sensor type, the reach and field of view of the vehicle's longest-reaching sensor of that type
 * that has not dropped out (0 when none).
 */
export function vehicleDrawingKpis(vehicle: Vehicle, droppedOut: (sensor: Sensor) => boolean): Record<string, number> {
  const out: Record<string, number> = {
    length_m: vehicle.length,
    width_m: vehicle.width,
    front_m: vehicle.params.wheelbase_m + vehicle.params.front_overhang_m,
  };
  for (const type of SENSOR_TYPES) {
    out[`${type}_range_m`] = 0;
    out[`${type}_fov_deg`] = 0;
  }
  for (const sensor of vehicle.sensors) {
    const range = droppedOut(sensor) ? 0 : sensor.effectiveRange;
    if (range > (out[`${sensor.spec.type}_range_m`] ?? 0)) {
      out[`${sensor.spec.type}_range_m`] = range;
      out[`${sensor.spec.type}_fov_deg`] = sensor.spec.fov_deg;
    }
  }
  return out;
}

const BRAKING_STAGES: readonly unknown[] = ['warning', 'partial', 'full'];

/** A vehicle's status from its state: collided, braking for a hazard, finished, or driving. */
export function vehicleStatusOf(state: JsonObject): AssetStatus {
  if (state.status === 'collided') return 'critical';
  if (BRAKING_STAGES.includes(state.aeb)) return 'warning';
  return state.status === 'finished' ? 'offline' : 'ok';
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function pastVehicle(state: JsonObject, vehicle: Vehicle | undefined): AssetJudgement {
  const faults = state.sensor_faults;
  const dropped = (sensor: Sensor): boolean => {
    const f = faults !== null && typeof faults === 'object' && !Array.isArray(faults) ? faults[sensor.spec.id] : null;
    return f !== null && typeof f === 'object' && !Array.isArray(f) && f.dropout === true;
  };
  const km = num(state.odometer_m) / 1000;
  return {
    status: vehicleStatusOf(state),
    kpis: {
      speed_kmh: num(state.speed_mps) * 3.6,
      accel_mps2: num(state.accel_mps2),
      ttc_s: typeof state.ttc_s === 'number' ? state.ttc_s : -1,
      energy_kwh: num(state.energy_kwh),
      energy_kwh_per_km: km > 0.001 ? num(state.energy_kwh) / km : 0,
      odometer_m: num(state.odometer_m),
      ...(vehicle === undefined ? {} : vehicleDrawingKpis(vehicle, dropped)),
    },
  };
}

/** The past judge of vehicles and cases; `vehicleOf` finds a vehicle's model by asset id (for its body and sensors). */
export function fleetPastJudge(kind: string, vehicleOf: (id: string) => Vehicle | undefined): PastJudge | undefined {
  if (kind === 'vehicle') {
    return {
      lookbackS: 0,
      eventTypes: ['VEHICLE_FINISHED'],
      judge: (_t, states) => new Map([...states].map(([id, state]) => [id, pastVehicle(state, vehicleOf(id))])),
    };
  }
  if (kind === 'case') {
    return {
      lookbackS: 0,
      eventTypes: ['CASE_FINISHED'],
      judge: (_t, states) =>
        new Map(
          [...states].map(([id, state]): [string, AssetJudgement] => [
            id,
            { status: state.verdict === 'fail' ? 'critical' : 'ok', kpis: {} },
          ]),
        ),
    };
  }
  return undefined;
}
