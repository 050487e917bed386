import { z } from 'zod';
import { simulationStatusSchema } from './simulation.js';

export const scopeSchema = z.enum(['read', 'write', 'admin']);
export type Scope = z.infer<typeof scopeSchema>;

export const accountInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(scopeSchema).readonly(),
    createdAt: z.string(),
    limits: z.record(z.string(), z.number()),
  })
  .readonly()
  .meta({ id: 'Account' });
export type AccountInfo = z.infer<typeof accountInfoSchema>;

export const createdAccountSchema = z
  .object({
    account: z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).readonly(),
    key: z.string().describe('Shown once'),
    scopes: z.array(scopeSchema).readonly(),
  })
  .readonly()
  .meta({ id: 'CreatedAccount' });
export type CreatedAccount = z.infer<typeof createdAccountSchema>;

export const webhookDeliveryStatusSchema = z.enum(['pending', 'delivered', 'retrying', 'failed']);

const webhookFields = {
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()).readonly(),
  simulationId: z.string().nullable(),
  createdAt: z.string(),
  deliveries: z
    .record(webhookDeliveryStatusSchema, z.number())
    .readonly()
    .describe('Deliveries in each state; failed ones wait for a redelivery'),
};
export const webhookSchema = z.object(webhookFields).readonly().meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof webhookSchema>;

export const createdWebhookSchema = z
  .object({ ...webhookFields, secret: z.string().describe('whsec_..., shown once: verify deliveries with it') })
  .readonly()
  .meta({ id: 'CreatedWebhook' });
export type CreatedWebhook = z.infer<typeof createdWebhookSchema>;

export const webhookDeliverySchema = z
  .object({
    id: z
      .string()
      .describe('The webhook-id of every attempt: msg_<simulation>_<webhook>_<from>-<to> for a range of ledger seqs'),
    simulationId: z.string().nullable(),
    status: webhookDeliveryStatusSchema,
    attempts: z.number(),
    eventCount: z.number(),
    lastStatusCode: z.number().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable().describe('When the next attempt is due, while pending or retrying'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .readonly()
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const healthSchema = z
  .object({ status: z.literal('ok'), version: z.string(), packs: z.array(z.string()).readonly(), uptimeS: z.number() })
  .readonly()
  .meta({ id: 'Health' });
export type Health = z.infer<typeof healthSchema>;

export const twinVehicleSchema = z
  .object({
    id: z.string(),
    physical_vehicle_id: z.string(),
    model_type: z.string(),
    simulation_id: z.string().nullable().describe('The simulation of its latest scenario (null before the first)'),
    created_at: z.string(),
  })
  .readonly()
  .meta({ id: 'TwinVehicle' });
export type TwinVehicle = z.infer<typeof twinVehicleSchema>;

export const twinDetectionSchema = z
  .object({
    track: z.string(),
    object_id: z.string().nullable(),
    sensor: z.string(),
    cls: z.string(),
    range_m: z.number(),
    bearing_deg: z.number(),
    range_rate_mps: z.number(),
  })
  .readonly()
  .meta({ id: 'TwinDetection' });
export type TwinDetection = z.infer<typeof twinDetectionSchema>;

/** A virtual vehicle's state in its latest scenario (idle at the origin before the first). */
export const twinVehicleStateSchema = z
  .object({
    vehicle: twinVehicleSchema,
    simulation_id: z.string().nullable(),
    sim_time_s: z.number().nullable(),
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
  })
  .readonly()
  .meta({ id: 'TwinVehicleState' });
export type TwinVehicleState = z.infer<typeof twinVehicleStateSchema>;

export const twinScenarioCreatedSchema = z
  .object({
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
  })
  .readonly()
  .meta({ id: 'TwinScenarioCreated' });
export type TwinScenarioCreated = z.infer<typeof twinScenarioCreatedSchema>;

const scoreValue = z.union([z.number(), z.boolean(), z.string(), z.null()]);

export const twinCriterionSchema = z
  .object({
    name: z.string(),
    score: z.string(),
    op: z.enum(['<=', '>=', '==']),
    limit: z.union([z.number(), z.boolean()]),
    unit: z.string(),
    value: scoreValue,
    passed: z.boolean(),
  })
  .readonly()
  .meta({ id: 'TwinCriterion' });
export type TwinCriterion = z.infer<typeof twinCriterionSchema>;

export const twinCaseResultSchema = z
  .object({
    case: z.string(),
    params: z.record(z.string(), z.unknown()),
    verdict: z.enum(['pass', 'fail']),
    criteria: z.array(twinCriterionSchema).readonly(),
    scores: z.record(z.string(), scoreValue),
  })
  .readonly()
  .meta({ id: 'TwinCaseResult' });
export type TwinCaseResult = z.infer<typeof twinCaseResultSchema>;

/** Results of a fleet simulation: the verdict (null until it has run), criteria with values and limits, scores. */
export const twinResultsSchema = z
  .object({
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
  })
  .readonly()
  .meta({ id: 'TwinResults' });
export type TwinResults = z.infer<typeof twinResultsSchema>;
