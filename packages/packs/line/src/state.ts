import { z } from 'zod';

export const MACHINE_STATES = ['STARVED', 'EXECUTE', 'DOWN', 'JAMMED', 'BLOCKED'] as const;
export type MachineStateName = (typeof MACHINE_STATES)[number];

const seconds = z.number().min(0);

export const timeInStateSchema = z.strictObject({
  STARVED: seconds,
  EXECUTE: seconds,
  DOWN: seconds,
  JAMMED: seconds,
  BLOCKED: seconds,
});
export type TimeInState = z.infer<typeof timeInStateSchema>;

export const machineCountsSchema = z.strictObject({
  in: z.int().min(0),
  out: z.int().min(0),
  defects_created: z.int().min(0),
  defects_detected: z.int().min(0),
  rejects: z.int().min(0),
});
export type MachineCounts = z.infer<typeof machineCountsSchema>;

/**
 * A machine's ledger state. `time_in_state` and `counts` are written with every state change (the live values,
 * between changes, are in the asset KPIs), so a fold of the ledger gives them as of the last change.
 */
export const machineStateSchema = z.strictObject({
  state: z.enum(MACHINE_STATES),
  since: seconds,
  time_in_state: timeInStateSchema,
  counts: machineCountsSchema,
  speed_factor: z.number().positive(),
  defect_rate: z.number().min(0).max(1),
  sku: z.string(),
});
export type MachineState = z.infer<typeof machineStateSchema>;

export const bufferStateSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  capacity: z.int().min(1),
  level: z.int().min(0),
  full: z.boolean(),
  blocked: z.boolean(),
  drained: z.boolean(),
});
export type BufferState = z.infer<typeof bufferStateSchema>;

export const lineStateSchema = z.strictObject({
  sku: z.string(),
  sku_description: z.string(),
  topology: z.string(),
  stations: z.array(z.string()),
  /** The graph for displays: every edge, with its buffer id (null for _source, _sink and _reject edges). */
  edges: z.array(
    z.strictObject({
      from: z.string(),
      to: z.string(),
      buffer: z.string().nullable(),
      condition: z.string().nullable(),
    }),
  ),
});
export type LineState = z.infer<typeof lineStateSchema>;
