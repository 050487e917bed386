import { idString, type JsonObject } from '@doppel/twin';
import { z } from 'zod';
import { MODEL_TYPES, type ModelType } from './models/vehicle-types.js';
import { WEATHERS } from './models/weather.js';
import { SCENARIO_TYPE_NAMES, scenarioType } from './scenarios/library.js';
import type { VehicleState } from './state.js';

/**
 * Shapes of seed 001's Twin API (`/api/v1/twin/...`) that only the fleet pack gives meaning to: the typed scenario
 * request, the virtual vehicle's state and the results with their verdict.
 */
export const twinVehicleRequestSchema = z.strictObject({
  physical_vehicle_id: idString().describe('Id of the physical vehicle this twin mirrors, e.g. AV-001.'),
  model_type: z.enum(MODEL_TYPES).describe('sedan, van, truck or bus.'),
});

/** Fields of a scenario request that are not parameters of the scenario type. */
export const TWIN_REQUEST_FIELDS = ['type', 'vehicle_id', 'seed', 'name', 'weather', 'sweep'] as const;

export const twinScenarioRequestSchema = z
  .object({
    type: z
      .enum(SCENARIO_TYPE_NAMES as [string, ...string[]])
      .describe('A scenario type of the library, e.g. emergency_braking.'),
    vehicle_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The virtual vehicle under test (its model type is used).'),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    name: z.string().min(1).max(200).optional(),
    weather: z.enum(WEATHERS).optional().describe('dry, wet, snow, ice, fog or night (default dry).'),
    sweep: z
      .record(
        z.string(),
        z
          .array(z.union([z.number(), z.string(), z.boolean()]))
          .min(1)
          .max(64),
      )
      .optional(),
  })
  .catchall(z.union([z.number(), z.string(), z.boolean(), z.null()]))
  .describe('Any other field is a parameter of the type, e.g. initial_speed (km/h).');
export type TwinScenarioRequest = z.infer<typeof twinScenarioRequestSchema>;

export interface ParamIssue {
  readonly path: string;
  readonly message: string;
}

/** The type's parameters in a request, checked against the type's schema; issues name the request field. */
export function twinScenarioParams(request: TwinScenarioRequest): {
  params: Record<string, unknown>;
  issues: ParamIssue[];
} {
  const type = scenarioType(request.type);
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (!(TWIN_REQUEST_FIELDS as readonly string[]).includes(key)) params[key] = value;
  }
  if (type === undefined) return { params, issues: [{ path: 'body.type', message: 'unknown scenario type' }] };
  const parsed = type.params.safeParse(params);
  if (parsed.success) return { params: parsed.data as Record<string, unknown>, issues: [] };
  return {
    params,
    issues: parsed.error.issues.map((issue) => ({
      path: ['body', ...issue.path.map(String)].join('.'),
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown parameter of ${request.type}: ${issue.keys.join(', ')}`
          : issue.message,
    })),
  };
}

/** The Doppel scenario a typed request stands for (plain JSON, which is also YAML). */
export function twinScenarioDocument(
  request: TwinScenarioRequest,
  params: Record<string, unknown>,
  modelType: ModelType,
): JsonObject {
  const type = scenarioType(request.type);
  const long = type?.category === 'performance' || request.type === 'weather_extremes';
  return {
    doppel: 1,
    name:
      request.name ?? `${request.type}${typeof params.initial_speed === 'number' ? `-${params.initial_speed}kmh` : ''}`,
    description: type?.title ?? request.type,
    pack: 'fleet',
    start: '2026-01-01T00:00:00Z',
    duration: long ? '20m' : '2m',
    seed: request.seed ?? 1,
    telemetry: { interval: '1s' },
    fleet: {
      environment: { weather: request.weather ?? 'dry' },
      entities: { ego: { model_type: modelType } },
      test: {
        type: request.type,
        params: params as JsonObject,
        ...(request.sweep !== undefined ? { sweep: request.sweep } : {}),
      },
    },
  } as JsonObject;
}

/** What GET /vehicles/{id}/state answers: the seed's fields, named with units. */
export interface TwinVehicleStateView {
  readonly status: VehicleState['status'] | 'idle';
  readonly position: { readonly x_m: number; readonly y_m: number };
  readonly heading_deg: number;
  readonly speed_mps: number;
  readonly speed_kmh: number;
  readonly acceleration_mps2: number;
  readonly actuator_commands: VehicleState['commands'];
  readonly actuators: VehicleState['actuators'];
  readonly aeb: VehicleState['aeb'];
  readonly ttc_s: number | null;
  readonly detections: VehicleState['detections'];
  readonly sensor_faults: VehicleState['sensor_faults'];
  readonly actuator_faults: VehicleState['actuator_faults'];
}

/** A vehicle's state view; a twin not yet placed in a scenario stands idle at the origin. */
export function twinVehicleStateView(state: VehicleState | null): TwinVehicleStateView {
  if (state === null) {
    return {
      status: 'idle',
      position: { x_m: 0, y_m: 0 },
      heading_deg: 0,
      speed_mps: 0,
      speed_kmh: 0,
      acceleration_mps2: 0,
      actuator_commands: { throttle: 0, brake: 0, steer_deg: 0, accel_mps2: 0 },
      actuators: { throttle: 0, brake: 0, steer_deg: 0 },
      aeb: 'standby',
      ttc_s: null,
      detections: [],
      sensor_faults: {},
      actuator_faults: { brake_effectiveness: 1, stuck_throttle: null },
    };
  }
  return {
    status: state.status,
    position: { x_m: state.x_m, y_m: state.y_m },
    heading_deg: state.heading_deg,
    speed_mps: state.speed_mps,
    speed_kmh: Math.round(state.speed_mps * 360) / 100,
    acceleration_mps2: state.accel_mps2,
    actuator_commands: state.commands,
    actuators: state.actuators,
    aeb: state.aeb,
    ttc_s: state.ttc_s,
    detections: state.detections,
    sensor_faults: state.sensor_faults,
    actuator_faults: state.actuator_faults,
  };
}
