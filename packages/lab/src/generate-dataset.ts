import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyPack, DatasetColumn, DatasetValue, PackDataset, ResolvedScenario } from '@doppel/twin';
import { runEpisode, type EpisodeJob } from './dataset-episode.js';
import type { DatasetSpec } from './dataset-spec.js';
import { crnSeed, designPoints, pointLabel, type FactorValue } from './design.js';
import { LabError, LabErrorCode } from './errors.js';
import { copyToParquet, sqlLiteral, withDuckDB } from './parquet.js';
import { threadPool } from './pool.js';
import { loadPacks, resolveWithSettings } from './replicate.js';

/** The files of a dataset directory; manifest.json is written last, so a directory without it is no dataset. */
export const DATASET_FILES = {
  episodes: 'episodes.parquet',
  steps: 'steps.parquet',
  manifest: 'manifest.json',
} as const;

export interface GenerateDatasetOptions {
  readonly outDir: string;
  /** Worker threads; 1 runs in this thread. */
  readonly workers: number;
  /** A module URL exporting `builtinPacks`, which the scenarios resolve against. */
  readonly packsModule: string;
  /** Recorded in the manifest: the code that generated the data. */
  readonly codeVersion: string;
  readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
}

/** One episode as the manifest lists it: where it sits in the design, its seed and its scenario's identity. */
export interface ManifestEpisode {
  readonly episode: number;
  readonly point: number;
  readonly replication: number;
  readonly seed: number;
  readonly scenario_sha256: string;
  readonly settings: Readonly<Record<string, FactorValue>>;
}

export interface DatasetManifest {
  readonly format: 'doppel-dataset';
  readonly version: 1;
  readonly name: string;
  readonly description: string;
  readonly generated_by: string;
  readonly spec_sha256: string;
  readonly pack: string;
  readonly seed: number;
  readonly horizon_s: number;
  readonly factors: readonly string[];
  readonly files: {
    readonly episodes: { readonly file: string; readonly rows: number };
    readonly steps: { readonly file: string; readonly rows: number };
  };
  readonly schema: { readonly episodes: readonly DatasetColumn[]; readonly steps: readonly DatasetColumn[] };
  readonly episodes: readonly ManifestEpisode[];
}

/** The columns every episodes table starts with, before the factors and the pack's outcomes. */
const EPISODE_KEYS: readonly DatasetColumn[] = [
  key('episode', 'BIGINT', 'The episode, from 0 (steps.parquet joins on it).'),
  key('point', 'BIGINT', 'The design point, from 0.'),
  key('replication', 'BIGINT', 'The episode of its point, from 0.'),
  key('seed', 'BIGINT', 'The seed the episode ran on.'),
  key('scenario_sha256', 'VARCHAR', "SHA-256 of the point's resolved scenario (run on the episode's seed)."),
];

function key(name: string, type: DatasetColumn['type'], description: string): DatasetColumn {
  return { name, type, role: 'key', nullable: false, unit: '', description };
}

/**
 * Sweeps the spec's factors over its base scenario and runs `episodes_per_point` episodes per point (episode r of
 * every point on the same seed), on `workers` threads; the scenario's pack turns each run's ledger into step rows
 * (features and labels) and an episode row. Every point is resolved before anything runs, so a bad factor is
 * refused with nothing written. The tables are written as Parquet through DuckDB, ordered by episode, whatever
 * order the threads finished in: the same spec gives the same files.
 */
export async function generateDataset(spec: DatasetSpec, options: GenerateDatasetOptions): Promise<DatasetManifest> {
  const packs = await loadPacks(options.packsModule);
  const planned = plan(spec, packs, options.packsModule);
  const jobs = planned.map((p) => p.job);
  const first = jobs[0] as EpisodeJob;
  const dataset = packs.find((p) => p.name === first.scenario.pack)?.dataset as PackDataset;
  const factors = Object.keys(spec.factors);
  const episodeColumns = [...EPISODE_KEYS, ...factorColumns(factors, planned), ...dataset.episode];

  mkdirSync(options.outDir, { recursive: true });
  const manifestPath = join(options.outDir, DATASET_FILES.manifest);
  rmSync(manifestPath, { force: true });
  const stepsTemp = join(options.outDir, '.steps.ndjson.partial');
  const episodesTemp = join(options.outDir, '.episodes.ndjson.partial');
  const stepsFd = openSync(stepsTemp, 'w');
  const episodesFd = openSync(episodesTemp, 'w');
  let stepRows = 0;
  try {
    const pool = threadPool('dataset-worker', runEpisode, options.workers);
    let done = 0;
    options.onProgress?.({ done, total: jobs.length });
    try {
      await Promise.all(
        planned.map(async ({ job, point, replication, settings }) => {
          const outcome = await pool.run(job).catch((error: unknown) => {
            throw new LabError(
              LabErrorCode.ReplicationFailed,
              `episode ${job.episode} (${pointLabel({ index: point, settings })}, seed ${job.seed}) failed: ` +
                (error instanceof Error ? error.message : String(error)),
            );
          });
          const lines = outcome.steps.map((row) => {
            const values = [...row];
            values[0] = job.episode;
            return JSON.stringify(objectOf(dataset.steps, values));
          });
          if (lines.length > 0) writeSync(stepsFd, `${lines.join('\n')}\n`);
          stepRows += lines.length;
          const head: DatasetValue[] = [job.episode, point, replication, job.seed, job.scenario.sha256];
          const factorValues = factors.map((f) => settings[f] ?? null);
          writeSync(
            episodesFd,
            `${JSON.stringify(objectOf(episodeColumns, [...head, ...factorValues, ...outcome.row]))}\n`,
          );
          done += 1;
          options.onProgress?.({ done, total: jobs.length });
        }),
      );
    } finally {
      await pool.close();
    }
    closeSync(stepsFd);
    closeSync(episodesFd);
    await withDuckDB(async (connection) => {
      await copyToParquet(
        connection,
        `${readJson(episodesTemp, episodeColumns)} ORDER BY episode`,
        join(options.outDir, DATASET_FILES.episodes),
      );
      await copyToParquet(
        connection,
        `${readJson(stepsTemp, dataset.steps)} ORDER BY episode, vehicle, step`,
        join(options.outDir, DATASET_FILES.steps),
      );
    });
  } finally {
    closeQuietly(stepsFd);
    closeQuietly(episodesFd);
    rmSync(stepsTemp, { force: true });
    rmSync(episodesTemp, { force: true });
  }
  const manifest: DatasetManifest = {
    format: 'doppel-dataset',
    version: 1,
    name: spec.name,
    description: spec.description ?? '',
    generated_by: `doppel ${options.codeVersion}`,
    spec_sha256: createHash('sha256').update(readFileSync(spec.file)).digest('hex'),
    pack: first.scenario.pack,
    seed: spec.seed,
    horizon_s: spec.horizon_s,
    factors,
    files: {
      episodes: { file: DATASET_FILES.episodes, rows: jobs.length },
      steps: { file: DATASET_FILES.steps, rows: stepRows },
    },
    schema: { episodes: episodeColumns, steps: dataset.steps },
    episodes: planned.map(({ job, point, replication, settings }) => ({
      episode: job.episode,
      point,
      replication,
      seed: job.seed,
      scenario_sha256: job.scenario.sha256,
      settings,
    })),
  };
  writeFileSync(`${manifestPath}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${manifestPath}.partial`, manifestPath);
  return manifest;
}

