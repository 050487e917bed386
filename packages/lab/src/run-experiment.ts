import { readFileSync } from 'node:fs';
import { LabError, LabErrorCode } from './errors.js';
import { crnSeed, gridPoints, pointLabel, type DesignPoint } from './design.js';
import type { Experiment } from './load-experiment.js';
import type { ResultCache } from './cache.js';
import { createRunner } from './pool.js';
import type { ReplicationJob, ReplicationRecord } from './replicate.js';
import { estimate, pairedDelta, type OutputEstimate, type PairedDelta } from './statistics.js';

export interface RunExperimentOptions {
  /** Worker threads; 1 runs in this thread. */
  readonly workers: number;
  /** A module URL exporting `builtinPacks`, which scenario replications resolve against. */
  readonly packsModule: string;
  readonly cache: ResultCache | null;
  readonly onProgress?: (progress: ExperimentProgress) => void;
}

export interface ExperimentProgress {
  readonly done: number;
  readonly total: number;
  readonly cached: number;
}

export interface EstimateRow extends OutputEstimate {
  readonly point: DesignPoint;
  readonly label: string;
  readonly output: string;
}

export interface DeltaRow extends PairedDelta {
  readonly point: DesignPoint;
  readonly label: string;
  readonly output: string;
}

export interface ReplicationRow {
  readonly point: DesignPoint;
  readonly label: string;
  readonly replication: number;
  readonly seed: number;
  readonly values: readonly number[];
}

export interface ExperimentResult {
  readonly name: string;
  readonly confidence: number;
  readonly factorPaths: readonly string[];
  readonly outputs: readonly string[];
  readonly replicationsPerPoint: number;
  readonly estimates: readonly EstimateRow[];
  /** Each point after the first against the first, paired on common random numbers. */
  readonly deltas: readonly DeltaRow[];
  readonly replications: readonly ReplicationRow[];
  readonly cacheHits: number;
}

/** The base's identity for the cache: the scenario file's text, or the model and its parameters. */
export function baseIdentity(experiment: Experiment): string {
  if (experiment.scenarioPath !== null) return readFileSync(experiment.scenarioPath, 'utf8');
  return JSON.stringify(experiment.base);
}

/**
 * Runs every point's replications (replication i of every point on the same seed), adding rounds until the stopping
 * rule is met, and summarises each output. Rounds are decided on complete data, so the result is the same for any
 * number of workers.
 */
export async function runExperiment(experiment: Experiment, options: RunExperimentOptions): Promise<ExperimentResult> {
  const points = gridPoints(experiment.factors);
  const rule = experiment.replications;
  const records: ReplicationRecord[][] = points.map(() => []);
  const runner = createRunner(options.workers);
  let target = typeof rule === 'number' ? rule : rule.min;
  const maxCount = typeof rule === 'number' ? rule : rule.max;
  let done = 0;
  let cached = 0;
  let total = target * points.length;
  try {
    for (;;) {
      const pending: Promise<void>[] = [];
      for (const point of points) {
        for (let index = records[point.index].length; index < target; index++) {
          const job = jobFor(experiment, point, crnSeed(experiment.seed, index), options.packsModule);
          pending.push(
            runOne(job, runner.run, options.cache).then(({ record, hit }) => {
              records[point.index][index] = record;
              done++;
              if (hit) cached++;
              options.onProgress?.({ done, total, cached });
            }),
          );
        }
      }
      await Promise.all(pending);
      if (typeof rule === 'number' || target >= maxCount) break;
      const output = rule.half_width.output;
      const wide = points.some((point) => {
        const values = valuesOf(experiment, records[point.index], output);
        const halfWidth = estimate(values, experiment.confidence).halfWidth;
        return halfWidth === null || halfWidth > rule.half_width.target;
      });
      if (!wide) break;
      const next = Math.min(maxCount, target + rule.min);
      total += (next - target) * points.length;
      target = next;
    }
  } finally {
    await runner.close();
  }
  return summarise(experiment, points, records, target, cached);
}

async function runOne(
  job: ReplicationJob,
  run: (job: ReplicationJob) => Promise<ReplicationRecord>,
  cache: ResultCache | null,
): Promise<{ record: ReplicationRecord; hit: boolean }> {
  const hit = cache?.get(job);
  if (hit !== undefined) return { record: hit, hit: true };
  let record: ReplicationRecord;
  try {
    record = await run(job);
  } catch (error) {
    const settings = JSON.stringify(job.settings);
    throw new LabError(
      LabErrorCode.ReplicationFailed,
      `replication with seed ${job.seed} at ${settings} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  cache?.put(job, record);
  return { record, hit: false };
}

function jobFor(experiment: Experiment, point: DesignPoint, seed: number, packsModule: string): ReplicationJob {
  const base = experiment.base;
  if ('model' in base) return { kind: 'model', model: base.model, params: base.params, settings: point.settings, seed };
  return {
    kind: 'scenario',
    scenarioPath: experiment.scenarioPath as string,
    packsModule,
    settings: point.settings,
    seed,
  };
}

function summarise(
  experiment: Experiment,
  points: readonly DesignPoint[],
  records: readonly ReplicationRecord[][],
  count: number,
  cacheHits: number,
): ExperimentResult {
  const values = points.map((point) =>
    experiment.outputs.map((output) => valuesOf(experiment, records[point.index], output)),
  );
  const estimates: EstimateRow[] = [];
  const deltas: DeltaRow[] = [];
  const replications: ReplicationRow[] = [];
  for (const point of points) {
    const label = pointLabel(point);
    experiment.outputs.forEach((output, k) => {
      estimates.push({ point, label, output, ...estimate(values[point.index][k], experiment.confidence) });
      if (point.index > 0) {
        const delta = pairedDelta(values[0][k], values[point.index][k], experiment.confidence);
        deltas.push({ point, label, output, ...delta });
      }
    });
    for (let index = 0; index < count; index++) {
      const row = experiment.outputs.map((_, k) => values[point.index][k][index]);
      replications.push({ point, label, replication: index, seed: crnSeed(experiment.seed, index), values: row });
    }
  }
  return {
    name: experiment.name,
    confidence: experiment.confidence,
    factorPaths: Object.keys(experiment.factors),
    outputs: experiment.outputs,
    replicationsPerPoint: count,
    estimates,
    deltas,
    replications,
    cacheHits,
  };
}

/** An output's value in each replication: a finite number at its path in the run's record, or a located error. */
function valuesOf(experiment: Experiment, records: readonly ReplicationRecord[], output: string): number[] {
  return records.map((record) => {
    let value: unknown = record;
    for (const key of output.split('.')) {
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new LabError(
        LabErrorCode.ExperimentInvalid,
        `${experiment.file}: outputs: "${output}" is not a finite number in the run's summary (found ` +
          `${value === undefined ? 'nothing' : JSON.stringify(value)}); fields: ${describeFields(record)}`,
      );
    }
    return value;
  });
}

function describeFields(record: ReplicationRecord, prefix = ''): string {
  return Object.entries(record)
    .flatMap(([key, value]) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? [describeFields(value as ReplicationRecord, `${prefix}${key}.`)]
        : typeof value === 'number'
          ? [`${prefix}${key}`]
          : [],
    )
    .filter((text) => text !== '')
    .join(', ');
}
