import { z } from 'zod';
import { strictWireRecord, wireRecord } from './record.js';
import { testResultSchema } from '../test-results.js';
import { problemIssueSchema } from './simulation.js';

/**
 * Scenario tests stored on a server (seed 004's test automation service): the YAML text of a test as `doppel test`
 * reads it, with what the server learnt from it when it was checked, and the runs of it as background jobs.
 */

/** Largest test text accepted, in characters (the same bound as a test file). */
export const MAX_TEST_TEXT = 1_000_000;

export const testInputSchema = strictWireRecord('TestInput', {
  yaml: z
    .string()
    .min(1)
    .max(MAX_TEST_TEXT)
    .describe(
      'The test as YAML (or JSON) text, as doppel test reads it. A scenario `file` or `config` is relative to the server\'s examples/tests folder (e.g. "../swap/evening-peak-b.yaml") and must stay among the examples; or give the scenario `inline`.',
    ),
});
export type TestInput = z.infer<typeof testInputSchema>;

/** A scenario test shipped among the server's examples, ready to be stored and run as it is. */
export const exampleTestSchema = wireRecord('ExampleTest', {
  id: z.string().describe('`<pack folder>-<file name>`, e.g. controlplane-enactor-legacy'),
  folder: z.string().describe('The examples folder it is in (usually its pack)'),
  name: z.string(),
  description: z.string(),
  yaml: z
    .string()
    .describe(
      "The test's text with its scenario and baseline files given relative to the server's examples/tests folder, as POST /api/v1/tests takes it",
    ),
});
export type ExampleTest = z.infer<typeof exampleTestSchema>;

export const testRunStatusSchema = z
  .enum(['queued', 'running', 'passed', 'failed', 'error'])
  .describe('passed/failed: the verdict of the test; error: the run could not complete (its message in error)');
export type TestRunStatus = z.infer<typeof testRunStatusSchema>;

const testRunFields = {
  id: z.string(),
  testId: z.string(),
  testName: z.string(),
  status: testRunStatusSchema,
  verdict: z.enum(['APPROVE', 'REJECT']).nullable().describe('Once finished: APPROVE when the test passed'),
  progress: z
    .object({ done: z.number().int(), total: z.number().int() })
    .readonly()
    .describe('Replications finished of all the run needs'),
  error: z.string().nullable(),
  /** The first cause of a failed test (a step, rule, statistic or baseline), for lists. */
  firstFailure: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
};

/** A run of a stored test, without its full result (lists). */
export const testRunSummarySchema = wireRecord('TestRunSummary', testRunFields);
export type TestRunSummary = z.infer<typeof testRunSummarySchema>;

export const testRunSchema = wireRecord('TestRun', {
  ...testRunFields,
  result: testResultSchema
    .nullable()
    .describe('Every replication with its steps and rules, statistics, baseline and failures; null until finished'),
});
export type TestRun = z.infer<typeof testRunSchema>;

/** A stored scenario test. */
export const scenarioTestSchema = wireRecord('ScenarioTest', {
  id: z.string(),
  name: z.string().describe("The test's `name` (or its scenario's)"),
  description: z.string().nullable(),
  pack: z.string(),
  scenario: z.string().describe('Name of the scenario the test runs'),
  yaml: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastRun: testRunSummarySchema.nullable(),
});
export type ScenarioTest = z.infer<typeof scenarioTestSchema>;

/** The answer of a dry check of a test's text (the editor checks as the user types). */
export const testValidationSchema = wireRecord('TestValidation', {
  valid: z.boolean(),
  issues: z
    .array(problemIssueSchema)
    .readonly()
    .describe('Located in the YAML: line, column and the field path inside the test (steps[2].assert.condition)'),
  test: z
    .object({
      name: z.string(),
      description: z.string().nullable(),
      pack: z.string(),
      scenario: z.string(),
      steps: z.number().int(),
    })
    .readonly()
    .nullable(),
});
export type TestValidation = z.infer<typeof testValidationSchema>;

/** Opening a finished run's shown replication as a simulation of the account. */
export const openTestRunInputSchema = strictWireRecord('OpenTestRunInput', {
  t: z
    .number()
    .min(0)
    .optional()
    .describe("Sim seconds to stand at (default: the first failure's instant, else the start)"),
});
export type OpenTestRunInput = z.infer<typeof openTestRunInputSchema>;