/** An episode's job and its place in the design. */
interface PlannedEpisode {
  readonly job: EpisodeJob;
  readonly point: number;
  readonly replication: number;
  readonly settings: Readonly<Record<string, FactorValue>>;
}

/**
 * Every episode's job: each point's scenario resolved once (refused with the point named when it does not resolve),
 * run on each episode's seed; the pair (scenario hash, seed) identifies an episode's run.
 */
function plan(spec: DatasetSpec, packs: readonly AnyPack[], packsModule: string): PlannedEpisode[] {
  const planned: PlannedEpisode[] = [];
  for (const point of designPoints(spec.design, spec.factors, spec.seed)) {
    let scenario: ResolvedScenario;
    try {
      scenario = resolveWithSettings(spec.scenarioPath, packs, point.settings, spec.seed);
    } catch (error) {
      const where = Object.keys(point.settings).length > 0 ? ` with ${pointLabel(point)}` : '';
      throw new LabError(
        LabErrorCode.DatasetInvalid,
        `${spec.file}: the scenario ${spec.scenario}${where} does not resolve:\n` +
          (error instanceof Error ? error.message : String(error)),
      );
    }
    if (packs.find((p) => p.name === scenario.pack)?.dataset === undefined) {
      const able = packs.filter((p) => p.dataset !== undefined).map((p) => p.name);
      throw new LabError(
        LabErrorCode.DatasetInvalid,
        `${spec.file}: scenario: the ${scenario.pack} pack writes no training data (expected a scenario of a pack ` +
          `with a dataset: ${able.join(', ')})`,
      );
    }
    for (let r = 0; r < spec.episodes_per_point; r++) {
      const job = {
        episode: planned.length,
        scenario,
        seed: crnSeed(spec.seed, r),
        horizonS: spec.horizon_s,
        packsModule,
      };
      planned.push({ job, point: point.index, replication: r, settings: point.settings });
    }
  }
  return planned;
}

/** A column per factor, typed by the values it takes: numbers DOUBLE, booleans BOOLEAN, anything else VARCHAR. */
function factorColumns(factors: readonly string[], planned: readonly PlannedEpisode[]): DatasetColumn[] {
  return factors.map((path) => {
    const values = planned.map((p) => p.settings[path]);
    const type = values.every((v) => typeof v === 'number')
      ? 'DOUBLE'
      : values.every((v) => typeof v === 'boolean')
        ? 'BOOLEAN'
        : 'VARCHAR';
    return { name: path, type, role: 'feature', nullable: false, unit: '', description: `Factor ${path}.` };
  });
}

function objectOf(columns: readonly DatasetColumn[], values: readonly DatasetValue[]): Record<string, DatasetValue> {
  const out: Record<string, DatasetValue> = {};
  columns.forEach((column, i) => {
    const value = values[i] ?? null;
    out[column.name] = column.type === 'VARCHAR' && value !== null ? String(value) : value;
  });
  return out;
}

/** A SELECT over a newline-delimited JSON file with the columns' declared names and types. */
function readJson(file: string, columns: readonly DatasetColumn[]): string {
  const types = columns.map((c) => `${sqlLiteral(c.name)}: ${sqlLiteral(c.type)}`).join(', ');
  const names = columns.map((c) => `"${c.name.replace(/"/g, '""')}"`).join(', ');
  return `SELECT ${names} FROM read_json(${sqlLiteral(file)}, format = 'newline_delimited', columns = {${types}})`;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed after the writes succeeded.
  }
}
