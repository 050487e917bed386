import { z } from 'zod';

/** The Enactor versions the pack ships: the one-time staleness check and age-based clean-up, or the guarded one. */
export const ENACTOR_VERSIONS = ['legacy', 'guarded'] as const;
export type EnactorVersion = (typeof ENACTOR_VERSIONS)[number];

const seconds = (max: number) => z.number().min(0).max(max);

export const controlPlaneConfigSchema = z
  .strictObject({
    endpoints: z
      .strictObject({
        count: z.number().int().min(1).max(100_000).default(10).describe('Endpoints when no `records` input is given.'),
        load_balancers: z.number().int().min(1).max(16).default(3).describe('Weighted load balancers per endpoint.'),
        domain: z.string().min(1).max(200).default('us-east-1.example.com.'),
        ttl_s: z.number().int().min(1).max(86_400).default(60).describe('Record TTL when no capture gives one.'),
      })
      .prefault({})
      .describe('Generated endpoints (a Route 53 capture in `inputs.records` replaces them).'),
    planner: z
      .strictObject({
        period_s: z.number().positive().max(86_400).default(30).describe('Time between plan generations.'),
        jitter_s: seconds(3600).default(3).describe('Uniform ± jitter on each period.'),
        weight_changes: z
          .number()
          .min(0)
          .max(1)
          .default(0.05)
          .describe('Share of load balancers whose weight changes in a generation.'),
      })
      .prefault({}),
    enactor: z
      .strictObject({
        version: z.enum(ENACTOR_VERSIONS).default('legacy').describe('legacy or guarded.'),
        module: z
          .string()
          .min(1)
          .max(1000)
          .optional()
          .describe(
            'A JavaScript module exporting `enactor` (EnactorLogic), relative to the scenario file (on the server: a ' +
              'file of its --enactor-modules directory); replaces version.',
          ),
        module_sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional()
          .describe("The module's content SHA-256, set by the loader so the scenario's identity covers the code."),
        count: z.number().int().min(1).max(16).default(3).describe('Enactors, one per availability zone.'),
        poll_s: z.number().positive().max(3600).default(5).describe('Mean time between looks for a newer plan.'),
        batch_size: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(50)
          .describe('Record sets per Route 53 change batch (one ChangeResourceRecordSets call).'),
        write_latency_s: z.number().positive().max(60).default(0.004).describe('Mean write latency per record set.'),
        failure_probability: z.number().min(0).max(0.5).default(0.01).describe('A change batch fails and is retried.'),
        max_retries: z.number().int().min(0).max(20).default(5),
        backoff_s: z.number().positive().max(600).default(0.2).describe('First retry delay; doubles per retry.'),
        keep_generations: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .default(10)
          .describe('Clean-up deletes plans more than this many generations behind the plan just applied.'),
      })
      .prefault({}),
    zone: z
      .strictObject({
        propagation_s: z.number().positive().max(3600).default(20).describe('Mean PENDING → INSYNC delay.'),
      })
      .prefault({}),
    resolvers: z
      .strictObject({ count: z.number().int().min(0).max(16).default(2).describe('Caching resolvers of the region.') })
      .prefault({}),
    operator: z
      .strictObject({
        stuck_threshold_s: z.number().positive().max(86_400).default(900).describe('Empty or stuck this long: repair.'),
        check_s: z.number().positive().max(3600).default(60).describe('How often the operator looks.'),
        repair_s: seconds(86_400).default(120).describe('Time the repair itself takes.'),
      })
      .prefault({}),
  })
  .describe('The control-plane pack section: planner, enactors, Route 53 zone, resolvers and operator.');
export type ControlPlaneConfig = z.infer<typeof controlPlaneConfigSchema>;

/** A row of a Route 53 capture snapshot (`doppel capture route53`): one record set. */
export const recordRowSchema = z.strictObject({
  name: z.string().min(1).max(255),
  type: z.string().min(1).max(10),
  ttl: z.number().int().min(0).nullable(),
  set_identifier: z.string().max(128).nullable(),
  weight: z.number().int().min(0).max(255).nullable(),
  values: z.array(z.string().max(4000)).max(400),
  alias_target: z
    .strictObject({
      hosted_zone_id: z.string(),
      dns_name: z.string(),
      evaluate_target_health: z.boolean(),
    })
    .nullable(),
});
export type RecordRow = z.infer<typeof recordRowSchema>;

/** A row of a DynamoDB capture snapshot of the plan table (`doppel capture dynamodb`); other attributes are ignored. */
export const planRowSchema = z.object({ generation: z.number().int().min(0) });

/** A line of an event log (JSON Lines). */
export const eventRowSchema = z.strictObject({
  timestamp: z.string().min(1).max(64),
  type: z.string().min(1).max(64),
  payload: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  expected_outcome: z.string().min(1).max(64),
});
export type EventRow = z.infer<typeof eventRowSchema>;
