import { siblingModule, startModuleWorker } from '@doppel/store-sqlite';
import type { Worker } from 'node:worker_threads';
import type { TestJob, TestOutcome } from './messages.js';

/** The code of a test stopped at its wall-clock deadline (a user-supplied module that never returns, say). */
const TEST_TIMEOUT = 'DOPPEL_ERR_TEST_TIMEOUT';

/**
 * Runs test files on up to `threads` worker threads (each test is CPU-bound simulation), calling `onOutcome` as each
 * one finishes. Every test runs in a worker, even with one thread, so that a test still running after `timeoutS`
 * seconds (user code can loop forever) is stopped by terminating its worker; it is reported as an error and the
 * remaining tests run on a fresh worker. Outcomes come back in file order.
 */
export async function runPool(
  jobs: readonly TestJob[],
  threads: number,
  timeoutS: number,
  onOutcome: (outcome: TestOutcome) => void,
): Promise<TestOutcome[]> {
  const outcomes = new Array<TestOutcome>(jobs.length);
  let next = 0;
  const workers = new Set<Worker>();
  const start = (): Worker => {
    // The doppel command's young generation (three 64 MB semi-spaces): simulations allocate short-lived objects.
    const worker = startModuleWorker(siblingModule(import.meta.url, 'worker'), {
      resourceLimits: { maxYoungGenerationSizeMb: 192 },
    });
    workers.add(worker);
    return worker;
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(Math.max(1, threads), jobs.length) }, async () => {
        let worker = start();
        while (next < jobs.length) {
          const index = next++;
          const { outcome, stopped } = await ask(worker, jobs[index], timeoutS);
          outcomes[index] = outcome;
          onOutcome(outcome);
          if (stopped) {
            workers.delete(worker);
            worker = start();
          }
        }
      }),
    );
  } finally {
    await Promise.all([...workers].map((worker) => worker.terminate()));
  }
  return outcomes;
}

/** One test on `worker`; `stopped` says the worker is gone (it hit the deadline or died) and must be replaced. */
function ask(
  worker: Worker,
  job: TestJob,
  timeoutS: number,
): Promise<{ readonly outcome: TestOutcome; readonly stopped: boolean }> {
  return new Promise((resolve) => {
    const finish = (outcome: TestOutcome, stopped: boolean): void => {
      clearTimeout(deadline);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve({ outcome, stopped });
    };
    const onMessage = (outcome: TestOutcome): void => finish(outcome, false);
    const onError = (error: Error): void =>
      finish({ kind: 'error', file: job.file, message: error.stack ?? error.message }, true);
    const onExit = (code: number): void =>
      finish({ kind: 'error', file: job.file, message: `the test worker stopped (exit code ${code})` }, true);
    const deadline = setTimeout(() => {
      // terminate() interrupts even a synchronous endless loop in the worker's JavaScript.
      void worker.terminate();
      finish(
        {
          kind: 'error',
          file: job.file,
          code: TEST_TIMEOUT,
          message: `test ${job.file} did not finish within the ${timeoutS} s deadline (--timeout); it was stopped`,
        },
        true,
      );
    }, timeoutS * 1000);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
  });
}
