import { z } from 'zod';

/**
 * The test file format (YAML or JSON). One zod schema per section: it validates (with located errors), types the
 * loader's output and is published as JSON Schema (`testFileJsonSchema`) for editors and the API.
 */

const duration = z
  .union([z.string(), z.number().nonnegative()])
  .describe('a duration: "90m", "1h30m", "45s" or seconds');
/** A time: a clock time of day ("17:55", the next one from now) or a duration from the scenario start. */
const instant = z
  .union([z.string(), z.number().nonnegative()])
  .describe('"17:55" (time of day) or a duration from the start');
const cel = z.string().min(1).max(4000).describe('a CEL expression');
const id = z.string().min(1).max(200);

export const scenarioSectionSchema = z
  .strictObject({
    file: z.string().min(1).optional().describe('a scenario file, relative to the test file'),
    config: z.string().min(1).optional().describe('a config directory (with `run`), relative to the test file'),
    run: z.string().min(1).optional(),
    inline: z.record(z.string(), z.unknown()).optional().describe('the scenario document itself'),
    seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).describe('the test seed'),
    replications: z.number().int().min(1).max(1000).default(1).describe('independent runs, seeds derived from `seed`'),
    duration: duration.optional().describe("overrides the scenario's duration"),
    overrides: z.record(z.string(), z.unknown()).optional().describe('merged into the scenario before validation'),
  })
  .describe('what the test runs');

const setStep = z.strictObject({
  set: z.strictObject({ asset: id, field: id, value: z.union([z.number(), z.boolean(), z.string()]) }),
});
const interveneStep = z.strictObject({
  intervene: z.strictObject({
    asset: id,
    action: id,
    args: z.record(z.string(), z.unknown()).optional(),
    at: instant.optional().describe('when it takes effect (default: now)'),
  }),
});
const advanceStep = z.strictObject({
  advance: z.union([duration, z.strictObject({ by: duration.optional(), to: instant.optional() })]),
});
const waitUntilStep = z.strictObject({
  wait_until: z.strictObject({
    condition: cel,
    timeout: duration,
    poll: duration.optional().describe('how often a condition over KPIs is checked (default 1m)'),
  }),
});
const assertStep = z.strictObject({
  assert: z.strictObject({ condition: cel, message: z.string().max(2000).optional() }),
});
const eventWindow = z.strictObject({
  type: id.describe('ledger event type, e.g. SWAP_COMPLETED'),
  asset: id.optional(),
  within: duration,
  where: cel.optional().describe('a condition over `event`'),
});
const expectEventStep = z.strictObject({ expect_event: eventWindow });
const expectNoEventStep = z.strictObject({ expect_no_event: eventWindow });
const snapshotStep = z.strictObject({
  snapshot: z.strictObject({ name: id, values: z.record(z.string(), cel).optional() }),
});

export const stepSchema = z.union([
  setStep,
  interveneStep,
  advanceStep,
  waitUntilStep,
  assertStep,
  expectEventStep,
  expectNoEventStep,
  snapshotStep,
]);
export type StepInput = z.infer<typeof stepSchema>;

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - only'),
  category: z.enum(['consistency', 'performance', 'safety']),
  kind: id.optional().describe("checked on events of assets of this kind; `self` is that asset's state"),
  on: z.array(id).optional().describe('only on these event types'),
  condition: cel,
  message: z.string().max(2000).optional(),
});
export type RuleInput = z.infer<typeof ruleSchema>;

const bound = {
  below: z.number().optional(),
  above: z.number().optional(),
  confidence: z.number().gt(0).lt(1).default(0.95),
};
export const statisticSchema = z.strictObject({
  name: z.string().min(1).max(200),
  value: cel.describe('a number per replication, evaluated at its end (e.g. kpi.wait_mean_s)'),
  measure: z.enum(['mean', 'quantile', 'proportion', 'difference']),
  q: z.number().gt(0).lt(1).optional().describe('for quantile'),
  variant: id.optional().describe('for difference: the variant compared with the base on common random numbers'),
  ...bound,
});
export type StatisticInput = z.infer<typeof statisticSchema>;

export const variantSchema = z.strictObject({
  name: id,
  overrides: z.record(z.string(), z.unknown()).optional(),
  steps: z.array(stepSchema).max(10_000).optional().describe('replaces the base steps'),
});

export const baselineSchema = z.strictObject({
  file: z.string().min(1).describe('JSON file of KPI values, relative to the test file'),
  tolerance: z.number().nonnegative().default(0.05).describe('0.05 = no KPI worse by more than 5%'),
  values: z.record(
    z.string(),
    z.strictObject({ value: cel, better: z.enum(['lower', 'higher']), tolerance: z.number().nonnegative().optional() }),
  ),
});
export type BaselineInput = z.infer<typeof baselineSchema>;

export const testFileSchema = z
  .strictObject({
    doppel: z.literal(1).optional(),
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(4000).optional(),
    scenario: scenarioSectionSchema,
    steps: z.array(stepSchema).max(10_000).default([]),
    rules: z.array(ruleSchema).max(1000).default([]),
    statistics: z.array(statisticSchema).max(1000).default([]),
    variants: z.array(variantSchema).max(20).default([]),
    baseline: baselineSchema.optional(),
  })
  .describe('A Doppel scenario test');
export type TestFileInput = z.infer<typeof testFileSchema>;

/** JSON Schema of test files (for editors, the API and the docs). */
export function testFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(testFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
