import type { JsonObject } from '@doppel/twin';
import { TWIN_REQUEST_FIELDS, type TwinScenarioRequest, type TwinVehicleStateView } from '@doppel/twin/contracts';
import type { ModelType } from './models/vehicle-types.js';
import { scenarioType } from './scenarios/library.js';
import type { VehicleState } from './state.js';

// The Twin API's wire shapes (requests, state view, results) are the twin's contract (`@doppel/twin/contracts`);
// what the fleet pack adds is their meaning: a request's parameters checked against its scenario type, the
// scenario document it stands for, and a vehicle's state in the contract's terms.

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
    // An unknown parameter is named by its own field (body.initial_sped), not by the object holding it.
    issues: parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: ['body', ...issue.path.map(String), key].join('.'),
            message: `unknown parameter of ${request.type}`,
          }))
        : [{ path: ['body', ...issue.path.map(String)].join('.'), message: issue.message }],
    ),
  };
}

/** What varies between the fleet documents the Twin API writes; the rest is fixed. */
interface FleetDocumentParts {
  readonly name: string;
  readonly description: string;
  readonly start: string;
  readonly duration: string;
  readonly seed: number;
  readonly weather: string;
  readonly ego: JsonObject;
  readonly test: JsonObject;
}

function fleetDocument(parts: FleetDocumentParts): JsonObject {
  return {
    doppel: 1,
    name: parts.name,
    description: parts.description,
    pack: 'fleet',
    start: parts.start,
    duration: parts.duration,
    seed: parts.seed,
    telemetry: { interval: '1s' },
    fleet: { environment: { weather: parts.weather }, entities: { ego: parts.ego }, test: parts.test },
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
  return fleetDocument({
    name:
      request.name ?? `${request.type}${typeof params.initial_speed === 'number' ? `-${params.initial_speed}kmh` : ''}`,
    description: type?.title ?? request.type,
    start: '2026-01-01T00:00:00Z',
    duration: long ? '20m' : '2m',
    seed: request.seed ?? 1,
    weather: request.weather ?? 'dry',
    ego: {
      model_type: modelType,
      ...(request.policy_module !== undefined ? { policy: { module: request.policy_module } } : {}),
    },
    test: {
      type: request.type,
      params: params as JsonObject,
      ...(request.sweep !== undefined ? { sweep: request.sweep } : {}),
    },
  });
}

/** A mirrored vehicle as a fork copies it: the last measurement of its position, heading and speed. */
export interface ForkedVehicle {
  readonly id: string;
  readonly model_type: ModelType;
  readonly x_m: number;
  readonly y_m: number;
  readonly heading_deg: number;
  readonly speed_mps: number;
}

/**
 * The scenario of a what-if fork of the live fleet (`live_fork`): the vehicles as measured, starting at `forkedAt`
 * (ISO 8601 in UTC, as `toISOString` writes it, so the fork's clock reads the instant it was taken). The measurements are parameters of the document,
 * so the fork is reproducible like any scenario.
 */
export function liveForkDocument(
  vehicles: readonly ForkedVehicle[],
  options: { forkedAt: string; durationS: number; seed: number; weather: string; name?: string | undefined },
): JsonObject {
  const whom = vehicles.length === 1 ? (vehicles[0] as ForkedVehicle).id : `${vehicles.length} vehicles`;
  return fleetDocument({
    name: options.name ?? `What-if: ${whom} at ${options.forkedAt.slice(11, 19)} UTC`,
    description: scenarioType('live_fork')?.title ?? 'live_fork',
    start: options.forkedAt,
    // A second beyond the fork's own end, so the case's verdict is in the ledger when the run stops.
    duration: `${options.durationS + 1}s`,
    seed: options.seed,
    weather: options.weather,
    ego: {},
    test: {
      type: 'live_fork',
      params: { vehicles: vehicles.map((v) => ({ ...v })), duration_s: options.durationS },
    },
  });
}

export type { TwinVehicleStateView } from '@doppel/twin/contracts';

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

/** Suffix of the scores that compare a case with an analytic reference (1 = exact), e.g. `braking_accuracy`. */
const ACCURACY_SUFFIX = '_accuracy';

/**
 * Scenario accuracy of a run: every `*_accuracy` score its cases report, by reference (the score's name without
 * the suffix), e.g. `{reference: 'braking', accuracy: 0.998}` for a stop against µ·g plus rolling resistance and drag.
 */
export function scenarioAccuracies(
  cases: readonly { readonly scores: Readonly<Record<string, unknown>> }[],
): { reference: string; accuracy: number }[] {
  const out: { reference: string; accuracy: number }[] = [];
  for (const c of cases) {
    for (const [name, value] of Object.entries(c.scores)) {
      if (name.endsWith(ACCURACY_SUFFIX) && typeof value === 'number' && Number.isFinite(value)) {
        out.push({ reference: name.slice(0, -ACCURACY_SUFFIX.length), accuracy: value });
      }
    }
  }
  return out;
}
