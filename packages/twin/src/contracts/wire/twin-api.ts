import { z } from 'zod';
import { strictWireRecord, wireRecord } from './record.js';
import { idString, nameString } from '../limits.js';
import { simulationStatusSchema } from './simulation.js';

// The Twin API (`/api/v1/twin/...`): virtual vehicles, typed scenarios of the fleet pack's library and their
// results. Its shapes are wire format like every other, so they live here, where the server, the client and the web
// UI find them; the fleet pack gives them meaning (and its vocabulary below is the pack's too: it imports it).

/** Vehicle model types a virtual vehicle can have. */
export const TWIN_MODEL_TYPES = ['sedan', 'van', 'truck', 'bus'] as const;
/** Weathers a scenario can be driven in (friction and visibility). */
export const TWIN_WEATHERS = ['dry', 'wet', 'snow', 'ice', 'fog', 'night'] as const;

export const twinVehicleRequestSchema = z
  .strictObject({
    physical_vehicle_id: idString().describe('Id of the physical vehicle this twin mirrors, e.g. AV-001.'),
    model_type: z.enum(TWIN_MODEL_TYPES).describe('sedan, van, truck or bus.'),
  })
  .meta({ id: 'TwinVehicleRequest' });
export type TwinVehicleRequest = z.infer<typeof twinVehicleRequestSchema>;

/** Fields of a scenario request that are not parameters of the scenario type. */
export const TWIN_REQUEST_FIELDS = ['type', 'vehicle_id', 'seed', 'name', 'weather', 'sweep', 'policy_module'] as const;

/** A typed scenario: a type of the fleet pack's library, and the type's parameters as the other fields. */
export const twinScenarioRequestSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(200)
      .describe('A scenario type of the library, e.g. emergency_braking (GET /api/v1/packs lists them).'),
    vehicle_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The virtual vehicle under test (its model type is used).'),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    name: z.string().min(1).max(200).optional(),
    weather: z.enum(TWIN_WEATHERS).optional().describe('dry, wet, snow, ice, fog or night (default dry).'),
    policy_module: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe(
        "A driving-policy module of the server's policy modules directory (doppel serve --policy-modules DIR) that drives the vehicle in place of speed control and ACC.",
      ),
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
  .describe('Any other field is a parameter of the type, e.g. initial_speed (km/h).')
  .meta({ id: 'TwinScenarioRequest' });
export type TwinScenarioRequest = z.infer<typeof twinScenarioRequestSchema>;

export const twinVehicleSchema = wireRecord('TwinVehicle', {
  id: z.string(),
  physical_vehicle_id: z.string(),
  model_type: z.string(),
  simulation_id: z.string().nullable().describe('The simulation of its latest scenario (null before the first)'),
  created_at: z.string(),
});
export type TwinVehicle = z.infer<typeof twinVehicleSchema>;

export const twinDetectionSchema = wireRecord('TwinDetection', {
  track: z.string(),
  object_id: z.string().nullable(),
  sensor: z.string(),
  cls: z.string(),
  range_m: z.number(),
  bearing_deg: z.number(),
  range_rate_mps: z.number(),
});
export type TwinDetection = z.infer<typeof twinDetectionSchema>;

/** The fields of a vehicle's state in a scenario (shared by its state view and the step protocol's observation). */
const vehicleStateViewShape = {
  status: z.enum(['idle', 'driving', 'stopped', 'finished', 'collided']),
  position: z.object({ x_m: z.number(), y_m: z.number() }).readonly(),
  heading_deg: z.number(),
  speed_mps: z.number(),
  speed_kmh: z.number(),
  acceleration_mps2: z.number(),
  actuator_commands: z
    .object({ throttle: z.number(), brake: z.number(), steer_deg: z.number(), accel_mps2: z.number() })
    .readonly(),
  actuators: z.object({ throttle: z.number(), brake: z.number(), steer_deg: z.number() }).readonly(),
  aeb: z.string(),
  ttc_s: z.number().nullable(),
  detections: z.array(twinDetectionSchema).readonly(),
  sensor_faults: z.record(
    z.string(),
    z
      .object({ dropout: z.boolean(), frozen: z.boolean(), bias_range_m: z.number(), bias_bearing_deg: z.number() })
      .readonly(),
  ),
  actuator_faults: z.object({ brake_effectiveness: z.number(), stuck_throttle: z.number().nullable() }).readonly(),
};

