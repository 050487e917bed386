import { z } from 'zod';
import { idString } from '../limits.js';
import { jsonObjectSchema } from './json.js';

export const interventionOriginSchema = z.enum([
  'api',
  'ui',
  'test',
  'schedule',
  'cli',
  'opcua',
  'live',
  'hil',
  'external',
]);
export type InterventionOriginKind = z.infer<typeof interventionOriginSchema>;

export const interventionStatusSchema = z.enum(['PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED']);
export type InterventionStatus = z.infer<typeof interventionStatusSchema>;

/** The lifecycle view of an applied intervention. */
export const interventionRecordSchema = z
  .object({
    id: z.string(),
    assetId: z.string(),
    kind: z.string(),
    action: z.string(),
    args: jsonObjectSchema,
    origin: interventionOriginSchema,
    effectiveAt: z.number(),
    status: interventionStatusSchema,
    reason: z.string().optional(),
    endsAt: z.number().optional().describe('Sim time at which a duration-limited effect ends or ended'),
    ended: z.boolean().optional(),
    note: z.string().optional(),
  })
  .readonly()
  .meta({ id: 'InterventionRecord' });
export type InterventionRecord = z.infer<typeof interventionRecordSchema>;

/** What a caller of the API asks for (God Mode); the server adds the origin. */
export const interventionInputSchema = z
  .strictObject({
    assetId: idString(),
    action: idString(),
    args: jsonObjectSchema.optional(),
    at: z.number().min(0).optional().describe('Sim seconds; default now'),
  })
  .readonly()
  .meta({ id: 'InterventionInput' });
export type InterventionInput = z.infer<typeof interventionInputSchema>;

export const breakpointSchema = z
  .object({ id: z.string(), expression: z.string() })
  .readonly()
  .meta({ id: 'Breakpoint' });
export type Breakpoint = z.infer<typeof breakpointSchema>;

/** Where a breakpoint paused the simulation. */
export const breakpointHitSchema = z
  .object({ id: z.string(), expression: z.string(), simTime: z.number(), eventsProcessed: z.number() })
  .readonly()
  .meta({ id: 'BreakpointHit' });
export type BreakpointHit = z.infer<typeof breakpointHitSchema>;
