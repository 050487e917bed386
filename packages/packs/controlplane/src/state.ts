import { z } from 'zod';

const count = z.number().int().min(0);

/**
 * One endpoint's weighted record set in the zone, as the resolvers see it. The generation it is written from
 * changes on every plan and lives in the zone's runtime (shown as the endpoint's `applied_generation` KPI; each change
 * batch is a RECORDS_WRITTEN ledger event): the asset's state changes only when the record set empties, answers
 * again or is written from an older plan than it held.
 */
export const endpointStateSchema = z.strictObject({
  name: z.string(),
  /** Its position among the zone's record sets: a RECORDS_WRITTEN batch names what it wrote by these (`ranges`). */
  index: count,
  ttl_s: z.number(),
  /** Values the record set answers with: 0 once the plan it points to is gone. */
  record_count: count,
  /** Writes that lowered the generation it is written from (an older plan over a newer one). */
  regressions: count,
});
export type EndpointState = z.infer<typeof endpointStateSchema>;

export const ENACTOR_STATUSES = ['idle', 'applying', 'stalled', 'cleaning'] as const;

export const enactorStateSchema = z.strictObject({
  version: z.string(),
  zone: z.string().describe('Availability zone it runs in.'),
  status: z.enum(ENACTOR_STATUSES),
  /** Generation being applied (the last one when idle). */
  plan_generation: z.number().int().min(0),
  plans_applied: count,
  endpoints_written: count,
  endpoints_skipped: count,
  retries: count,
  plans_deleted: count,
  stalls: count,
  /** It gave up on a plan because a record could not be written: it makes no progress until repaired. */
  stuck: z.boolean(),
});
export type EnactorState = z.infer<typeof enactorStateSchema>;

/** The planner and its plan table (the DynamoDB table the enactors read plans from). */
export const plannerStateSchema = z.strictObject({
  newest_generation: z.number().int().min(0),
  plans_stored: count,
  plans_deleted: count,
  /** Plans deleted while a record or an in-flight enactor still referenced them. */
  active_deleted: count,
});
export type PlannerState = z.infer<typeof plannerStateSchema>;

export const zoneStateSchema = z.strictObject({
  hosted_zone: z.string(),
  /** The generation the enactors compare against: the last one an enactor finished applying. */
  applied_generation: z.number().int().min(0),
  pending_changes: count,
  insync_changes: count,
  empty_records: count,
  /** Newest minus oldest generation any record set of the region is written from. */
  generation_spread: count,
});
export type ZoneState = z.infer<typeof zoneStateSchema>;

export const resolverStateSchema = z.strictObject({
  ttl_s: z.number(),
  /** Endpoints this resolver answers with an empty record now (its cached copy). */
  empty_answers: count,
});
export type ResolverState = z.infer<typeof resolverStateSchema>;

export const operatorStateSchema = z.strictObject({
  repairs: count,
  endpoints_repaired: count,
});
export type OperatorState = z.infer<typeof operatorStateSchema>;

/** The event-log replay: how many events ran and how many outcomes differed from the expected one. */
export const replayStateSchema = z.strictObject({
  events_replayed: count,
  outcomes_met: count,
  outcomes_missed: count,
});
export type ReplayState = z.infer<typeof replayStateSchema>;
