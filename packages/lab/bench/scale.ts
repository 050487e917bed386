/**
 * Scale-out benchmark: the same experiment's replications on 1 and 2 worker threads, on 1 and 2 `doppel worker`
 * processes through Redis, and the scheduling overhead per job (tiny replications through each runner against the
 * same replications run in this thread).
 * Run (after `npx tsc -b`, the workers are the built CLI):
 *   npx tsx --conditions=@doppel/source packages/lab/bench/scale.ts [replications] [until]
 * Redis: DOPPEL_BENCH_REDIS_URL (default redis://127.0.0.1:6379); each measurement on a queue of its own, removed
 * afterwards. Prints one JSON array.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { createQueueRunner, loadExperimentText, runExperiment, type ReplicationRunner } from '../src/index.js';
import { createRunner } from '../src/pool.js';

const redisUrl = process.env.DOPPEL_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const replications = Number(process.argv[2] ?? 16);
const until = Number(process.argv[3] ?? 20_000);
const bin = resolve(import.meta.dirname, '../../../apps/cli/bin/doppel.js');
const packsModule = new URL('../../../apps/cli/src/packs.ts', import.meta.url).href;

const experiment = (count: number, horizon: number) =>
  loadExperimentText(
    [
      'seed: 1',
      `base: { model: mmc, params: { lam: 2.4, mu: 1, c: 3, until: ${horizon}, warmup: 0 } }`,
      `replications: ${count}`,
      'outputs: [mean_wait]',
    ].join('\n'),
    'scale.yaml',
  );

async function timed(runner: ReplicationRunner, count: number, horizon: number): Promise<number> {
  const started = process.hrtime.bigint();
  await runExperiment(experiment(count, horizon), { workers: 1, packsModule, cache: null, runner });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function withWorkers<T>(count: number, queue: string, work: () => Promise<T>): Promise<T> {
  const children: ChildProcess[] = [];
  try {
    await Promise.all(
      Array.from({ length: count }, () => {
        const child = spawn(
          process.execPath,
          [bin, 'worker', '--redis', redisUrl, '--queue', queue, '--concurrency', '1'],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        children.push(child);
        return new Promise<void>((ready) => {
          let log = '';
          child.stderr?.on('data', (chunk: Buffer) => {
            log += chunk.toString('utf8');
            if (log.includes('ready on')) ready();
          });
        });
      }),
    );
    return await work();
  } finally {
    for (const child of children) child.kill('SIGTERM');
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`bull:${queue}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

async function queued(workers: number, count: number, horizon: number): Promise<number> {
  const queue = `doppel-bench-${process.pid}-${workers}-${count}-${horizon}`;
  return withWorkers(workers, queue, async () => {
    const runner = await createQueueRunner({ redis: redisUrl, queue }, { codeVersion: 'bench', baseIdentity: queue });
    try {
      return await timed(runner, count, horizon);
    } finally {
      await runner.close();
    }
  });
}

async function local(threads: number, count: number, horizon: number, inThread = false): Promise<number> {
  const runner = createRunner(threads, { inThread });
  try {
    return await timed(runner, count, horizon);
  } finally {
    await runner.close();
  }
}

const results: Record<string, unknown>[] = [];
const local1 = await local(1, replications, until);
const local2 = await local(2, replications, until);
results.push({
  name: 'lab_local_threads',
  replications,
  until,
  one_s: local1,
  two_s: local2,
  speedup: local1 / local2,
});
const redis1 = await queued(1, replications, until);
const redis2 = await queued(2, replications, until);
results.push({
  name: 'lab_redis_workers',
  replications,
  until,
  one_s: redis1,
  two_s: redis2,
  speedup: redis1 / redis2,
});
// Tiny jobs: what each runner adds to a replication that costs almost nothing.
const tiny = 200;
const inThread = await local(1, tiny, 5, true);
const threads = await local(1, tiny, 5);
const redis = await queued(1, tiny, 5);
results.push({
  name: 'lab_scheduling_overhead',
  jobs: tiny,
  in_thread_ms_per_job: (inThread / tiny) * 1000,
  thread_pool_overhead_ms_per_job: ((threads - inThread) / tiny) * 1000,
  redis_overhead_ms_per_job: ((redis - inThread) / tiny) * 1000,
});
console.log(JSON.stringify(results.map((row) => roundAll(row))));

function roundAll(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, typeof value === 'number' ? Number(value.toPrecision(4)) : value]),
  );
}
