import { z } from 'zod';
import { strictWireRecord, wireRecord } from './record.js';

/**
 * Experiments run on a server (`/api/v1/experiments`): the experiment file's text as `doppel experiment run` reads
 * it, the run's progress, and its results: every output at every design point with its confidence interval, and
 * each point against the first, paired on common random numbers.
 */

/** Largest experiment text accepted, in characters (the same bound as an experiment file). */
export const MAX_EXPERIMENT_TEXT = 1_000_000;

export const experimentInputSchema = strictWireRecord('NewExperiment', {
  yaml: z
    .string()
    .min(1)
    .max(MAX_EXPERIMENT_TEXT)
    .describe(
      'The experiment as YAML (or JSON) text, as doppel experiment run reads it. A `base.scenario` file is relative to the server\'s examples/experiments folder (e.g. "../swap/evening-peak-b.yaml") and must stay among the examples; or give a reference `base.model`.',
    ),
});
export type ExperimentInput = z.infer<typeof experimentInputSchema>;

export const experimentStatusSchema = z
  .enum(['queued', 'running', 'succeeded', 'failed', 'cancelled'])
  .describe('failed: a replication could not run (its message in error); cancelled: stopped on request');
export type ExperimentStatus = z.infer<typeof experimentStatusSchema>;

const factorValueSchema = z.union([z.number(), z.string(), z.boolean()]);

const designPointSchema = z
  .object({
    index: z.number().int().describe('0 is the baseline every other point is paired with'),
    settings: z.record(z.string(), factorValueSchema).describe('The value of each factor, by field path'),
    label: z.string(),
  })
  .readonly();

const intervalFields = {
  output: z.string(),
  mean: z.number(),
  ciLow: z.number().nullable().describe('Two-sided t-interval at the experiment confidence; null below 2 samples'),
  ciHigh: z.number().nullable(),
  halfWidth: z.number().nullable(),
  stdDev: z.number().nullable(),
  n: z.number().int(),
};

export const experimentEstimateSchema = wireRecord('ExperimentEstimate', {
  pointIndex: z.number().int(),
  ...intervalFields,
});
export type ExperimentEstimate = z.infer<typeof experimentEstimateSchema>;

export const experimentDeltaSchema = z
  .object({
    pointIndex: z.number().int(),
    ...intervalFields,
    varianceReduction: z
      .number()
      .nullable()
      .describe('Variance of the difference of independent runs over that of the paired ones (above 1: CRN helped)'),
  })
  .readonly()
  .describe('The point minus the baseline, over paired replications (common random numbers)')
  .meta({ id: 'ExperimentDelta' });
export type ExperimentDelta = z.infer<typeof experimentDeltaSchema>;

export const experimentResultsSchema = wireRecord('ExperimentResults', {
  replicationsPerPoint: z.number().int(),
  cacheHits: z.number().int(),
  points: z.array(designPointSchema).readonly(),
  estimates: z.array(experimentEstimateSchema).readonly(),
  deltas: z.array(experimentDeltaSchema).readonly(),
});
export type ExperimentResults = z.infer<typeof experimentResultsSchema>;

const experimentFields = {
  id: z.string(),
  name: z.string(),
  status: experimentStatusSchema,
  progress: z
    .object({ done: z.number().int(), total: z.number().int(), cached: z.number().int() })
    .readonly()
    .describe('Replications finished of those known so far (a half-width stopping rule adds rounds)'),
  error: z.string().nullable(),
  factors: z.array(z.string()).readonly().describe('Field paths the design varies'),
  outputs: z.array(z.string()).readonly(),
  confidence: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
};

/** An experiment without its text and results (lists). */
export const experimentSummarySchema = wireRecord('ExperimentSummary', experimentFields);
export type ExperimentSummary = z.infer<typeof experimentSummarySchema>;

export const experimentSchema = wireRecord('Experiment', {
  ...experimentFields,
  yaml: z.string(),
  results: experimentResultsSchema.nullable().describe('null until the experiment succeeded'),
});
export type Experiment = z.infer<typeof experimentSchema>;