/** A vehicle's state in a scenario, in the seed's terms (position, speed, commands, detections...). */
export type TwinVehicleStateView = Readonly<z.infer<z.ZodObject<typeof vehicleStateViewShape>>>;

/** A virtual vehicle's state in its latest scenario (idle at the origin before the first). */
export const twinVehicleStateSchema = wireRecord('TwinVehicleState', {
  vehicle: twinVehicleSchema,
  simulation_id: z.string().nullable(),
  sim_time_s: z.number().nullable(),
  ...vehicleStateViewShape,
});
export type TwinVehicleState = z.infer<typeof twinVehicleStateSchema>;

export const twinScenarioCreatedSchema = wireRecord('TwinScenarioCreated', {
  simulation_id: z.string(),
  scenario: z
    .object({
      type: z.string(),
      vehicle_id: z.string().nullable(),
      model_type: z.string(),
      weather: z.string(),
      params: z.record(z.string(), z.unknown()),
      duration_s: z.number(),
      seed: z.number(),
    })
    .readonly(),
  status: z.string(),
});
export type TwinScenarioCreated = z.infer<typeof twinScenarioCreatedSchema>;

const scoreValue = z.union([z.number(), z.boolean(), z.string(), z.null()]);

export const twinCriterionSchema = wireRecord('TwinCriterion', {
  name: z.string(),
  score: z.string(),
  op: z.enum(['<=', '>=', '==']),
  limit: z.union([z.number(), z.boolean()]),
  unit: z.string(),
  value: scoreValue,
  passed: z.boolean(),
});
export type TwinCriterion = z.infer<typeof twinCriterionSchema>;

export const twinCaseResultSchema = wireRecord('TwinCaseResult', {
  case: z.string(),
  params: z.record(z.string(), z.unknown()),
  verdict: z.enum(['pass', 'fail']),
  criteria: z.array(twinCriterionSchema).readonly(),
  scores: z.record(z.string(), scoreValue),
});
export type TwinCaseResult = z.infer<typeof twinCaseResultSchema>;

/** Results of a fleet simulation: the verdict (null until it has run), criteria with values and limits, scores. */
export const twinResultsSchema = wireRecord('TwinResults', {
  simulation_id: z.string(),
  status: simulationStatusSchema,
  scenario_type: z.string().nullable(),
  category: z.string().nullable(),
  verdict: z.enum(['pass', 'fail']).nullable(),
  criteria: z.array(twinCriterionSchema).readonly(),
  scores: z.record(z.string(), scoreValue),
  cases: z.array(twinCaseResultSchema).readonly(),
  sim_time_s: z.number(),
  ledger_sha256: z.string(),
  scenario_sha256: z.string(),
  seed: z.number(),
});
export type TwinResults = z.infer<typeof twinResultsSchema>;

const finite = (min: number, max: number) => z.number().min(min).max(max);

/**
 * One telemetry sample of a physical vehicle (every 100 ms), over `PUT /api/v1/twin/vehicles/{id}/telemetry` or MQTT
 * `<root>/fleet/telemetry/<vehicle id>` (`{"ts": …, "state": {…the other fields…}}`).
 */
export const twinTelemetrySchema = z
  .strictObject({
    ts: z.int().min(1).max(Number.MAX_SAFE_INTEGER).describe('When the vehicle measured it: ms since the epoch'),
    x_m: finite(-1e7, 1e7),
    y_m: finite(-1e7, 1e7),
    heading_deg: finite(-360, 360),
    speed_mps: finite(0, 150),
    accel_mps2: finite(-30, 30).default(0),
  })
  .meta({ id: 'TwinTelemetry' });
export type TwinTelemetry = z.infer<typeof twinTelemetrySchema>;
/** A sample as sent (`accel_mps2` may be left out). */
export type TwinTelemetryInput = z.input<typeof twinTelemetrySchema>;

/** A physical vehicle as the twin mirrors it: its last measurement, how fresh it is, and what the twin predicts. */
export const twinLiveVehicleSchema = wireRecord('TwinLiveVehicle', {
  vehicle_id: z.string(),
  origin: z.literal('live'),
  status: z.enum(['live', 'stale']).describe('stale: no telemetry for longer than stale_after_ms'),
  ts: z.number().describe("The last measurement's timestamp (ms since the epoch)"),
  age_ms: z.number().describe('Now minus that timestamp'),
  stale_after_ms: z.number(),
  sync_latency_ms: z.number().describe('That measurement: sent (its ts) to mirrored'),
  measured: z.object({
    x_m: z.number(),
    y_m: z.number(),
    heading_deg: z.number(),
    speed_mps: z.number(),
    accel_mps2: z.number(),
  }),
  predicted: z
    .object({ horizon_s: z.number(), x_m: z.number(), y_m: z.number(), speed_mps: z.number() })
    .describe('Where the twin expects the vehicle horizon_s after the last measurement'),
  drift_m: z
    .number()
    .nullable()
    .describe("Distance between the twin's prediction for the last measurement's instant and that measurement"),
  accepted: z.number(),
  refused: z.number().describe('Messages of this vehicle refused: out of order or malformed'),
});
export type TwinLiveVehicle = z.infer<typeof twinLiveVehicleSchema>;

