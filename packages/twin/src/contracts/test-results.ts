import { z } from 'zod';

/**
 * Wire shapes of scenario test results: what `doppel test --json` writes, what the server stores and serves
 * (`/api/v1/test-results/{id}`) and what the web Tests view reads. Browser-safe (zod only).
 */

const jsonValue: z.ZodType<unknown> = z.unknown();

export const ruleCategorySchema = z.enum(['consistency', 'performance', 'safety']);
export type RuleCategory = z.infer<typeof ruleCategorySchema>;

export const stepKindSchema = z.enum([
  'set',
  'intervene',
  'advance',
  'wait_until',
  'assert',
  'expect_event',
  'expect_no_event',
  'snapshot',
]);
export type StepKind = z.infer<typeof stepKindSchema>;

export const outcomeSchema = z.enum(['passed', 'failed', 'skipped']);
export type Outcome = z.infer<typeof outcomeSchema>;

/** A ledger record as reports show it (the slice of the ledger that led to a violation). */
export const ledgerExcerptRecordSchema = z.object({
  seq: z.number().int(),
  simTime: z.number(),
  assetId: z.string(),
  eventType: z.string(),
  newValue: jsonValue,
  meta: jsonValue,
  origin: z.string(),
});
export type LedgerExcerptRecord = z.infer<typeof ledgerExcerptRecordSchema>;

export const stepResultSchema = z.object({
  index: z.number().int(),
  kind: stepKindSchema,
  /** One line: what the step does (`advance to 17:55`, `assert kpi.wait_p95_s < 900`). */
  label: z.string(),
  status: outcomeSchema,
  /** Sim time when the step started and ended (seconds since the scenario start). */
  startS: z.number(),
  endS: z.number(),
  message: z.string().optional(),
  /** What the step read or recorded (values of an assertion's inputs, a snapshot's KPIs, the matching event). */
  details: z.record(z.string(), jsonValue).optional(),
});
export type StepResult = z.infer<typeof stepResultSchema>;

export const violationSchema = z.object({
  ruleId: z.string(),
  seq: z.number().int(),
  simTime: z.number(),
  /** ISO datetime in UTC of `simTime`. */
  datetime: z.string(),
  assetId: z.string(),
  eventType: z.string(),
  message: z.string(),
  /** The values the rule's condition read when it failed (`self.queue_length`: 23). */
  inputs: z.record(z.string(), jsonValue),
  /** The records before the violation, the violating one last. */
  ledger: z.array(ledgerExcerptRecordSchema),
});
export type Violation = z.infer<typeof violationSchema>;

export const ruleResultSchema = z.object({
  id: z.string(),
  category: ruleCategorySchema,
  condition: z.string(),
  status: outcomeSchema,
  /** How many times the condition was evaluated. */
  checks: z.number().int(),
  violations: z.number().int(),
  first: violationSchema.nullable(),
  /**
   * The violations kept, earliest first, each with its own ledger records (`first` is the first of them): every one
   * up to a bound per rule (a rule broken on every endpoint of a region at once would otherwise fill the result with
   * the same records); `violations` counts them all. Absent in results stored before it existed.
   */
  kept: z.array(violationSchema).optional(),
});
export type RuleResult = z.infer<typeof ruleResultSchema>;

export const kpiSeriesSchema = z.object({
  name: z.string(),
  /** [sim seconds, value] pairs. */
  points: z.array(z.tuple([z.number(), z.number()])),
});
export type KpiSeries = z.infer<typeof kpiSeriesSchema>;

export const replicationResultSchema = z.object({
  index: z.number().int(),
  seed: z.number().int(),
  variant: z.string().nullable(),
  status: outcomeSchema,
  steps: z.array(stepResultSchema),
  rules: z.array(ruleResultSchema),
  /** Values of the test's `statistics` and `baseline` expressions at the end of the replication. */
  values: z.record(z.string(), z.number()),
  endS: z.number(),
  ledgerSha256: z.string(),
  /** The simulation failed (the model threw): its message. */
  error: z.string().optional(),
});
export type ReplicationResult = z.infer<typeof replicationResultSchema>;

export const statisticResultSchema = z.object({
  name: z.string(),
  measure: z.enum(['mean', 'quantile', 'proportion', 'difference']),
  value: z.number(),
  /** Interval at `confidence`; a bound is null when the data cannot give it (too few replications). */
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  confidence: z.number(),
  n: z.number().int(),
  below: z.number().optional(),
  above: z.number().optional(),
  status: outcomeSchema,
  message: z.string(),
});
export type StatisticResult = z.infer<typeof statisticResultSchema>;

export const baselineResultSchema = z.object({
  name: z.string(),
  better: z.enum(['lower', 'higher']),
  baseline: z.number(),
  actual: z.number(),
  /** Relative change, positive = worse. */
  worseBy: z.number(),
  tolerance: z.number(),
  status: outcomeSchema,
});
export type BaselineResult = z.infer<typeof baselineResultSchema>;

/** Why a test failed, first cause first: a step, a rule, a statistic or a baseline comparison. */
export const failureSchema = z.object({
  kind: z.enum(['step', 'rule', 'statistic', 'baseline', 'error']),
  /** The failing step (`steps[3] assert`), rule id, statistic or KPI name. */
  ref: z.string(),
  message: z.string(),
});
export type TestFailure = z.infer<typeof failureSchema>;

export const testResultSchema = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    file: z.string(),
    pack: z.string(),
    scenario: z.string(),
    /** Scenario start (ISO) and time zone, to show sim times as times of day. */
    start: z.string(),
    timezone: z.string(),
    status: z.enum(['passed', 'failed']),
    wallS: z.number(),
    replications: z.array(replicationResultSchema),
    statistics: z.array(statisticResultSchema),
    baseline: z.array(baselineResultSchema),
    failures: z.array(failureSchema),
    /** The KPIs the test asserts on, over time (first replication, from its telemetry). */
    series: z.array(kpiSeriesSchema),
  })
  .meta({ id: 'TestResult' });
export type TestResult = z.infer<typeof testResultSchema>;

export const testReportSchema = z.object({
  verdict: z.enum(['APPROVE', 'REJECT']),
  tests: z.array(testResultSchema),
  passed: z.number().int(),
  failed: z.number().int(),
  wallS: z.number(),
});
export type TestReport = z.infer<typeof testReportSchema>;
