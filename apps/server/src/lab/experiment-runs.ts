import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { newId, type ExperimentCatalog, type ExperimentRow, type ExperimentUpdate } from '@doppel/catalog';
import type {
  Experiment as LoadedExperiment,
  ExperimentProgress,
  ExperimentResult,
  ReplicationRunner,
} from '@doppel/lab';
import type { Experiment, ExperimentResults, ExperimentSummary } from '@doppel/twin/contracts';
import type { ServerConfig } from '../config.js';
import { notFound, ServerError, ServerErrorCode, type ProblemIssue } from '../errors.js';
import { builtinPacksModule } from '../packs.js';

/** The module scenario replications load their packs from: the server's own list, in the worker threads too. */

/** How an experiment's text is named in its errors (never a path of the server). */
const TEXT_NAME = 'experiment.yaml';

type Lab = typeof import('@doppel/lab');

/**
 * Experiments per account, kept in the catalog, run on the server one at a time (each on `experimentWorkers`
 * threads: the machine's cores are shared with the live simulations), the others waiting in order. The catalog is
 * written at every change of status, so finished results survive a restart; one that was queued or running when
 * the server stopped is failed on the next start, saying so.
 */
export class ExperimentRuns {
  private readonly queue: { readonly id: string; readonly accountId: string }[] = [];
  private running: Running | null = null;
  /** Progress of the running experiment: kept in memory, since a write per replication would cost more than it. */
  private progress: { readonly id: string; value: ExperimentProgress } | null = null;
  private lab: Promise<Lab> | null = null;
  private stopped = false;
  private readonly recovered: Promise<number>;

  constructor(
    private readonly experiments: ExperimentCatalog,
    private readonly config: ServerConfig,
  ) {
    // Runs in the catalog's lane before anything a request asks of it.
    this.recovered = experiments.failInterrupted(
      'The server stopped before the experiment finished: run it again',
      new Date().toISOString(),
    );
  }

  /** Checks an experiment's text and queues it; invalid text is a 422 with its problems located. */
  async create(accountId: string, yaml: string): Promise<Experiment> {
    if (this.stopped) throw new ServerError(ServerErrorCode.ShuttingDown, 'The server is stopping');
    await this.recovered;
    const limits = this.config.limits;
    if ((await this.experiments.countOf(accountId)) >= limits.maxExperimentsPerAccount) {
      throw new ServerError(
        ServerErrorCode.LimitExceeded,
        `An account may keep at most ${limits.maxExperimentsPerAccount} experiments: delete one first`,
      );
    }
    if ((await this.experiments.activeOf(accountId)) >= limits.maxQueuedExperimentsPerAccount) {
      throw new ServerError(
        ServerErrorCode.LimitExceeded,
        `At most ${limits.maxQueuedExperimentsPerAccount} experiments of an account may be queued or running at once: wait for one to finish`,
      );
    }
    const experiment = await this.load(yaml);
    const row: ExperimentRow = {
      id: newId('exp'),
      account_id: accountId,
      name: experiment.name,
      status: 'queued',
      yaml,
      factors_json: JSON.stringify(Object.keys(experiment.factors)),
      outputs_json: JSON.stringify(experiment.outputs),
      confidence: experiment.confidence,
      done: 0,
      total: 0,
      cached: 0,
      error: null,
      results_json: null,
      created_at: new Date().toISOString(),
      started_at: null,
      finished_at: null,
    };
    await this.experiments.insert(row);
    this.queue.push({ id: row.id, accountId });
    this.pump();
    return this.viewOf(row);
  }

  async list(accountId: string): Promise<ExperimentSummary[]> {
    await this.recovered;
    const rows = await this.experiments.list(accountId);
    return rows.map((row) => this.summaryOf(row)).reverse();
  }

  /** An experiment of the account; another account's is not found, as if it did not exist. */
  async get(accountId: string, id: string): Promise<Experiment> {
    return this.viewOf(await this.owned(accountId, id));
  }

  /** Stops a queued or running experiment: its replications are abandoned, nothing of it is summarised. */
  async cancel(accountId: string, id: string): Promise<Experiment> {
    const row = await this.owned(accountId, id);
    if (row.status !== 'queued' && row.status !== 'running') {
      throw new ServerError(
        ServerErrorCode.ExperimentFinished,
        `Experiment ${id} has ${row.status === 'succeeded' ? 'succeeded' : `been ${row.status}`}: there is nothing to cancel`,
      );
    }
    const queued = this.queue.findIndex((entry) => entry.id === id);
    if (queued >= 0) this.queue.splice(queued, 1);
    const running = this.running;
    if (running?.id === id) {
      running.cancelled = true;
      await running.runner?.close();
    }
    const fields: ExperimentUpdate = { status: 'cancelled', finished_at: new Date().toISOString() };
    await this.experiments.update(id, fields);
    return this.viewOf({ ...row, ...fields });
  }

  /** Deletes an experiment (cancelling it first if it has not finished). */
  async delete(accountId: string, id: string): Promise<void> {
    const row = await this.owned(accountId, id);
    if (row.status === 'queued' || row.status === 'running') await this.cancel(accountId, id);
    await this.experiments.delete(accountId, id);
  }

