import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '@doppel/store-sqlite';
import { formatDuration, type ResolvedScenario } from '@doppel/twin';
import { markFailed, OUTPUT_FILES, removeIfExists } from './outputs.js';
import { ProgressBar } from './progress.js';
import type { RunScenarioOptions, RunScenarioResult } from './run-scenario.js';
import { UserError } from './user-error.js';
import type { RunWorkerJob, RunWorkerMessage } from './run-worker-protocol.js';
import type { UserModule } from './user-modules.js';

/** Seconds without progress after which a run with a user-supplied module is stopped. */
export const DEFAULT_STALL_TIMEOUT_S = 60;

/**
 * Runs a scenario that runs the user's `module` (an Enactor, a driving policy) on a worker thread and watches it: the worker reports after
 * every slice of the horizon (and every second while it waits for the disk), and once nothing came for the stall
 * timeout the worker is terminated (which stops even a synchronous endless loop), the output directory is marked
 * failed and the run fails with the module named. The user's code never runs on the command's own thread.
 */
export async function runWatched(
  scenario: ResolvedScenario,
  options: RunScenarioOptions,
  module: UserModule,
): Promise<RunScenarioResult> {
  const stalled = module.stalledCode;
  const stallTimeoutS = options.stallTimeoutS ?? DEFAULT_STALL_TIMEOUT_S;
  const bar = new ProgressBar(scenario.name, options.progress);
  const job: RunWorkerJob = {
    scenario,
    outDir: options.outDir,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.interventionLog === undefined ? {} : { interventionLog: options.interventionLog }),
  };
  // The doppel command's young generation (three 64 MB semi-spaces): simulations allocate short-lived objects.
  const worker = startModuleWorker(siblingModule(import.meta.url, 'run-worker'), {
    workerData: job,
    resourceLimits: { maxYoungGenerationSizeMb: 192 },
  });
  try {
    return await watch(
      worker,
      stallTimeoutS,
      (fraction, detail) => bar.update(fraction, detail),
      (simTime) => {
        const at =
          simTime === null
            ? 'before the simulation started'
            : `its last progress at sim time ${formatDuration(simTime)}`;
        return new UserError(
          `${module.path}: the simulation made no progress for ${stallTimeoutS} s (${at}) while running this ` +
            `${module.noun}, which may never return; the run was stopped (--stall-timeout sets the limit) [${stalled}]`,
          1,
        );
      },
    );
  } catch (error) {
    if (options.outDir !== null && error instanceof UserError && error.message.endsWith(`[${stalled}]`)) {
      // The worker was terminated mid-run: nothing of it may look complete.
      removeIfExists(join(options.outDir, `.${OUTPUT_FILES.ledgerDb}.partial`));
      markFailed(options.outDir, error);
    }
    throw error;
  } finally {
    bar.done();
    await worker.terminate();
  }
}

function watch(
  worker: Worker,
  stallTimeoutS: number,
  progress: (fraction: number, detail: string) => void,
  stalled: (simTime: number | null) => Error,
): Promise<RunScenarioResult> {
  return new Promise((resolve, reject) => {
    // The clock starts at the worker's first word: loading Doppel itself on a starved machine is not the user's module
    // stalling (a failure to load ends in 'error' or 'exit' anyway).
    let lastHeard: number | null = null;
    let simTime: number | null = null;
    const finish = (settle: () => void): void => {
      clearInterval(watchdog);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      settle();
    };
    const onMessage = (message: RunWorkerMessage): void => {
      lastHeard = performance.now();
      if (message.type === 'alive') simTime = message.simTime;
      else if (message.type === 'progress') {
        simTime = message.simTime;
        progress(message.fraction, message.detail);
      } else if (message.type === 'done') finish(() => resolve(message.result));
      else if (message.type === 'failed') finish(() => reject(new UserError(message.message, message.exitCode)));
    };
    const onError = (error: Error): void =>
      finish(() => reject(new UserError(`the simulation's thread failed: ${error.message}`, 1)));
    const onExit = (code: number): void =>
      finish(() => reject(new UserError(`the simulation's thread stopped (exit code ${code})`, 1)));
    const watchdog = setInterval(
      () => {
        if (lastHeard === null || performance.now() - lastHeard <= stallTimeoutS * 1000) return;
        // terminate() interrupts even a synchronous endless loop in the worker's JavaScript.
        void worker.terminate();
        finish(() => reject(stalled(simTime)));
      },
      Math.min(1000, (stallTimeoutS * 1000) / 4),
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
