import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '@doppel/store-sqlite';
import type { TestValidation } from '@doppel/twin/contracts';
import {
  type Account,
  newId,
  type ScenarioTestRow,
  type TestCatalog,
  type TestRunRow,
  type TestRunUpdate,
} from '@doppel/catalog';
import type { ServerConfig } from '../config.js';
import { ServerError, ServerErrorCode } from '../errors.js';
import { RemoteCalls } from '../sim/remote.js';
import type { TestOutcome, TestWorkerApi, TestWorkerError, TestWorkerInit, TestWorkerMessage } from './protocol.js';

const workerUrl = siblingModule(import.meta.url, 'test-worker');

/** Runs on the wire at once over the whole server: each holds a core while it runs. */
const MAX_RUNNING = 4;

/** A test worker and its operations; `progress` hears the progress a run reports. */
interface TestWorker {
  readonly worker: Worker;
  readonly calls: RemoteCalls<TestWorkerApi, TestWorkerError>;
}

/** A failed call of a test worker, with the located issues of the test's text when it has them. */
class TestWorkerFailure extends Error {
  constructor(readonly reported: TestWorkerError) {
    super(reported.message);
  }
}

function spawn(
  init: TestWorkerInit,
  memoryMb: number,
  progress: (done: number, total: number) => void = () => undefined,
): TestWorker {
  const worker = startModuleWorker(workerUrl, {
    workerData: init,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(192, memoryMb / 4) },
  });
  const calls = new RemoteCalls<TestWorkerApi, TestWorkerError>(
    (call) => worker.postMessage(call),
    (reported) => new TestWorkerFailure(reported),
  );
  worker.on('message', (message: TestWorkerMessage) => {
    if (message.type === 'progress') progress(message.done, message.total);
    else calls.settle(message);
  });
  return { worker, calls };
}

interface Queued {
  readonly row: TestRunRow;
  readonly yaml: string;
}

interface Running {
  readonly row: TestRunRow;
  readonly worker: Worker;
  readonly timer: NodeJS.Timeout;
}

/**
 * Checks and runs scenario tests in worker threads. Checks go to one long-lived worker, one at a time; each run gets
 * a worker of its own (memory limit, wall-clock limit, terminated when its test is deleted), at most
 * `maxTestRunsPerAccount` of an account at once and MAX_RUNNING over the server; the rest wait in order.
 */
export class TestRuns {
  private checker: TestWorker | null = null;
  private readonly queue: Queued[] = [];
  private readonly running = new Map<string, Running>();
  private stopped = false;
  private readonly init: TestWorkerInit;

  constructor(
    private readonly tests: TestCatalog,
    private readonly config: ServerConfig,
  ) {
    this.init = {
      packModules: config.packModules,
      examplesDir: config.examplesDir,
      moduleDirs: config.moduleDirs,
    };
    // Runs in the catalog's lane before anything a request asks of it; a run started meanwhile waits for it.
    this.recovered = tests.failInterruptedRuns(new Date().toISOString());
  }

  private readonly recovered: Promise<number>;

  /** Checks a test's text: every located problem, or what it runs. */
  check(yaml: string): Promise<TestValidation> {
    if (this.stopped) return Promise.reject(new ServerError(ServerErrorCode.ShuttingDown, 'The server is stopping'));
    const checker = this.checkerWorker();
    const limitMs = this.config.limits.requestTimeoutMs;
    // A check that does not finish in time is stopped with its worker; the next check starts a fresh one.
    const timer = setTimeout(
      () =>
        this.failChecks(new ServerError(ServerErrorCode.Timeout, `Checking the test took longer than ${limitMs} ms`)),
      limitMs,
    );
    return checker.calls.api
      .check(yaml)
      .catch((error: unknown) => {
        // A test whose text could not be read is invalid, with what the worker could say about it.
        if (!(error instanceof TestWorkerFailure)) throw error;
        const { message, issues } = error.reported;
        return { valid: false, issues: issues ?? [{ path: '', message }], test: null };
      })
      .finally(() => clearTimeout(timer));
  }

  /** Queues a run of a test; it starts as soon as the account and the server have room. */
  async start(account: Account, test: ScenarioTestRow): Promise<TestRunRow> {
    await this.recovered;
    const limit = this.config.limits.maxQueuedTestRunsPerAccount;
    if ((await this.tests.activeRuns(account.id)) >= limit) {
      throw new ServerError(
        ServerErrorCode.LimitExceeded,
        `At most ${limit} test runs of an account may be queued or running at once: wait for one to finish`,
      );
    }
    const row: TestRunRow = {
      id: newId('run'),
      account_id: account.id,
      test_id: test.id,
      test_name: test.name,
      status: 'queued',
      done: 0,
      total: 0,
      error: null,
      first_failure: null,
      result_json: null,
      replay_json: null,
      created_at: new Date().toISOString(),
      started_at: null,
      finished_at: null,
    };
    await this.tests.insertRun(row);
    this.queue.push({ row, yaml: test.yaml });
    this.pump();
    return row;
  }

