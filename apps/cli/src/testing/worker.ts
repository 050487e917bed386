import { parentPort } from 'node:worker_threads';
import { executeTest } from './execute.js';
import type { TestJob } from './messages.js';

// A test worker: runs the files it is sent, one at a time, and answers each with its outcome.
const port = parentPort;
if (port === null) throw new Error('the test worker runs in a worker thread');
port.on('message', (job: TestJob) => {
  void executeTest(job).then((outcome) => port.postMessage(outcome));
});
