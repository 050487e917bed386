import { z } from 'zod';

/** A factor value: any YAML scalar a scenario or model field can take. */
const factorValue = z.union([z.number(), z.string(), z.boolean()]);

/** A path into the base: `params.c` for a model, `stations.0.chargers` or `seed`-free fields for a scenario. */
const fieldPath = z
  .string()
  .regex(/^[A-Za-z_][\w-]*(\.[\w-]+)*$/, 'a dotted field path such as params.c or stations.0.chargers');

const modelBase = z
  .object({
    model: z.string().min(1).describe('A reference model of the benchmark suite (mmc, line, swap, timeouts)'),
    params: z.record(z.string(), z.number()).default({}),
  })
  .strict();

const scenarioBase = z
  .object({ scenario: z.string().min(1).describe('Scenario file, relative to the experiment file') })
  .strict();

const factorRange = z
  .object({
    min: z.number(),
    max: z.number(),
    integer: z.boolean().optional().describe('Draw whole numbers from min to max, both included'),
  })
  .strict()
  .refine((range) => range.min <= range.max, { message: 'min must not exceed max', path: ['min'] });

export const designSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('grid') }).strict(),
    z
      .object({ type: z.literal('random'), points: z.number().int().min(1).max(10_000) })
      .strict()
      .describe('Independent uniform draws of every factor'),
    z
      .object({ type: z.literal('latin_hypercube'), points: z.number().int().min(1).max(10_000) })
      .strict()
      .describe("Each factor's range cut into `points` strata, every stratum used once"),
  ])
  .default({ type: 'grid' });

/** Factor paths into the base with their levels (a grid) or ranges (the sampling designs). */
export const factorsSchema = z
  .record(fieldPath, z.union([z.array(factorValue).min(1).max(1_000), factorRange]))
  .default({});

const stoppingRule = z
  .object({
    min: z.number().int().min(2).describe('Replications every point runs before the rule is checked'),
    max: z.number().int().min(2).max(100_000),
    half_width: z
      .object({ output: z.string().min(1), target: z.number().positive() })
      .strict()
      .describe('Stop once this output’s confidence half-width is at most target at every point'),
  })
  .strict()
  .refine((rule) => rule.min <= rule.max, { message: 'min must not exceed max', path: ['min'] });

export const experimentFileSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(10_000).optional(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    base: z.union([modelBase, scenarioBase]),
    design: designSchema,
    factors: factorsSchema.describe(
      'Grid: every combination of the listed values is a point. Random and Latin hypercube designs also take ' +
        'ranges { min, max, integer }. The first point is the baseline',
    ),
    replications: z.union([z.number().int().min(1).max(100_000), stoppingRule]),
    outputs: z.array(fieldPath).min(1).max(200),
    confidence: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

export type ExperimentFile = z.infer<typeof experimentFileSchema>;
