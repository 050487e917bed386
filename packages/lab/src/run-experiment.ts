import { readFileSync } from 'node:fs';
import { LabError, LabErrorCode } from './errors.js';
import { crnSeed, designPoints, pointLabel, type DesignPoint } from './design.js';
import type { Divergence } from './divergence.js';
import { jobFor } from './jobs.js';
import { PairTracker } from './pairs.js';
import type { Experiment } from './load-experiment.js';
import type { ResultCache } from './cache.js';
import { createRunner, type ReplicationRunner } from './pool.js';
import type { ReplicationJob, ReplicationOutcome, ReplicationRecord } from './replicate.js';
import { estimate, pairedDelta, type OutputEstimate, type PairedDelta } from './statistics.js';

export interface RunExperimentOptions {
  /** Worker threads; 1 runs in this thread. */
  readonly workers: number;
  /** A module URL exporting `builtinPacks`, which scenario replications resolve against. */
  readonly packsModule: string;
  readonly cache: ResultCache | null;
  readonly onProgress?: (progress: ExperimentProgress) => void;
  /** Runs the replications instead of a pool of `workers` threads (a job queue, say); the caller closes it. */
  readonly runner?: ReplicationRunner;
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

export interface DivergenceRow extends Divergence {
  readonly point: DesignPoint;
  readonly label: string;
  readonly replication: number;
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
  /** For a scenario base: per point after the first and replication, where its ledger parts from the baseline's. */
  readonly divergences: readonly DivergenceRow[];
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
 * number of workers or machines. With a scenario base and several points, each replication's ledger is compared with
 * the baseline's on the same seed to find the first event where they part.
 */
export async function runExperiment(experiment: Experiment, options: RunExperimentOptions): Promise<ExperimentResult> {
  const points = designPoints(experiment.design, experiment.factors, experiment.seed);
  const rule = experiment.replications;
  const records: ReplicationRecord[][] = points.map(() => []);
  const pairs = new PairTracker(experiment, points, options.cache);
  const runner = options.runner ?? createRunner(options.workers);
  let target = typeof rule === 'number' ? rule : rule.min;
  const maxCount = typeof rule === 'number' ? rule : rule.max;
  let done = 0;
  let cached = 0;
  let total = target * points.length;
  const run = (point: DesignPoint, index: number, trace: boolean): Promise<ReplicationOutcome> =>
    runJob(jobFor(experiment, point, index, options.packsModule, trace), runner.run);
  try {
    for (;;) {
      const pending: Promise<void>[] = [];
      const first = records[0].length;
      // Replication-major: replication i of every point finishes close together, so the baseline's ledger trace
      // is compared and dropped soon after it arrives.
      for (let index = first; index < target; index++) {
        for (const point of points) {
          const job = jobFor(experiment, point, index, options.packsModule, pairs.wanted);
          const hit = options.cache?.get(job);
          const outcome = hit !== undefined ? Promise.resolve({ record: hit, trace: null }) : runJob(job, runner.run);
          pending.push(
            outcome.then(async ({ record, trace }) => {
              if (hit === undefined) options.cache?.put(job, record);
              records[point.index][index] = record;
              await pairs.arrived(point, index, trace, run);
              done++;
              if (hit !== undefined) cached++;
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
    if (options.runner === undefined) await runner.close();
  }
  return summarise(experiment, points, records, target, cached, pairs.divergences());
}

async function runJob(
  job: ReplicationJob,
  run: (job: ReplicationJob) => Promise<ReplicationOutcome>,
): Promise<ReplicationOutcome> {
  try {
    return await run(job);
  } catch (error) {
    const settings = JSON.stringify(job.settings);
    throw new LabError(
      LabErrorCode.ReplicationFailed,
      `replication with seed ${job.seed} at ${settings} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function summarise(
  experiment: Experiment,
  points: readonly DesignPoint[],
  records: readonly ReplicationRecord[][],
  count: number,
  cacheHits: number,
  divergences: readonly DivergenceRow[],
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
    divergences,
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