  /** Cancels what runs; what is queued stays queued in the catalog and is failed, saying why, on the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    const running = this.running;
    if (running !== null) {
      running.cancelled = true;
      await running.runner?.close();
    }
  }

  private async owned(accountId: string, id: string): Promise<ExperimentRow> {
    await this.recovered;
    const row = await this.experiments.owned(accountId, id);
    if (row === null) throw notFound(`Experiment ${id}`);
    return row;
  }

  private labModule(): Promise<Lab> {
    // Loaded on first use: the lab brings DuckDB and BullMQ, which a server that runs no experiment never needs.
    return (this.lab ??= import('@doppel/lab'));
  }

  /** The experiment in `yaml`, its base scenario (if any) found among the server's examples. */
  private async load(yaml: string): Promise<LoadedExperiment> {
    const lab = await this.labModule();
    let loaded: LoadedExperiment;
    try {
      loaded = lab.loadExperimentText(yaml, TEXT_NAME);
    } catch (error) {
      if (!(error instanceof lab.LabError)) throw error;
      throw invalid(error.message, error.issues.length > 0 ? error.issues.map(issueOf) : undefined);
    }
    if (!('scenario' in loaded.base)) return loaded;
    const examples = this.config.examplesDir;
    const scenarioPath = resolve(examples, 'experiments', loaded.base.scenario);
    if (!scenarioPath.startsWith(examples + sep) || !existsSync(scenarioPath)) {
      throw invalid(
        `${TEXT_NAME}: base.scenario: expected a scenario file among the server's examples, relative to its experiments folder (e.g. ../swap/evening-peak-b.yaml), found "${loaded.base.scenario}"`,
        [{ path: 'base.scenario', message: 'not a scenario file among the examples', found: loaded.base.scenario }],
      );
    }
    return { ...loaded, scenarioPath };
  }

  /** Starts the next queued experiment when none runs. */
  private pump(): void {
    if (this.running !== null || this.stopped) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    // Running from now on, before anything is awaited: a cancel that comes meanwhile finds it here.
    const running: Running = { ...next, runner: null, cancelled: false };
    this.running = running;
    void this.run(running)
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
        this.progress = null;
        this.pump();
      });
  }

  private async run(running: Running): Promise<void> {
    const { id } = running;
    const now = () => new Date().toISOString();
    try {
      const lab = await this.labModule();
      const row = await this.experiments.owned(running.accountId, id);
      if (row === null || running.cancelled) return;
      running.runner = lab.createRunner(this.config.limits.experimentWorkers, { inThread: false });
      await this.experiments.update(id, { status: 'running', started_at: now() });
      const experiment = await this.load(row.yaml);
      const result = await lab.runExperiment(experiment, {
        workers: this.config.limits.experimentWorkers,
        packsModule: builtinPacksModule,
        cache: null,
        runner: running.runner,
        onProgress: (progress) => {
          if (!running.cancelled) this.progress = { id, value: progress };
        },
      });
      if (running.cancelled) return;
      const { done, total, cached } = this.progress?.value ?? { done: 0, total: 0, cached: 0 };
      await this.experiments.update(id, {
        status: 'succeeded',
        done,
        total,
        cached,
        results_json: JSON.stringify(resultsOf(result)),
        finished_at: now(),
      });
    } catch (error) {
      if (running.cancelled) return;
      const message = error instanceof Error ? error.message : String(error);
      const { done, total, cached } = this.progress?.value ?? { done: 0, total: 0, cached: 0 };
      await this.experiments.update(id, { status: 'failed', error: message, done, total, cached, finished_at: now() });
    } finally {
      await running.runner?.close().catch(() => undefined);
    }
  }

  /** The row as the API shows it, with the running experiment's progress from memory. */
  private viewOf(row: ExperimentRow): Experiment {
    return {
      ...this.summaryOf(row),
      yaml: row.yaml,
      results: row.results_json === null ? null : (JSON.parse(row.results_json) as ExperimentResults),
    };
  }

  private summaryOf(row: ExperimentRow): ExperimentSummary {
    const live = this.progress?.id === row.id && row.status === 'running' ? this.progress.value : null;
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      progress: live ?? { done: row.done, total: row.total, cached: row.cached },
      error: row.error,
      factors: JSON.parse(row.factors_json) as string[],
      outputs: JSON.parse(row.outputs_json) as string[],
      confidence: row.confidence,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
    };
  }
}

/** An experiment being run: its runner once made; cancelled when a request or the server's stop ended it. */
interface Running {
  readonly id: string;
  readonly accountId: string;
  runner: ReplicationRunner | null;
  cancelled: boolean;
}

function invalid(message: string, issues?: ProblemIssue[]): ServerError {
  return new ServerError(ServerErrorCode.ExperimentInvalid, `body.yaml: ${message}`, {
    issues: issues ?? [{ path: 'body.yaml', message }],
  });
}

function issueOf(issue: {
  path: string;
  message: string;
  line?: number;
  column?: number;
  expected?: string;
  found?: string;
}): ProblemIssue {
  return {
    path: issue.path,
    message: issue.message,
    ...(issue.line !== undefined ? { line: issue.line } : {}),
    ...(issue.column !== undefined ? { column: issue.column } : {}),
    ...(issue.expected !== undefined ? { expected: issue.expected } : {}),
    ...(issue.found !== undefined ? { found: issue.found } : {}),
  };
}

/** The results as the API serves them: each point once, each estimate and delta naming its point by index. */
function resultsOf(result: ExperimentResult): ExperimentResults {
  const points = new Map<number, ExperimentResults['points'][number]>();
  for (const row of result.estimates) {
    points.set(row.point.index, { index: row.point.index, settings: row.point.settings, label: row.label });
  }
  return {
    replicationsPerPoint: result.replicationsPerPoint,
    cacheHits: result.cacheHits,
    points: [...points.values()].sort((a, b) => a.index - b.index),
    estimates: result.estimates.map(({ point, label: _label, ...estimate }) => ({
      pointIndex: point.index,
      ...estimate,
    })),
    deltas: result.deltas.map(({ point, label: _label, ...delta }) => ({ pointIndex: point.index, ...delta })),
  };
}
