import { parentPort, workerData } from 'node:worker_threads';
import { tracedFmuRunner, useFmuRunner } from '@doppel/pack-process';
import { uploadedFmuRunner } from '../fmus/fmu-runner.js';
import type { WorkerInit } from './protocol.js';
import type { MethodCall } from './remote.js';
import { SimulationService } from './simulation-service.js';

/**
 * The entry of a simulation's worker thread: one `SimulationService` answers the host's calls (one call, or the
 * calls of one turn of the host's loop), and a heartbeat tells the host the thread is alive.
 */
if (parentPort === null) throw new Error('worker-main runs in a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;
// FMUs that can save their state keep a trace, so a branch continues them from their state instead of from t = 0.
useFmuRunner(
  tracedFmuRunner(uploadedFmuRunner(init.fmuDir), new Map(Object.entries(init.fmuResumes ?? {})), (id, message) =>
    port.postMessage({ type: 'note', message: `FMU component ${id}: ${message}` }),
  ),
);
const service = new SimulationService(init, (post) => port.postMessage(post));

setInterval(() => SimulationService.heartbeat(service), init.heartbeatMs).unref();

void SimulationService.open(service).then((opened) => {
  if (!opened) return;
  port.on('message', (calls: MethodCall | readonly MethodCall[]) => {
    if (!Array.isArray(calls)) return void SimulationService.answer(service, calls as MethodCall);
    for (const call of calls as readonly MethodCall[]) void SimulationService.answer(service, call);
  });
});
