import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '@doppel/store-sqlite';
import type { TestResult, TestValidation } from '@doppel/twin/contracts';
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
import type { TestReplay, TestWorkerInit, TestWorkerMessage, TestWorkerRequest } from './protocol.js';

const workerUrl = siblingModule(import.meta.url, 'test-worker');

/** Runs on the wire at once over the whole server: each holds a core while it runs. */
const MAX_RUNNING = 4;

function spawn(init: TestWorkerInit, memoryMb: number): Worker {
  return startModuleWorker(workerUrl, {
    workerData: init,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(192, memoryMb / 4) },
  });
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
  private checker: Worker | null = null;
  private checks = new Map<number, { resolve: (v: TestValidation) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly queue: Queued[] = [];
  private readonly running = new Map<string, Running>();
  private stopped = false;
  private readonly init: TestWorkerInit;

  constructor(
    private readonly tests: TestCatalog,
    private readonly config: ServerConfig,
  ) {
    this.init = { packModules: config.packModules, examplesDir: config.examplesDir };
    // Runs in the catalog's lane before anything a request asks of it; a run started meanwhile waits for it.
    this.recovered = tests.failInterruptedRuns(new Date().toISOString());
  }

  private readonly recovered: Promise<number>;

  /** Checks a test's text: every located problem, or what it runs. */
  check(yaml: string): Promise<TestValidation> {
    if (this.stopped) return Promise.reject(new ServerError(ServerErrorCode.ShuttingDown, 'The server is stopping'));
    const worker = this.checkerWorker();
    const id = this.nextId++;
    const limitMs = this.config.limits.requestTimeoutMs;
    return new Promise<TestValidation>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A check that does not finish in time is stopped with its worker; the next check starts a fresh one.
        this.failChecks(new ServerError(ServerErrorCode.Timeout, `Checking the test took longer than ${limitMs} ms`));
      }, limitMs);
      this.checks.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      worker.postMessage({ op: 'check', id, yaml } satisfies TestWorkerRequest);
    });
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
    const worker = spawn(this.init, this.config.limits.workerMemoryMb);
    const limitMs = this.config.limits.testRunTimeoutMs;
    const timer = setTimeout(
      () =>
        this.end(row.id, { status: 'error', error: `the run took longer than ${limitMs / 1000} s and was stopped` }),
      limitMs,
    );
    timer.unref();
    this.running.set(row.id, { row, worker, timer });
    this.record(row.id, { status: 'running', started_at: new Date().toISOString() });
    worker.on('message', (message: TestWorkerMessage) => {
      if (message.type === 'progress') this.record(row.id, { done: message.done, total: message.total });
      else if (message.type === 'result') this.finish(row.id, message.result, message.replay);
      else if (message.type === 'error') this.end(row.id, { status: 'error', error: message.message });
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const reason =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the run exceeded its memory limit (${this.config.limits.workerMemoryMb} MB)`
          : `the run failed: ${error.message.split('\n')[0]}`;
      this.end(row.id, { status: 'error', error: reason });
    });
    worker.on('exit', (code) => this.end(row.id, { status: 'error', error: `the run stopped unexpectedly (${code})` }));
    worker.postMessage({ op: 'run', id: 1, yaml, name: row.test_name } satisfies TestWorkerRequest);
  }

  private finish(runId: string, result: TestResult, replay: TestReplay | null): void {
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

  private checkerWorker(): Worker {
    if (this.checker !== null) return this.checker;
    const worker = spawn(this.init, this.config.limits.workerMemoryMb);
    worker.unref();
    worker.on('message', (message: TestWorkerMessage) => {
      const pending = this.checks.get(message.id);
      if (pending === undefined) return;
      this.checks.delete(message.id);
      if (message.type === 'checked') pending.resolve(message.validation);
      else if (message.type === 'error') {
        pending.resolve({
          valid: false,
          issues: message.issues ?? [{ path: '', message: message.message }],
          test: null,
        });
      }
    });
    const died = (reason: string): void => {
      if (this.checker !== worker) return;
      this.failChecks(new ServerError(ServerErrorCode.WorkerFailed, `Checking the test failed: ${reason}`));
    };
    worker.on('error', (error) => died(error.message.split('\n')[0]));
    worker.on('exit', (code) => died(`the checker stopped (${code})`));
    this.checker = worker;
    return worker;
  }

  private failChecks(error: ServerError): void {
    const worker = this.checker;
    this.checker = null;
    if (worker !== null) void worker.terminate();
    const pending = [...this.checks.values()];
    this.checks.clear();
    for (const check of pending) check.reject(error);
  }
}
