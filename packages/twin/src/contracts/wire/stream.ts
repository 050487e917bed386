import { z } from 'zod';
import { interventionRecordSchema } from './interventions.js';
import { ledgerEventSchema } from './ledger.js';
import { simulationStatusSchema, telemetryRowSchema } from './simulation.js';

/** What a simulation stream delivers. Ledger events carry `seq`; a client resumes from the last one. */
export const streamMessageSchema = z
  .union([
    z.object({ type: z.literal('hello'), simId: z.string(), headSeq: z.number(), fromSeq: z.number() }),
    z.object({ type: z.literal('events'), events: z.array(ledgerEventSchema).readonly() }),
    z.object({ type: z.literal('kpis'), seq: z.number(), row: telemetryRowSchema }),
    z.object({
      type: z.literal('status'),
      status: simulationStatusSchema,
      simTime: z.number(),
      headSeq: z.number(),
      playing: z.boolean(),
      error: z.string().nullable(),
    }),
    z.object({ type: z.literal('intervention'), record: interventionRecordSchema }),
    z.object({ type: z.literal('rewind'), t: z.number(), seq: z.number() }),
    z.object({ type: z.literal('gap'), fromSeq: z.number(), reason: z.string() }),
    z.object({ type: z.literal('error'), message: z.string() }),
  ])
  .meta({ id: 'StreamMessage' });
export type StreamMessage = z.infer<typeof streamMessageSchema>;
