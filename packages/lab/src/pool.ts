import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { runReplication, type ReplicationJob, type ReplicationOutcome } from './replicate.js';

/** Runs replications; `close` releases its threads. */
export interface ReplicationRunner {
  run(job: ReplicationJob): Promise<ReplicationOutcome>;
  close(): Promise<void>;
}

/** One worker thread per core unless told otherwise. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * A runner on `workers` threads (piscina); with one worker, replications run in this thread (unless `inThread` is
 * false: a queue worker must keep its event loop free to renew its job locks), which is what the threads would
 * compute too: results never depend on the number of workers.
 */
export function createRunner(workers: number, options: { readonly inThread?: boolean } = {}): ReplicationRunner {
  return threadPool('replication-worker', runReplication, workers, options);
}

/** Runs jobs of one kind on worker threads, or in this thread when there is one worker. */
export interface ThreadPool<Job, Outcome> {
  run(job: Job): Promise<Outcome>;
  close(): Promise<void>;
}

/**
 * A pool of `workers` threads running the default export of the lab module `workerModule` (a file of this folder,
 * without extension); with one worker (and `inThread` not false) `inThisThread` runs the jobs here instead.
 */
export function threadPool<Job, Outcome>(
  workerModule: string,
  inThisThread: (job: Job) => Promise<Outcome>,
  workers: number,
  options: { readonly inThread?: boolean } = {},
): ThreadPool<Job, Outcome> {
  if (workers <= 1 && options.inThread !== false) return { run: inThisThread, close: async () => undefined };
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const pool = new Piscina<Job, Outcome>({
    filename: fileURLToPath(new URL(`./${workerModule}${fromSource ? '.ts' : '.js'}`, here)),
    minThreads: workers,
    maxThreads: workers,
    // From sources (tests, tsx) a worker registers tsx's loader and resolves workspace packages to their sources.
    execArgv: fromSource ? ['--import', tsxBootstrap(), '--conditions=@doppel/source'] : [],
    // Simulations allocate many short-lived objects: the doppel command's young generation.
    resourceLimits: { maxYoungGenerationSizeMb: 192 },
  });
  return {
    run: (job) => pool.run(job),
    close: () => pool.destroy(),
  };
}

/** A data: module registering tsx's ESM loader (its `./esm/api` entry). */
function tsxBootstrap(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const api = pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api'].import.default)).href;
  return 'data:text/javascript,' + encodeURIComponent(`import { register } from ${JSON.stringify(api)}; register();`);
}
