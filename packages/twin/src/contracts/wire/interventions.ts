import { z } from 'zod';
import { strictWireRecord, wireRecord } from './record.js';
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
export const interventionRecordSchema = wireRecord('InterventionRecord', {
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
});
export type InterventionRecord = z.infer<typeof interventionRecordSchema>;

/** What a caller of the API asks for (God Mode); the server adds the origin. */
export const interventionInputSchema = strictWireRecord('InterventionInput', {
  assetId: idString(),
  action: idString(),
  args: jsonObjectSchema.optional(),
  at: z.number().min(0).optional().describe('Sim seconds; default now'),
});
export type InterventionInput = z.infer<typeof interventionInputSchema>;

export const breakpointSchema = wireRecord('Breakpoint', { id: z.string(), expression: z.string() });
export type Breakpoint = z.infer<typeof breakpointSchema>;

/** Where a breakpoint paused the simulation. */
export const breakpointHitSchema = wireRecord('BreakpointHit', {
  id: z.string(),
  expression: z.string(),
  simTime: z.number(),
  eventsProcessed: z.number(),
});
export type BreakpointHit = z.infer<typeof breakpointHitSchema>;