/**
 * The live mirror's link to its MQTT broker: `off` (the server runs without `--mqtt-url`: telemetry over HTTP only),
 * `connecting`, `connected`, `reconnecting` (lost; the server retries every second) or `unreachable` (no broker
 * answered when the server started).
 */
export const TWIN_LIVE_LINK_STATES = ['off', 'connecting', 'connected', 'reconnecting', 'unreachable'] as const;
export type TwinLiveLinkState = (typeof TWIN_LIVE_LINK_STATES)[number];

export const twinLiveLinkSchema = wireRecord('TwinLiveLink', {
  mqtt: z.enum(TWIN_LIVE_LINK_STATES),
  broker: z.string().nullable().describe('The broker as scheme://host:port (never its credentials); null when off'),
  since: z.string().nullable().describe('When the link entered this state (ISO 8601); null when off'),
});
export type TwinLiveLink = z.infer<typeof twinLiveLinkSchema>;

export const twinLiveFleetSchema = wireRecord('TwinLiveFleet', {
  vehicles: z.array(twinLiveVehicleSchema),
  link: twinLiveLinkSchema,
});
export type TwinLiveFleet = z.infer<typeof twinLiveFleetSchema>;

/** A vehicle as the step protocol observes it: its state view, the lane it is in and its odometer. */
export const twinStepVehicleSchema = wireRecord('TwinStepVehicle', {
  ...vehicleStateViewShape,
  lane: z.number(),
  odometer_m: z.number(),
});
export type TwinStepVehicle = z.infer<typeof twinStepVehicleSchema>;

/** Most vehicles one what-if fork of the live fleet copies (each is a full vehicle model with its sensors). */
export const MAX_FORK_VEHICLES = 256;
/** Longest a fork runs, s. */
export const MAX_FORK_DURATION_S = 600;

/** A what-if simulation forked from the live mirror (`POST /api/v1/twin/live/fork`). */
export const twinLiveForkRequestSchema = strictWireRecord('TwinLiveForkRequest', {
  vehicle_ids: z
    .array(idString())
    .min(1)
    .max(MAX_FORK_VEHICLES)
    .optional()
    .describe("The mirrored vehicles to copy (default: every one of the account's that has sent telemetry)."),
  duration_s: z.number().min(1).max(MAX_FORK_DURATION_S).optional().describe('How long the fork runs, s (default 30).'),
  weather: z.enum(TWIN_WEATHERS).optional().describe('dry, wet, snow, ice, fog or night (default dry).'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  name: nameString().optional(),
});
export type TwinLiveForkRequest = z.infer<typeof twinLiveForkRequestSchema>;

/** One vehicle of a fork: the measurement it starts from (its asset in the fork has the vehicle's id). */
export const twinForkedVehicleSchema = wireRecord('TwinForkedVehicle', {
  vehicle_id: z.string(),
  model_type: z.string(),
  status: z.enum(['live', 'stale']).describe('How fresh the measurement was when forked'),
  ts: z.number().describe("The measurement's timestamp (ms since the epoch)"),
  age_ms: z.number().describe('Its age when forked'),
  x_m: z.number(),
  y_m: z.number(),
  heading_deg: z.number(),
  speed_mps: z.number(),
});
export type TwinForkedVehicle = z.infer<typeof twinForkedVehicleSchema>;

export const twinLiveForkSchema = wireRecord('TwinLiveFork', {
  simulation_id: z.string(),
  status: z.string(),
  forked_at: z.string().describe('When the fork was taken (ISO 8601)'),
  scenario: z
    .object({ type: z.literal('live_fork'), weather: z.string(), duration_s: z.number(), seed: z.number() })
    .readonly(),
  vehicles: z.array(twinForkedVehicleSchema).readonly(),
});
export type TwinLiveFork = z.infer<typeof twinLiveForkSchema>;
