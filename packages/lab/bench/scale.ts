/**
 * Scale-out benchmark: the same experiment's replications on 1 and 2 worker threads, on 1 and 2 `doppel worker`
 * processes through Redis, and the scheduling overhead per job (tiny replications through each runner against the
 * same replications run in this thread).
 * Run (after `npx tsc -b`, the workers are the built CLI):
 *   npx tsx --conditions=@doppel/source packages/lab/bench/scale.ts [replications] [until]
 * Redis: DOPPEL_BENCH_REDIS_URL (default redis://127.0.0.1:6379); each measurement on a queue of its own, removed
 * afterwards. Prints one JSON object per line (what `npm run bench -- --only lab` collects), each with its target:
 * wall seconds, and CPU seconds (this process and its worker threads; for Redis, the worker processes' too) so a
 * loaded machine's figures can still be compared.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { createQueueRunner, loadExperimentText, runExperiment, type ReplicationRunner } from '../src/index.js';
import { createRunner } from '../src/pool.js';

const redisUrl = process.env.DOPPEL_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const replications = Number(process.argv[2] ?? 16);
const until = Number(process.argv[3] ?? 20_000);
const bin = resolve(import.meta.dirname, '../../../apps/cli/bin/doppel.js');
const packsModule = new URL('../../../apps/server/src/packs.ts', import.meta.url).href;

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

interface Timing {
  readonly wall_s: number;
  readonly cpu_s: number;
}

async function timed(
  runner: ReplicationRunner,
  count: number,
  horizon: number,
  children: readonly ChildProcess[] = [],
): Promise<Timing> {
  const cpuBefore = process.cpuUsage();
  const childrenBefore = children.map(processCpu);
  const started = process.hrtime.bigint();
  await runExperiment(experiment(count, horizon), { workers: 1, packsModule, cache: null, runner });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const own = process.cpuUsage(cpuBefore);
  const childCpu = children.reduce((sum, child, i) => sum + processCpu(child) - childrenBefore[i], 0);
  return { wall_s: wall, cpu_s: (own.user + own.system) / 1e6 + childCpu };
}

/** CPU seconds a child process has used so far (Linux /proc; 0 elsewhere). */
function processCpu(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

async function withWorkers<T>(
  count: number,
  queue: string,
  work: (children: readonly ChildProcess[]) => Promise<T>,
): Promise<T> {
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
    return await work(children);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`bull:${queue}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

async function queued(workers: number, count: number, horizon: number): Promise<Timing> {
  const queue = `doppel-bench-${process.pid}-${workers}-${count}-${horizon}`;
  return withWorkers(workers, queue, async (children) => {
    const runner = await createQueueRunner({ redis: redisUrl, queue }, { codeVersion: 'bench', baseIdentity: queue });
    try {
      return await timed(runner, count, horizon, children);
    } finally {
      await runner.close();
    }
  });
}

async function local(threads: number, count: number, horizon: number, inThread = false): Promise<Timing> {
  const runner = createRunner(threads, { inThread });
  try {
    return await timed(runner, count, horizon);
  } finally {
    await runner.close();
  }
}

const print = (row: Record<string, unknown>): void => {
  const rounded = Object.entries(row).map(([key, value]) => [
    key,
    typeof value === 'number' ? Number(value.toPrecision(4)) : value,
  ]);
  console.log(JSON.stringify(Object.fromEntries(rounded)));
};
const speedup = (name: string, one: Timing, two: Timing, target: number): void =>
  print({
    name,
    replications,
    until,
    one_wall_s: one.wall_s,
    two_wall_s: two.wall_s,
    one_cpu_s: one.cpu_s,
    two_cpu_s: two.cpu_s,
    speedup: one.wall_s / two.wall_s,
    target: `speedup >= ${target}`,
    ok: one.wall_s / two.wall_s >= target,
  });

speedup('lab_local_threads', await local(1, replications, until), await local(2, replications, until), 1.8);
speedup('lab_redis_workers', await queued(1, replications, until), await queued(2, replications, until), 1.7);
// Tiny jobs: what each runner adds to a replication that costs almost nothing.
const tiny = 200;
const inThread = await local(1, tiny, 5, true);
const threads = await local(1, tiny, 5);
const redis = await queued(1, tiny, 5);
const overhead = (timing: Timing) => ((timing.wall_s - inThread.wall_s) / tiny) * 1000;
print({
  name: 'lab_scheduling_overhead',
  jobs: tiny,
  in_thread_ms_per_job: (inThread.wall_s / tiny) * 1000,
  thread_pool_overhead_ms_per_job: overhead(threads),
  redis_overhead_ms_per_job: overhead(redis),
  target: 'overhead_ms_per_job < 5',
  ok: overhead(threads) < 5 && overhead(redis) < 5,
});
