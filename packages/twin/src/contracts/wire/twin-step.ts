import { z } from 'zod';
import { wireRecord } from './record.js';
import { idString } from '../limits.js';
import { twinScenarioRequestSchema, twinStepVehicleSchema } from './twin-api.js';

// The step protocol (`GET /api/v1/twin/step`, a WebSocket): an external process — a reinforcement-learning trainer,
// CARLA, Gazebo, Unity or a custom physics engine — drives a fleet simulation step by step. One JSON message per
// frame each way; the server answers every `reset` and `step` with one `observation` (or one `error`), in order.

/** Its name and version, sent in the `hello` frame; a peer checks it before it resets. */
export const TWIN_STEP_PROTOCOL = 'doppel-step/1';

/** A command to one vehicle, held until the next one (`{}` gives control back to the built-in driver). */
export const twinStepActionSchema = z
  .strictObject({
    accel_mps2: z
      .number()
      .min(-15)
      .max(10)
      .optional()
      .describe('Wanted acceleration (negative brakes), clamped to the vehicle ACC limits; the AEB still overrides'),
    lane: z.int().min(0).max(7).optional().describe('Lane to be in (0 = rightmost)'),
  })
  .meta({ id: 'TwinStepAction' });
export type TwinStepAction = z.infer<typeof twinStepActionSchema>;

export const twinStepResetSchema = z.strictObject({
  type: z.literal('reset'),
  scenario: twinScenarioRequestSchema.describe(
    'A typed scenario of the library as for POST /api/v1/twin/scenarios, without seed and sweep',
  ),
  seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(1).describe('The episode seed'),
  dt_s: z.number().min(0.01).max(10).default(0.1).describe('Sim seconds per step'),
});

export const twinStepStepSchema = z.strictObject({
  type: z.literal('step'),
  actions: z
    .record(idString(), twinStepActionSchema)
    .refine((actions) => Object.keys(actions).length <= 64, 'at most 64 vehicles')
    .default({})
    .describe('Commands by vehicle id (e.g. ego), applied at the current instant before the step'),
});

/** What a peer sends. */
export const twinStepRequestSchema = z
  .discriminatedUnion('type', [twinStepResetSchema, twinStepStepSchema])
  .meta({ id: 'TwinStepRequest' });
export type TwinStepRequest = z.infer<typeof twinStepRequestSchema>;
/** A request as sent (defaults may be left out). */
export type TwinStepRequestInput = z.input<typeof twinStepRequestSchema>;

export const twinStepObservationSchema = wireRecord('TwinStepObservation', {
  type: z.literal('observation'),
  simulation_id: z.string(),
  seed: z.number(),
  step: z.int().describe('Steps taken in this episode (0 after reset)'),
  t_s: z.number().describe('Sim time, s'),
  dt_s: z.number(),
  vehicles: z.record(z.string(), twinStepVehicleSchema),
  reward: z
    .number()
    .describe('Over the last step: metres driven by the vehicles under test, minus 100 per vehicle that collided'),
  terminated: z.boolean().describe('Every vehicle under test collided or finished its case'),
  truncated: z.boolean().describe("The scenario's duration is reached"),
  ledger: z
    .object({ seq: z.number(), sha256: z.string() })
    .readonly()
    .describe('The ledger head: the same scenario, seed and actions give the same hash'),
});
export type TwinStepObservation = z.infer<typeof twinStepObservationSchema>;

/** What the server sends: a greeting on connection, then one observation or error per request. */
export const twinStepMessageSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('hello'), protocol: z.literal(TWIN_STEP_PROTOCOL) }).readonly(),
    twinStepObservationSchema,
    z
      .object({
        type: z.literal('error'),
        code: z.string(),
        message: z.string(),
        path: z.string().nullable().describe('The request field at fault, e.g. step.actions.ego.accel_mps2'),
      })
      .readonly(),
  ])
  .meta({ id: 'TwinStepMessage' });
export type TwinStepMessage = z.infer<typeof twinStepMessageSchema>;
