import { InterventionRejected, type InterventionDefinition } from '@doppel/twin';
import { z } from 'zod';
import { SENSOR_TYPES } from './models/weather.js';
import type { VehicleRuntime } from './model.js';
import type { VehicleState } from './state.js';

type VehicleIntervention<A> = InterventionDefinition<A, VehicleState, VehicleRuntime>;

const duration = z.number().positive().max(86_400).optional().describe('Ends by itself after this many seconds.');

function sensorOf(runtime: VehicleRuntime, id: string) {
  const sensor = runtime.vehicle.sensors.find((s) => s.spec.id === id);
  if (sensor === undefined) {
    throw new InterventionRejected(
      `vehicle ${runtime.vehicle.id} has no sensor "${id}" (it has ${runtime.vehicle.sensors.map((s) => s.spec.id).join(', ')})`,
    );
  }
  return sensor;
}

export const injectSensorFault: VehicleIntervention<{
  sensor: string;
  fault: 'dropout' | 'frozen' | 'bias';
  bias_range_m?: number | undefined;
  bias_bearing_deg?: number | undefined;
  duration_s?: number | undefined;
}> = {
  name: 'inject_sensor_fault',
  description:
    'A sensor fails: dropout (no output), frozen (its last frame repeated) or bias (ranges and bearings offset).',
  args: z.strictObject({
    sensor: z
      .string()
      .min(1)
      .describe(`Sensor id (${SENSOR_TYPES.join(', ')} by default).`),
    fault: z.enum(['dropout', 'frozen', 'bias']),
    bias_range_m: z.number().min(-100).max(100).optional(),
    bias_bearing_deg: z.number().min(-45).max(45).optional(),
    duration_s: duration,
  }),
  apply: (asset, args) => {
    const sensor = sensorOf(asset.runtime, args.sensor);
    const before = { ...sensor.faults };
    if (args.fault === 'dropout') sensor.faults.dropout = true;
    else if (args.fault === 'frozen') sensor.faults.frozen = true;
    else {
      sensor.faults.bias_range_m = args.bias_range_m ?? 5;
      sensor.faults.bias_bearing_deg = args.bias_bearing_deg ?? 0;
    }
    const end = (): void => {
      Object.assign(sensor.faults, before);
    };
    return args.duration_s !== undefined
      ? { durationS: args.duration_s, end, note: `${args.sensor} ${args.fault} for ${args.duration_s}s` }
      : { note: `${args.sensor} ${args.fault}` };
  },
};

export const clearSensorFault: VehicleIntervention<{ sensor: string }> = {
  name: 'clear_sensor_fault',
  description: 'Repairs a sensor: no dropout, not frozen, no bias.',
  args: z.strictObject({ sensor: z.string().min(1) }),
  apply: (asset, args) => {
    Object.assign(sensorOf(asset.runtime, args.sensor).faults, {
      dropout: false,
      frozen: false,
      bias_range_m: 0,
      bias_bearing_deg: 0,
    });
  },
};

export const injectActuatorFault: VehicleIntervention<{
  fault: 'brake_fade' | 'stuck_throttle';
  value: number;
  duration_s?: number | undefined;
}> = {
  name: 'inject_actuator_fault',
  description:
    'brake_fade: the brakes give `value` × their force (0.4 = 40%); stuck_throttle: the throttle stays at `value` (0..1).',
  args: z.strictObject({
    fault: z.enum(['brake_fade', 'stuck_throttle']),
    value: z.number().min(0).max(1),
    duration_s: duration,
  }),
  apply: (asset, args) => {
    const faults = asset.runtime.vehicle.actuators.faults;
    const before = { ...faults };
    if (args.fault === 'brake_fade') faults.brake_effectiveness = args.value;
    else faults.stuck_throttle = args.value;
    const end = (): void => {
      Object.assign(faults, before);
    };
    return args.duration_s !== undefined ? { durationS: args.duration_s, end } : {};
  },
};

export const clearActuatorFault: VehicleIntervention<Record<string, never>> = {
  name: 'clear_actuator_fault',
  description: 'Healthy brakes and a free throttle again.',
  args: z.strictObject({}),
  apply: (asset) => {
    Object.assign(asset.runtime.vehicle.actuators.faults, { brake_effectiveness: 1, stuck_throttle: null });
  },
};

export const setCruiseSpeed: VehicleIntervention<{ kmh: number }> = {
  name: 'set_cruise_speed',
  description: 'Changes the set speed of the vehicle (limits and the lead still cap it).',
  args: z.strictObject({ kmh: z.number().min(0).max(200) }),
  apply: (asset, args) => {
    asset.runtime.vehicle.setup.behaviour.cruise_speed_kmh = args.kmh;
  },
};

export const setAeb: VehicleIntervention<{ enabled: boolean }> = {
  name: 'set_aeb',
  description: 'Switches autonomous emergency braking on or off.',
  args: z.strictObject({ enabled: z.boolean() }),
  apply: (asset, args) => {
    const vehicle = asset.runtime.vehicle;
    vehicle.setup.behaviour.aeb.enabled = args.enabled;
    if (!args.enabled) {
      vehicle.aeb = 'off';
      vehicle.aebLatched = false;
    } else if (vehicle.aeb === 'off') vehicle.aeb = 'standby';
  },
};

export const externalCommand: VehicleIntervention<{ accel_mps2?: number | undefined; lane?: number | undefined }> = {
  name: 'external_command',
  description:
    'A command from an external controller (the step protocol): wanted acceleration (clamped to the ACC limits) and lane, held until the next one, in place of speed control, ACC and any policy; the AEB still overrides. {} gives control back.',
  args: z.strictObject({
    accel_mps2: z.number().min(-15).max(10).optional(),
    lane: z.int().min(0).max(7).optional(),
  }),
  apply: (asset, args) => {
    const empty = args.accel_mps2 === undefined && args.lane === undefined;
    asset.runtime.vehicle.externalCommand = empty
      ? null
      : {
          ...(args.accel_mps2 !== undefined ? { accel_mps2: args.accel_mps2 } : {}),
          ...(args.lane !== undefined ? { lane: args.lane } : {}),
        };
  },
};

export const VEHICLE_INTERVENTIONS = [
  injectSensorFault,
  clearSensorFault,
  injectActuatorFault,
  clearActuatorFault,
  setCruiseSpeed,
  setAeb,
  externalCommand,
] as const;
