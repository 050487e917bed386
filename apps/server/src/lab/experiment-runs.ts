import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { newId } from '@doppel/catalog';
import type {
  Experiment as LoadedExperiment,
  ExperimentProgress,
  ExperimentResult,
  ReplicationRunner,
} from '@doppel/lab';
import type { Experiment, ExperimentResults, ExperimentStatus, ExperimentSummary } from '@doppel/twin/contracts';
import type { ServerConfig } from '../config.js';
import { notFound, ServerError, ServerErrorCode, type ProblemIssue } from '../errors.js';

/** The module scenario replications load their packs from: the server's own list, in the worker threads too. */
const PACKS_MODULE = new URL(`../packs${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/** How an experiment's text is named in its errors (never a path of the server). */
const TEXT_NAME = 'experiment.yaml';

/** An experiment as it is kept: its account, text, state and (once succeeded) results. */
interface StoredExperiment {
  readonly accountId: string;
  readonly view: Experiment;
}

type Lab = typeof import('@doppel/lab');

/**
 * Experiments per account, run on the server one at a time (each on `experimentWorkers` threads: the machine's
 * cores are shared with the live simulations), the others waiting in order. Each experiment is a JSON file in
 * `<data>/experiments`, written at every change of status, so finished results survive a restart; one that was
 * queued or running when the server stopped is failed on the next start, saying so.
 */
export class ExperimentRuns {
  private readonly experiments = new Map<string, StoredExperiment>();
  private readonly queue: string[] = [];
  private readonly dir: string;
  private running: { readonly id: string; readonly runner: ReplicationRunner; cancelled: boolean } | null = null;
  private lab: Promise<Lab> | null = null;
  private stopped = false;

  constructor(private readonly config: ServerConfig) {
    this.dir = join(config.dataDir, 'experiments');
    mkdirSync(this.dir, { recursive: true });
    for (const file of readdirSync(this.dir).filter((name) => name.endsWith('.json'))) {
      try {
        const stored = JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as StoredExperiment;
        this.experiments.set(stored.view.id, stored);
        if (stored.view.status === 'queued' || stored.view.status === 'running') {
          this.update(stored.view.id, {
            status: 'failed',
            error: 'The server stopped before the experiment finished: run it again',
            finishedAt: new Date().toISOString(),
          });
        }
      } catch {
        // A torn file (the server died while writing it) is not listed; its temporary twin is removed below.
      }
    }
    for (const file of readdirSync(this.dir).filter((name) => name.endsWith('.tmp'))) rmSync(join(this.dir, file));
  }

  /** Checks an experiment's text and queues it; invalid text is a 422 with its problems located. */
  async create(accountId: string, yaml: string): Promise<Experiment> {
    if (this.stopped) throw new ServerError(ServerErrorCode.ShuttingDown, 'The server is stopping');
    const owned = this.owned(accountId);
    const limits = this.config.limits;
    if (owned.length >= limits.maxExperimentsPerAccount) {
      throw new ServerError(
        ServerErrorCode.LimitExceeded,
        `An account may keep at most ${limits.maxExperimentsPerAccount} experiments: delete one first`,
      );
    }
    const active = owned.filter((stored) => stored.view.status === 'queued' || stored.view.status === 'running');
    if (active.length >= limits.maxQueuedExperimentsPerAccount) {
      throw new ServerError(
        ServerErrorCode.LimitExceeded,
        `At most ${limits.maxQueuedExperimentsPerAccount} experiments of an account may be queued or running at once: wait for one to finish`,
      );
    }
    const experiment = await this.load(yaml);
    const view: Experiment = {
      id: newId('exp'),
      name: experiment.name,
      status: 'queued',
      progress: { done: 0, total: 0, cached: 0 },
      error: null,
      factors: Object.keys(experiment.factors),
      outputs: experiment.outputs,
      confidence: experiment.confidence,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      yaml,
      results: null,
    };
    this.experiments.set(view.id, { accountId, view });
    this.persist(view.id);
    this.queue.push(view.id);
    this.pump();
    return view;
  }

  list(accountId: string): ExperimentSummary[] {
    return this.owned(accountId)
      .map(({ view }) => summaryOf(view))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** An experiment of the account; another account's is not found, as if it did not exist. */
  get(accountId: string, id: string): Experiment {
    const stored = this.experiments.get(id);
    if (stored === undefined || stored.accountId !== accountId) throw notFound(`Experiment ${id}`);
    return stored.view;
  }

  /** Stops a queued or running experiment: its replications are abandoned, nothing of it is summarised. */
  async cancel(accountId: string, id: string): Promise<Experiment> {
    const view = this.get(accountId, id);
    if (view.status !== 'queued' && view.status !== 'running') {
      throw new ServerError(
        ServerErrorCode.ExperimentFinished,
        `Experiment ${id} has ${view.status === 'succeeded' ? 'succeeded' : `been ${view.status}`}: there is nothing to cancel`,
      );
    }
    const queued = this.queue.indexOf(id);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (this.running?.id === id) {
      this.running.cancelled = true;
      await this.running.runner.close();
    }
    return this.update(id, { status: 'cancelled', finishedAt: new Date().toISOString() });
  }

  /** Deletes an experiment (cancelling it first if it has not finished). */
  async delete(accountId: string, id: string): Promise<void> {
    const view = this.get(accountId, id);
    if (view.status === 'queued' || view.status === 'running') await this.cancel(accountId, id);
    this.experiments.delete(id);
    rmSync(this.fileOf(id), { force: true });
  }

  /** Cancels what runs; what is queued stays queued in its file and is failed, saying why, on the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    const running = this.running;
    if (running !== null) {
      running.cancelled = true;
      await running.runner.close();
    }
  }

  private owned(accountId: string): StoredExperiment[] {
    return [...this.experiments.values()].filter((stored) => stored.accountId === accountId);
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
    const id = this.queue.shift();
    if (id === undefined) return;
    void this.run(id).finally(() => {
      this.running = null;
      this.pump();
    });
  }

  private async run(id: string): Promise<void> {
    const stored = this.experiments.get(id);
    if (stored === undefined) return;
    const lab = await this.labModule();
    const runner = lab.createRunner(this.config.limits.experimentWorkers, { inThread: false });
    const running = { id, runner, cancelled: false };
    this.running = running;
    this.update(id, { status: 'running', startedAt: new Date().toISOString() });
    try {
      const experiment = await this.load(stored.view.yaml);
      const result = await lab.runExperiment(experiment, {
        workers: this.config.limits.experimentWorkers,
        packsModule: PACKS_MODULE,
        cache: null,
        runner,
        onProgress: (progress) => {
          if (!running.cancelled) this.progress(id, progress);
        },
      });
      if (!running.cancelled) {
        this.update(id, { status: 'succeeded', results: resultsOf(result), finishedAt: new Date().toISOString() });
      }
    } catch (error) {
      if (!running.cancelled) {
        const message = error instanceof Error ? error.message : String(error);
        this.update(id, { status: 'failed', error: message, finishedAt: new Date().toISOString() });
      }
    } finally {
      await runner.close().catch(() => undefined);
    }
  }

  /** Progress is kept in memory only: a file write per replication would cost more than the replication. */
  private progress(id: string, progress: ExperimentProgress): void {
    const stored = this.experiments.get(id);
    if (stored === undefined) return;
    this.experiments.set(id, { ...stored, view: { ...stored.view, progress } });
  }

  private update(
    id: string,
    fields: Partial<Pick<Experiment, 'status' | 'error' | 'startedAt' | 'finishedAt' | 'results'>> & {
      status?: ExperimentStatus;
    },
  ): Experiment {
    const stored = this.experiments.get(id);
    if (stored === undefined) throw notFound(`Experiment ${id}`);
    const view = { ...stored.view, ...fields };
    this.experiments.set(id, { ...stored, view });
    this.persist(id);
    return view;
  }

  private fileOf(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  /** Written whole, then renamed into place: a crash leaves the previous file or the new one, never half of one. */
  private persist(id: string): void {
    const stored = this.experiments.get(id);
    if (stored === undefined) return;
    const temporary = `${this.fileOf(id)}.tmp`;
    writeFileSync(temporary, JSON.stringify(stored));
    renameSync(temporary, this.fileOf(id));
  }
}

function summaryOf(view: Experiment): ExperimentSummary {
  const { yaml: _yaml, results: _results, ...summary } = view;
  return summary;
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
