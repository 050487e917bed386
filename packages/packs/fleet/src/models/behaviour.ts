import { z } from 'zod';

/** The driving functions of an automated vehicle and their tuning. */
export const behaviourSchema = z.strictObject({
  cruise_speed_kmh: z.number().min(0).max(200).default(50).describe('Set speed (capped by limits and the lead).'),
  acc: z
    .strictObject({
      enabled: z.boolean().default(true),
      time_gap_s: z.number().positive().max(5).default(1.8).describe('Desired time gap to the lead vehicle.'),
      min_gap_m: z.number().min(0).default(5).describe('Standstill gap.'),
      max_accel_mps2: z.number().positive().max(5).default(2).describe('ISO 15622: ≤ 2 m/s².'),
      max_decel_mps2: z
        .number()
        .positive()
        .max(10)
        .default(3.5)
        .describe('Comfort deceleration of ACC and speed control.'),
    })
    .prefault({})
    .describe('Adaptive cruise: constant time-gap following.'),
  aeb: z
    .strictObject({
      enabled: z.boolean().default(true),
      warning_ttc_s: z.number().positive().default(2.8).describe('Time-to-collision of the forward collision warning.'),
      partial_ttc_s: z.number().positive().default(2.1).describe('TTC of partial braking.'),
      full_ttc_s: z.number().positive().default(1.5).describe('TTC of full braking.'),
      partial_decel_mps2: z.number().positive().default(4).describe('Deceleration of the partial stage.'),
    })
    .prefault({})
    .describe('Autonomous emergency braking: warning, then partial, then full braking (latched to standstill).'),
  lane_keeping: z
    .strictObject({
      enabled: z.boolean().default(true),
      lookahead_s: z.number().positive().default(0.9).describe('Pure-pursuit lookahead as time at the current speed.'),
      lookahead_min_m: z.number().positive().default(4),
    })
    .prefault({}),
  lane_change: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Change lanes around closures and stationary obstacles.'),
      lateral_speed_mps: z.number().positive().default(1.2),
      trigger_time_s: z.number().positive().default(4).describe('Start a lane change this long before a blockage.'),
    })
    .prefault({}),
  obey_signals: z.boolean().default(true).describe('Stop at red (and amber when it can stop comfortably).'),
  weather_adaptation: z.boolean().default(true).describe('Lower the speed and widen the gap on low-friction roads.'),
  stop_at_end: z.boolean().default(true).describe('Stop at the end of the route.'),
});
export type BehaviourConfig = z.infer<typeof behaviourSchema>;

export const AEB_STATES = ['off', 'standby', 'warning', 'partial', 'full'] as const;
export type AebState = (typeof AEB_STATES)[number];