  /** Stops the runs of a test (it is being deleted). */
  cancelTest(testId: string): void {
    for (let index = this.queue.length - 1; index >= 0; index--) {
      if (this.queue[index].row.test_id === testId) this.queue.splice(index, 1);
    }
    for (const run of [...this.running.values()]) {
      if (run.row.test_id === testId) this.end(run.row.id, { status: 'error', error: 'the test was deleted' });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.failChecks(new ServerError(ServerErrorCode.ShuttingDown, 'The server is stopping'));
    const workers = [...this.running.values()].map((run) => {
      clearTimeout(run.timer);
      return run.worker.terminate();
    });
    this.running.clear();
    await Promise.all(workers);
  }

  private pump(): void {
    if (this.stopped) return;
    const perAccount = this.config.limits.maxTestRunsPerAccount;
    for (let index = 0; index < this.queue.length && this.running.size < MAX_RUNNING;) {
      const next = this.queue[index];
      const mine = [...this.running.values()].filter((run) => run.row.account_id === next.row.account_id).length;
      if (mine >= perAccount) {
        index++;
        continue;
      }
      this.queue.splice(index, 1);
      this.launch(next);
    }
  }

  private launch({ row, yaml }: Queued): void {
    const { worker, calls } = spawn(this.init, this.config.limits.workerMemoryMb, (done, total) =>
      this.record(row.id, { done, total }),
    );
    const limitMs = this.config.limits.testRunTimeoutMs;
    const timer = setTimeout(
      () =>
        this.end(row.id, { status: 'error', error: `the run took longer than ${limitMs / 1000} s and was stopped` }),
      limitMs,
    );
    timer.unref();
    this.running.set(row.id, { row, worker, timer });
    this.record(row.id, { status: 'running', started_at: new Date().toISOString() });
    worker.on('error', (error: Error & { code?: string }) => {
      const reason =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the run exceeded its memory limit (${this.config.limits.workerMemoryMb} MB)`
          : `the run failed: ${error.message.split('\n')[0]}`;
      this.end(row.id, { status: 'error', error: reason });
    });
    worker.on('exit', (code) => this.end(row.id, { status: 'error', error: `the run stopped unexpectedly (${code})` }));
    calls.api.run(yaml, row.test_name).then(
      (outcome) => this.finish(row.id, outcome),
      (error: unknown) => this.end(row.id, { status: 'error', error: (error as Error).message }),
    );
  }

  private finish(runId: string, { result, replay }: TestOutcome): void {
    const first = result.failures[0];
    this.end(runId, {
      status: result.status,
      result_json: JSON.stringify(result),
      replay_json: replay === null ? null : JSON.stringify(replay),
      first_failure: first === undefined ? null : `${first.kind} ${first.ref}: ${first.message}`,
    });
  }

  /** Ends a run once (later reports of its worker are ignored), frees its worker and starts the next. */
  private end(runId: string, fields: TestRunUpdate): void {
    const run = this.running.get(runId);
    if (run === undefined) return;
    this.running.delete(runId);
    clearTimeout(run.timer);
    void run.worker.terminate();
    this.record(runId, { ...fields, finished_at: new Date().toISOString() });
    this.pump();
  }

  /**
   * Writes a run's progress or end without waiting (writes land in order). One that fails is not retried: a run
   * left running in the catalog ends in an error at the next start.
   */
  private record(runId: string, fields: TestRunUpdate): void {
    this.tests.updateRun(runId, fields).catch(() => undefined);
  }

  private checkerWorker(): TestWorker {
    if (this.checker !== null) return this.checker;
    const checker = spawn(this.init, this.config.limits.workerMemoryMb);
    const { worker } = checker;
    worker.unref();
    const died = (reason: string): void => {
      if (this.checker !== checker) return;
      this.failChecks(new ServerError(ServerErrorCode.WorkerFailed, `Checking the test failed: ${reason}`));
    };
    worker.on('error', (error) => died(error.message.split('\n')[0]));
    worker.on('exit', (code) => died(`the checker stopped (${code})`));
    this.checker = checker;
    return checker;
  }

  private failChecks(error: ServerError): void {
    const checker = this.checker;
    this.checker = null;
    if (checker === null) return;
    void checker.worker.terminate();
    checker.calls.rejectAll(() => error);
  }
}
