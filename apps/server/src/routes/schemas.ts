import { idString } from '@doppel/twin';
import { z } from 'zod';

/** JSON values (intervention arguments, asset state). */
export const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
export const jsonObject = z.record(z.string(), jsonValue);

export const simParams = z.strictObject({ simId: idString() });
export const assetParams = z.strictObject({
  simId: idString(),
  kind: idString(),
  assetId: idString(),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    code: z.string().describe('Stable DOPPEL_ERR_* code'),
    issues: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          expected: z.string().optional(),
          found: z.string().optional(),
          line: z.number().optional(),
          column: z.number().optional(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem' });

export const simulationStatus = z.enum(['ready', 'running', 'paused', 'breakpoint', 'finished', 'failed']);

export const simulationView = z
  .object({
    id: z.string(),
    name: z.string(),
    pack: z.string(),
    example: z.string().nullable(),
    status: simulationStatus,
    simTime: z.number().describe('Sim seconds since the scenario start at the live head'),
    durationS: z.number(),
    speed: z.number().nullable().describe('Sim seconds per wall second; null = as fast as possible'),
    playing: z.boolean(),
    startIso: z.string(),
    timezone: z.string(),
    seed: z.number(),
    parentId: z.string().nullable(),
    forkTime: z.number().nullable(),
    headSeq: z.number(),
    headHash: z.string().nullable(),
    error: z.string().nullable(),
    breakpoint: z
      .object({ id: z.string(), expression: z.string(), simTime: z.number(), eventsProcessed: z.number() })
      .nullable(),
    debug: z
      .object({
        chunkS: z.number().nullable().describe('Sim seconds per chunk; null when turned off while a pause waits'),
        awaitingAck: z.boolean().describe('Paused after a chunk: POST …/ack continues'),
        pausedAt: z.number().nullable().describe('Sim time of the pause waiting for acknowledgement'),
      })
      .nullable()
      .describe('Debug mode (seed 000 §3); null when off'),
    createdAt: z.string(),
    scenarioSha256: z.string(),
  })
  .meta({ id: 'Simulation' });

export const interventionRecord = z
  .object({
    id: z.string(),
    assetId: z.string(),
    kind: z.string(),
    action: z.string(),
    args: jsonObject,
    origin: z.string(),
    effectiveAt: z.number(),
    status: z.enum(['PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED']),
    reason: z.string().optional(),
    endsAt: z.number().optional(),
    ended: z.boolean().optional(),
    note: z.string().optional(),
  })
  .meta({ id: 'InterventionRecord' });

export const ledgerEvent = z
  .object({
    seq: z.number(),
    simTime: z.number(),
    simId: z.string().describe('The simulation the event belongs to (seed 000 simulation_events.sim_id)'),
    assetId: z.string(),
    eventType: z.string(),
    oldValue: jsonObject.nullable(),
    newValue: jsonObject.nullable(),
    meta: jsonObject.nullable(),
    origin: z.string(),
  })
  .meta({ id: 'LedgerEvent' });

export const assetView = z
  .object({
    id: z.string(),
    kind: z.string(),
    state: jsonObject,
    status: z.string().optional().describe('ok | warning | critical | offline'),
    kpis: z.record(z.string(), z.number()).optional(),
  })
  .meta({ id: 'Asset' });

export const interventionInput = z.strictObject({
  assetId: idString(),
  action: idString(),
  args: jsonObject.optional(),
  at: z.number().min(0).optional().describe('Sim seconds; default now'),
});

/** Numbers in query strings arrive as text. */
export const queryNumber = z.coerce.number().refine(Number.isFinite, 'must be a finite number');
