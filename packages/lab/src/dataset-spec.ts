import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { IssueList, readYaml, validateLocated, type Loc } from '@doppel/twin';
import { z } from 'zod';
import { designSize, isLevels } from './design.js';
import { LabError, LabErrorCode } from './errors.js';
import { designSchema, factorsSchema } from './experiment-schema.js';
import { failLocated, lineOf } from './load-experiment.js';

/** The most a dataset spec may hold, and the most episodes it may ask for: a typo should not schedule a million runs. */
const MAX_SPEC_BYTES = 1_000_000;
export const MAX_EPISODES = 100_000;

/**
 * A dataset spec: a base scenario, the parameters swept over it (the experiment file's factors and designs), how
 * many episodes (seeds) per point, and the horizon of the labels that look ahead.
 */
export const datasetSpecSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(10_000).optional(),
    scenario: z.string().min(1).max(1000).describe('The base scenario file, relative to the spec'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .describe("Episode r of every point runs on a seed derived from this and r (the base scenario's is ignored)"),
    design: designSchema,
    factors: factorsSchema.describe(
      'Scenario fields swept: a grid takes lists of values (every combination is a point); random and Latin ' +
        'hypercube designs also take ranges { min, max, integer }',
    ),
    episodes_per_point: z.number().int().min(1).max(MAX_EPISODES).default(1),
    horizon_s: z
      .number()
      .gt(0)
      .max(60)
      .default(3)
      .describe('How far ahead the look-ahead labels see (collision_ahead: a collision within this many seconds)'),
  })
  .strict();

export interface DatasetSpec extends z.infer<typeof datasetSpecSchema> {
  readonly name: string;
  /** The spec file; relative paths in it are relative to its folder. */
  readonly file: string;
  /** The base scenario, absolute. */
  readonly scenarioPath: string;
}

/** Loads and checks a dataset spec. Throws LabError (DOPPEL_ERR_DATASET_INVALID) with every located problem. */
export function loadDatasetSpec(path: string): DatasetSpec {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new LabError(LabErrorCode.DatasetNotFound, `dataset spec not found: ${path}`);
  }
  const size = statSync(path).size;
  if (size > MAX_SPEC_BYTES) {
    throw invalid(`${path}: a dataset spec is at most ${MAX_SPEC_BYTES} bytes, found ${size}`);
  }
  return parseDatasetSpec(readFileSync(path, 'utf8'), path);
}

/** Checks a dataset spec's YAML or JSON text; `file` names it in errors and anchors the scenario path. */
export function parseDatasetSpec(text: string, file: string): DatasetSpec {
  const issues = new IssueList();
  const rootLoc: Loc = { file, line: 1, column: 1 };
  const raw = readYaml(text, file, issues) ?? null;
  if (issues.size > 0) failWith(issues, file);
  const checked = validateLocated(datasetSpecSchema, raw, [], issues, rootLoc);
  if (!checked.ok) failWith(issues, file);
  const spec = checked.data;
  const at = (key: string): string => `${file}:${lineOf(text, key)}`;
  if (spec.design.type === 'grid') {
    const range = Object.entries(spec.factors).find(([, factor]) => !isLevels(factor));
    if (range !== undefined) {
      throw invalid(
        `${at(range[0])}: factors.${range[0]}: a grid needs a list of values, found a range ` +
          '(ranges are for design type random or latin_hypercube)',
      );
    }
  }
  const seedFactor = Object.keys(spec.factors).find((p) => p === 'seed' || p.startsWith('seed.'));
  if (seedFactor !== undefined) {
    throw invalid(`${at(seedFactor)}: factors.${seedFactor}: episode seeds derive from the spec's seed, not a factor`);
  }
  const episodes = designSize(spec.design, spec.factors) * spec.episodes_per_point;
  if (episodes > MAX_EPISODES) {
    throw invalid(`${file}: factors: the spec asks for ${episodes} episodes, at most ${MAX_EPISODES} are allowed`);
  }
  const scenarioPath = resolve(dirname(file), spec.scenario);
  if (!existsSync(scenarioPath) || !statSync(scenarioPath).isFile()) {
    throw invalid(`${at('scenario')}: scenario: expected a scenario file, found no file at ${scenarioPath}`);
  }
  return { ...spec, name: spec.name ?? basename(file, extname(file)), file, scenarioPath };
}

function invalid(message: string): LabError {
  return new LabError(LabErrorCode.DatasetInvalid, message);
}

function failWith(issues: IssueList, file: string): never {
  failLocated(issues, file, LabErrorCode.DatasetInvalid);
}
