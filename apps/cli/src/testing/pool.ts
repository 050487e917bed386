import { siblingModule, startModuleWorker } from '@doppel/store-sqlite';
import type { Worker } from 'node:worker_threads';
import { executeTest } from './execute.js';
import type { TestJob, TestOutcome } from './messages.js';

/**
 * Runs test files on `jobs` worker threads (each test is CPU-bound simulation), calling `onOutcome` as each one
 * finishes; with one job everything runs in this thread. Outcomes come back in file order.
 */
export async function runPool(
  jobs: readonly TestJob[],
  threads: number,
  onOutcome: (outcome: TestOutcome) => void,
): Promise<TestOutcome[]> {
  const outcomes = new Array<TestOutcome>(jobs.length);
  if (threads <= 1 || jobs.length <= 1) {
    for (let index = 0; index < jobs.length; index++) {
      outcomes[index] = await executeTest(jobs[index]);
      onOutcome(outcomes[index]);
    }
    return outcomes;
  }
  let next = 0;
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: Math.min(threads, jobs.length) }, async () => {
        // The doppel command's young generation (three 64 MB semi-spaces): simulations allocate short-lived objects.
        const worker = startModuleWorker(siblingModule(import.meta.url, 'worker'), {
          resourceLimits: { maxYoungGenerationSizeMb: 192 },
        });
        workers.push(worker);
        while (next < jobs.length) {
          const index = next++;
          outcomes[index] = await ask(worker, jobs[index]);
          onOutcome(outcomes[index]);
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return outcomes;
}

function ask(worker: Worker, job: TestJob): Promise<TestOutcome> {
  return new Promise((resolve) => {
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (outcome: TestOutcome): void => {
      cleanup();
      resolve(outcome);
    };
    const onError = (error: Error): void => {
      cleanup();
      resolve({ kind: 'error', file: job.file, message: error.stack ?? error.message });
    };
    const onExit = (code: number): void => {
      cleanup();
      resolve({ kind: 'error', file: job.file, message: `the test worker stopped (exit code ${code})` });
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
  });
}
