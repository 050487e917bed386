import type { Json } from '@doppel/twin';
import { z } from 'zod';
import { AEB_STATES } from './models/behaviour.js';
import { OBJECT_CLASSES } from './models/objects.js';

const num = z.number();

export const detectionStateSchema = z.strictObject({
  track: z.string(),
  object_id: z.string().nullable(),
  sensor: z.string(),
  cls: z.enum([...OBJECT_CLASSES, 'unknown']),
  range_m: num,
  bearing_deg: num,
  range_rate_mps: num,
});
export type DetectionState = z.infer<typeof detectionStateSchema>;

/**
 * A vehicle under test as the ledger records it: pose, motion, actuator commands and outputs, AEB state, current
 * detections, faults. Sampled at `ledger.sample_hz`, rounded (1 cm, 0.01 m/s, 0.1°), plus an immediate record at
 * every discrete change (AEB stage, collision, lane departure, fault, finish).
 */
export const vehicleStateSchema = z.strictObject({
  case: z.string(),
  model_type: z.string(),
  status: z.enum(['driving', 'stopped', 'finished', 'collided']),
  x_m: num,
  y_m: num,
  heading_deg: num,
  speed_mps: num,
  accel_mps2: num,
  lane: z.int(),
  odometer_m: num,
  commands: z.strictObject({ throttle: num, brake: num, steer_deg: num, accel_mps2: num }),
  actuators: z.strictObject({ throttle: num, brake: num, steer_deg: num }),
  aeb: z.enum(AEB_STATES),
  ttc_s: num.nullable(),
  lead: z.string().nullable(),
  energy_kwh: num,
  detections: z.array(detectionStateSchema),
  sensor_faults: z.record(
    z.string(),
    z.strictObject({ dropout: z.boolean(), frozen: z.boolean(), bias_range_m: num, bias_bearing_deg: num }),
  ),
  actuator_faults: z.strictObject({ brake_effectiveness: num, stuck_throttle: num.nullable() }),
});
export type VehicleState = z.infer<typeof vehicleStateSchema>;

export const actorStateSchema = z.strictObject({
  case: z.string(),
  cls: z.enum(OBJECT_CLASSES),
  x_m: num,
  y_m: num,
  heading_deg: num,
  speed_mps: num,
  length_m: num,
  width_m: num,
});
export type ActorState = z.infer<typeof actorStateSchema>;

const point = z.tuple([num, num]);

/** One case of the test: what to draw (roads), its parameters, and its verdict once finished. */
export const caseStateSchema = z.strictObject({
  type: z.string(),
  params: z.record(z.string(), z.custom<Json>()),
  weather: z.string(),
  mu: num,
  roads: z.array(z.strictObject({ id: z.string(), points: z.array(point), lanes: z.int(), lane_width_m: num })),
  stop_lines: z.array(
    z.strictObject({ signal: z.string(), x_m: num, y_m: num, aspect: z.enum(['green', 'amber', 'red']) }),
  ),
  status: z.enum(['running', 'finished']),
  verdict: z.enum(['pending', 'pass', 'fail']),
  scores: z.record(z.string(), z.union([num, z.boolean(), z.string(), z.null()])),
});
export type CaseState = z.infer<typeof caseStateSchema>;
