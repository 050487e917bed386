import { parentPort, workerData } from 'node:worker_threads';
import { runScenarioHere } from './run-scenario.js';
import type { RunWorkerJob, RunWorkerMessage } from './run-worker-protocol.js';
import { describeError } from './user-error.js';

// The thread a run with a user-supplied Enactor module runs on (see watched-run.ts).
const port = parentPort;
if (port === null) throw new Error('the run worker runs in a worker thread');
const job = workerData as RunWorkerJob;
const say = (message: RunWorkerMessage): void => port.postMessage(message);

// A sign of life while the run awaits (loading, flushing, writing outputs); a synchronous loop silences it too.
let simTime: number | null = null;
const alive = setInterval(() => say({ type: 'alive', simTime }), 1000);
say({ type: 'alive', simTime });

runScenarioHere(
  job.scenario,
  {
    outDir: job.outDir,
    progress: false,
    ...(job.seed === undefined ? {} : { seed: job.seed }),
    ...(job.interventionLog === undefined ? {} : { interventionLog: job.interventionLog }),
  },
  (fraction, detail) => {
    simTime = fraction * job.scenario.durationS;
    say({ type: 'progress', fraction, detail, simTime });
  },
)
  .then((result) => say({ type: 'done', result }))
  .catch((error: unknown) => say({ type: 'failed', ...describeError(error) }))
  .finally(() => clearInterval(alive));
