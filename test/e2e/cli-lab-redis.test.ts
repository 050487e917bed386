import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { doppel, repoRoot, tempDir } from './cli-helpers.js';

// Distributed experiments: replication jobs through BullMQ on the machine's Redis, taken by real `doppel worker`
// processes. Results must be byte-identical to a local run; a worker killed mid-job loses nothing and counts nothing
// twice.

const REDIS_PORT = 6379;
const REDIS = `redis://127.0.0.1:${REDIS_PORT}`;

/** Sends one command in RESP and returns the first reply line. */
function redisCommand(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(2_000);
    let reply = '';
    socket.once('error', reject);
    socket.once('timeout', () => (socket.destroy(), reject(new Error('Redis did not answer'))));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.split('\r\n')[0]);
      }
    });
    socket.connect(REDIS_PORT, '127.0.0.1', () => {
      socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
    });
  });
}

const available = await redisCommand(['PING']).then(
  (reply) => reply === '+PONG',
  () => false,
);
if (!available && process.env.CI === 'true') throw new Error(`Redis is required on 127.0.0.1:${REDIS_PORT} in CI`);
if (!available) console.warn(`skipping the distributed experiment tests: no Redis on 127.0.0.1:${REDIS_PORT}`);

const queue = `doppel-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const bin = join(repoRoot, 'apps/cli/bin/doppel.js');
const workers: ChildProcess[] = [];

interface RunningWorker {
  readonly process: ChildProcess;
  log(): string;
}

/** A `doppel worker` process on the test's queue, once it says it is ready. */
async function startWorker(concurrency: number): Promise<RunningWorker> {
  const child = spawn(
    process.execPath,
    [bin, 'worker', '--redis', REDIS, '--queue', queue, '--concurrency', String(concurrency)],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  workers.push(child);
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  await until(
    () => /ready on/.test(log),
    60_000,
    () => `worker never ready: ${log}`,
  );
  return { process: child, log: () => log };
}

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(what());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `doppel experiment run` in its own process, without blocking the test (workers log meanwhile). */
function runAsync(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'experiment', 'run', ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const FILES = ['results.csv', 'replications.csv', 'deltas.csv'] as const;

describe.skipIf(!available)('doppel experiment run --redis with doppel worker processes', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('lab-redis');
  });
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    // The test's queue only: its keys go, nothing else on this Redis is touched.
    const script = "for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) end return 1";
    await redisCommand(['EVAL', script, '0', `bull:${queue}:*`]);
  });

  test('byte-identical results on 1 thread, 2 threads and 2 worker processes; Redis missing is a clear error', async () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(
      file,
      [
        'seed: 77',
        'base: { model: mmc, params: { lam: 2.4, mu: 1, until: 6000, warmup: 200 } }',
        'factors: { params.c: [3, 4] }',
        'replications: 6',
        'outputs: [mean_wait, p95_wait, customers]',
      ].join('\n'),
    );
    const one = doppel(['experiment', 'run', file, '--workers', '1', '--no-cache', '--out', join(dir, 'one')]);
    expect(one.status, one.stderr).toBe(0);
    const two = doppel(['experiment', 'run', file, '--workers', '2', '--no-cache', '--out', join(dir, 'two')]);
    expect(two.status, two.stderr).toBe(0);
    const pool = await Promise.all([startWorker(1), startWorker(1)]);
    const out = join(dir, 'redis');
    const distributed = await runAsync([file, '--redis', REDIS, '--queue', queue, '--no-cache', '--out', out]);
    expect(distributed.status, distributed.stderr).toBe(0);
    for (const name of FILES) {
      const local = readFileSync(join(dir, 'one', name));
      expect(readFileSync(join(dir, 'two', name)).equals(local)).toBe(true);
      expect(readFileSync(join(out, name)).equals(local), name).toBe(true);
    }
    // Both processes took jobs, and the 12 jobs completed once each.
    const completed = pool.flatMap((worker) => worker.log().match(/completed \w+/g) ?? []);
    expect(completed).toHaveLength(12);
    expect(new Set(completed).size).toBe(12);
    expect(pool.every((worker) => /completed/.test(worker.log()))).toBe(true);

    // Resubmitting the same experiment queues nothing new: every job's key is already completed in Redis.
    const again = await runAsync([file, '--redis', REDIS, '--queue', queue, '--no-cache', '--out', join(dir, 'again')]);
    expect(again.status).toBe(0);
    expect(pool.flatMap((worker) => worker.log().match(/completed \w+/g) ?? [])).toHaveLength(12);
    expect(readFileSync(join(dir, 'again', 'results.csv')).equals(readFileSync(join(out, 'results.csv')))).toBe(true);

    const down = doppel(['experiment', 'run', file, '--redis', 'redis://127.0.0.1:1', '--out', join(dir, 'down')]);
    expect(down.status).toBe(2);
    expect(down.stderr).toMatch(
      /--redis: cannot reach Redis at redis:\/\/127\.0\.0\.1:1.*DOPPEL_ERR_REDIS_UNAVAILABLE/,
    );
    expect(down.stderr).not.toMatch(/\n\s+at /);
    for (const worker of pool) worker.process.kill('SIGTERM');
  }, 300_000);

  test('a worker killed mid-job (SIGKILL): its job is retried by another, no result lost or counted twice', async () => {
    const file = join(dir, 'long.yaml');
    // Each replication takes a few seconds, so the kill lands while one is running.
    writeFileSync(
      file,
      [
        'seed: 4242',
        'base: { model: mmc, params: { lam: 2.4, mu: 1, c: 3, until: 60000, warmup: 500 } }',
        'replications: 3',
        'outputs: [mean_wait, customers]',
      ].join('\n'),
    );
    const victim = await startWorker(1);
    const run = runAsync([file, '--redis', REDIS, '--queue', queue, '--no-cache', '--out', join(dir, 'killed')]);
    await until(
      () => /active \w+/.test(victim.log()),
      60_000,
      () => `no job taken: ${victim.log()}`,
    );
    const killedJob = /active (\w+)/.exec(victim.log())?.[1] as string;
    victim.process.kill('SIGKILL');
    const rescuer = await startWorker(1);
    const result = await run;
    expect(result.status, result.stderr).toBe(0);
    expect(victim.log()).not.toMatch(new RegExp(`completed ${killedJob}`));
    expect(rescuer.log()).toMatch(new RegExp(`completed ${killedJob}`));
    // Every replication once: three rows, replications 0, 1, 2, and the same numbers as a local run.
    const rows = readFileSync(join(dir, 'killed', 'replications.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(rows.map((row) => row.split(',')[2])).toEqual(['0', '1', '2']);
    const local = doppel([
      'experiment',
      'run',
      file,
      '--workers',
      '1',
      '--no-cache',
      '--out',
      join(dir, 'killed-local'),
    ]);
    expect(local.status).toBe(0);
    for (const name of ['results.csv', 'replications.csv']) {
      expect(readFileSync(join(dir, 'killed', name)).equals(readFileSync(join(dir, 'killed-local', name)))).toBe(true);
    }
    rescuer.process.kill('SIGTERM');
  }, 300_000);
});
