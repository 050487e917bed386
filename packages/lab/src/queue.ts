import { createHash } from 'node:crypto';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { LabError, LabErrorCode } from './errors.js';
import { createRunner, type ReplicationRunner } from './pool.js';
import type { ReplicationJob, ReplicationOutcome } from './replicate.js';

/** The queue replication jobs go through unless told otherwise. */
export const DEFAULT_QUEUE = 'doppel-replications';

/**
 * A worker holds a job's lock for this long and renews it at half of it; a worker that dies (SIGKILL, power loss)
 * stops renewing, and the job goes back to the queue for another worker within about this time plus the stalled
 * check's interval. Replications run on worker threads, so a long one never starves the renewal.
 */
const LOCK_MS = 4_000;
const STALLED_CHECK_MS = 2_000;
/** Finished jobs are kept this long: a resubmitted job (same key) within it takes the stored result. */
const KEEP_FINISHED_S = 24 * 3600;
/** How long connecting to Redis may take before the command gives up with a clear error. */
const CONNECT_TIMEOUT_MS = 5_000;

export interface QueueTarget {
  /** redis://host:port[/db] */
  readonly redis: string;
  readonly queue?: string;
}

/**
 * A job's key, which is its BullMQ job id: the same replication (code version, base, settings, seed, trace or not)
 * always has the same key, so submitting it twice — a rerun, or two submitters — queues it once.
 */
export function replicationKey(codeVersion: string, baseIdentity: string, job: ReplicationJob): string {
  const { packsModule: _where, ...what } = job as ReplicationJob & { packsModule?: string };
  const text = JSON.stringify({ code: codeVersion, base: baseIdentity, job: sortKeys(what) });
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Runs replications as BullMQ jobs on whichever `doppel worker`s listen on the queue, each awaited until a worker
 * completes it. A job is completed once in Redis whatever happens to workers, so every result is counted once.
 */
export async function createQueueRunner(
  target: QueueTarget,
  identity: { readonly codeVersion: string; readonly baseIdentity: string },
): Promise<ReplicationRunner> {
  const name = target.queue ?? DEFAULT_QUEUE;
  const connection = await connect(target.redis, false);
  const events = await connect(target.redis, true);
  const queue = new Queue<ReplicationJob, ReplicationOutcome>(name, { connection });
  // Every job in flight waits on the queue's close: as many listeners as jobs, by design.
  queue.setMaxListeners(0);
  const queueEvents = new QueueEvents(name, { connection: events });
  queueEvents.setMaxListeners(0);
  await queueEvents.waitUntilReady();
  return {
    run: async (job) => {
      const jobId = replicationKey(identity.codeVersion, identity.baseIdentity, job);
      const queued = await queue.add('replication', job, {
        jobId,
        // A replication that throws fails the same way everywhere: retrying it would only fail again. A worker
        // that dies is another matter: its job stalls and is retried (maxStalledCount on the worker).
        attempts: 1,
        removeOnComplete: { age: KEEP_FINISHED_S },
        removeOnFail: { age: 60 },
      });
      return (await queued.waitUntilFinished(queueEvents)) as ReplicationOutcome;
    },
    close: async () => {
      await queueEvents.close();
      await queue.close();
      connection.disconnect();
      events.disconnect();
    },
  };
}

export interface ReplicationWorker {
  /** Finishes the jobs in hand, then stops taking jobs. */
  close(): Promise<void>;
}

export interface WorkerOptions extends QueueTarget {
  /** Jobs taken at once, each on its own thread. */
  readonly concurrency: number;
  /** The module scenario jobs load their packs from on this machine (a submitter's paths mean nothing here). */
  readonly packsModule: string;
  readonly onJob?: (event: 'active' | 'completed' | 'failed', jobId: string) => void;
}

/** Takes replication jobs from the queue and runs them on a pool of threads until closed. */
export async function startReplicationWorker(options: WorkerOptions): Promise<ReplicationWorker> {
  const connection = await connect(options.redis, true);
  const threads = createRunner(options.concurrency, { inThread: false });
  const worker = new Worker<ReplicationJob, ReplicationOutcome>(
    options.queue ?? DEFAULT_QUEUE,
    async (job: Job<ReplicationJob, ReplicationOutcome>) => {
      options.onJob?.('active', job.id ?? '');
      const data = job.data;
      return threads.run(data.kind === 'scenario' ? { ...data, packsModule: options.packsModule } : data);
    },
    {
      connection,
      concurrency: options.concurrency,
      lockDuration: LOCK_MS,
      stalledInterval: STALLED_CHECK_MS,
      maxStalledCount: 2,
    },
  );
  worker.on('completed', (job) => options.onJob?.('completed', job.id ?? ''));
  worker.on('failed', (job) => options.onJob?.('failed', job?.id ?? ''));
  // A Redis hiccup is reported by the connection and retried by BullMQ; it must not kill the process.
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await threads.close();
      connection.disconnect();
    },
  };
}

/** A Redis connection that answered PING, or a LabError naming the URL. */
async function connect(url: string, blocking: boolean): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LabError(
      LabErrorCode.RedisUnavailable,
      `--redis: expected a URL such as redis://127.0.0.1:6379, found "${url}"`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new LabError(LabErrorCode.RedisUnavailable, `--redis: expected a redis:// URL, found "${url}"`);
  }
  const redis = new Redis(url, {
    // BullMQ's blocking connections must retry forever; the submitter's fail fast.
    maxRetriesPerRequest: blocking ? null : 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    lazyConnect: true,
    retryStrategy: (times) => (times > 3 ? null : 200 * times),
  });
  redis.on('error', () => undefined); // reported through the failed PING below, or retried by BullMQ later
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new LabError(
      LabErrorCode.RedisUnavailable,
      `--redis: cannot reach Redis at ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return redis;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, inner]) => [key, sortKeys(inner)]),
  );
}
