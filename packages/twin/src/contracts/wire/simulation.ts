import { z } from 'zod';
import { strictWireRecord, wireRecord } from './record.js';
import { idString, nameString } from '../limits.js';
import { jsonObjectSchema, numberRecordSchema } from './json.js';
import { breakpointHitSchema } from './interventions.js';

/** Debug mode (seed 000 §3) of a simulation, null when off: while `awaitingAck`, the run waits for an ack. */
export const debugStateSchema = wireRecord('DebugState', {
  chunkS: z.number().nullable().describe('Sim seconds per chunk; null when turned off while a pause waits'),
  awaitingAck: z.boolean().describe('Paused after a chunk: POST …/ack continues'),
  pausedAt: z.number().nullable().describe('Sim time of the pause waiting for acknowledgement'),
});
export type DebugState = z.infer<typeof debugStateSchema>;

/** `debug_mode` on a run: true = the default chunk, { chunk: "5m" } another size, false = off. */
export const debugModeInputSchema = z.union([
  z.boolean(),
  z.strictObject({ chunk: z.union([z.string(), z.number().positive()]).optional() }).readonly(),
]);
export type DebugModeInput = z.infer<typeof debugModeInputSchema>;

export const simulationStatusSchema = z.enum(['ready', 'running', 'paused', 'breakpoint', 'finished', 'failed']);
export type SimulationStatus = z.infer<typeof simulationStatusSchema>;

/** A simulation as the API shows it: its catalog row, overlaid with live facts while its worker runs. */
export const simulationSchema = wireRecord('Simulation', {
  id: z.string(),
  name: z.string(),
  pack: z.string(),
  example: z.string().nullable(),
  status: simulationStatusSchema,
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
  breakpoint: breakpointHitSchema
    .nullable()
    .describe('The breakpoint the simulation stopped at, while it stands there'),
  debug: debugStateSchema.nullable().describe('Debug mode (seed 000 §3); null when off'),
  createdAt: z.string(),
  scenarioSha256: z.string(),
});
export type Simulation = z.infer<typeof simulationSchema>;

export const createSimulationInputSchema = strictWireRecord('CreateSimulationInput', {
  name: nameString().optional(),
  example: idString().optional().describe('A stored example id, e.g. city-100'),
  scenario: z.string().min(1).optional().describe('Scenario YAML or JSON text'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
});
export type CreateSimulationInput = z.infer<typeof createSimulationInputSchema>;

export const assetViewSchema = wireRecord('Asset', {
  id: z.string(),
  kind: z.string(),
  state: jsonObjectSchema,
  status: z.string().optional().describe('ok | warning | critical | offline (live head only)'),
  kpis: numberRecordSchema.optional(),
});
export type AssetView = z.infer<typeof assetViewSchema>;

export const stateSnapshotSchema = wireRecord('StateSnapshot', {
  simTime: z.number(),
  assets: z.array(assetViewSchema).readonly(),
});
export type StateSnapshot = z.infer<typeof stateSnapshotSchema>;

export const kpiSnapshotSchema = wireRecord('KpiSnapshot', { simTime: z.number(), values: numberRecordSchema });
export type KpiSnapshot = z.infer<typeof kpiSnapshotSchema>;

/** One telemetry row: sim time, its wall-clock rendering in the scenario's zone, and each KPI by name. */
export const telemetryRowSchema = z
  .object({ time: z.number(), datetime: z.string() })
  .catchall(z.union([z.string(), z.number()]))
  .readonly()
  .meta({ id: 'TelemetryRow' });
export type TelemetryRow = z.infer<typeof telemetryRowSchema>;

/** summary.json of a run. */
export const runSummarySchema = wireRecord('RunSummary', {
  sim_id: z.string(),
  scenario: z.string(),
  pack: z.string(),
  scenario_sha256: z.string(),
  ledger_sha256: z.string().describe('Head hash of the ledger: identifies the run'),
  seed: z.number(),
  status: simulationStatusSchema,
  sim_time_s: z.number(),
  events: z.number().describe('Engine events processed'),
  ledger_events: z.number(),
  interventions: z.number(),
  wall_s: z.number().nullable().describe('Wall-clock seconds, measured by the caller (the core reads no clock)'),
  kpis: numberRecordSchema,
  pack_summary: jsonObjectSchema.nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const problemIssueSchema = wireRecord('ProblemIssue', {
  path: z.string(),
  message: z.string(),
  expected: z.string().optional(),
  found: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  suggestion: z.string().optional(),
});
export type ProblemIssue = z.infer<typeof problemIssueSchema>;

/** application/problem+json (RFC 9457) with a stable DOPPEL_ERR_* code. */
export const problemSchema = wireRecord('Problem', {
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  code: z.string().describe('Stable DOPPEL_ERR_* code'),
  issues: z.array(problemIssueSchema).readonly().optional(),
});
export type Problem = z.infer<typeof problemSchema>;

export const scenarioValidationSchema = wireRecord('ScenarioValidation', {
  valid: z.boolean(),
  issues: z.array(problemIssueSchema).readonly(),
  scenario: z
    .object({ name: z.string(), pack: z.string(), durationS: z.number(), sha256: z.string() })
    .readonly()
    .nullable(),
});
export type ScenarioValidation = z.infer<typeof scenarioValidationSchema>;
