import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  baseIdentity,
  createQueueRunner,
  DEFAULT_QUEUE,
  defaultWorkers,
  startReplicationWorker,
  writeParquetFiles,
  loadExperimentFile,
  ResultCache,
  RESULT_FILES,
  runExperiment,
  writeResultFiles,
  type ExperimentProgress,
  type ExperimentResult,
} from '@doppel/lab';
import { ProgressBar } from '../progress.js';
import { UserError } from '../user-error.js';
import { VERSION } from '../version.js';
import { builtinPacksModule } from '@doppel/server/packs';

interface ExperimentRunFlags {
  workers?: string;
  redis?: string;
  queue?: string;
  cache?: boolean;
  out: string;
}

interface WorkerFlags {
  redis: string;
  queue?: string;
  concurrency?: string;
}

/** The module scenario replications load their packs from: this command's own list, in the worker threads too. */

/** Registers `doppel experiment run`: replications of every grid point, summarised with confidence intervals. */
export function register(program: Command): void {
  registerWorker(program);
  const experiment = program.command('experiment').description('Experiments: replications, sweeps and A/B comparisons');
  experiment
    .command('run')
    .description(
      `Run an experiment file and write ${RESULT_FILES.results}, ${RESULT_FILES.replications}, ${RESULT_FILES.deltas} ` +
        `and ${RESULT_FILES.divergences}`,
    )
    .argument('<file>', 'an experiment YAML file')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--redis <url>', 'run replications as jobs on the `doppel worker`s of this Redis (redis://host:port)')
    .option('--queue <name>', `the job queue on Redis (default: ${DEFAULT_QUEUE})`)
    .option('--no-cache', 'run every replication again instead of reusing cached results')
    .requiredOption('--out <dir>', 'output directory')
    .action(async (file: string, flags: ExperimentRunFlags) => {
      const workers = parseWorkers(flags.workers, '--workers');
      const loaded = loadExperimentFile(file);
      const identity = baseIdentity(loaded);
      const cache = flags.cache === false ? null : new ResultCache(join(flags.out, 'cache'), VERSION, identity);
      const report = progressReporter(loaded.name);
      const runner =
        flags.redis === undefined
          ? undefined
          : await createQueueRunner(
              { redis: flags.redis, queue: flags.queue },
              { codeVersion: VERSION, baseIdentity: identity },
            );
      let result: ExperimentResult;
      try {
        result = await runExperiment(loaded, {
          workers,
          packsModule: builtinPacksModule,
          cache,
          onProgress: report.update,
          ...(runner === undefined ? {} : { runner }),
        });
      } finally {
        await runner?.close();
      }
      report.done();
      writeResultFiles(flags.out, result);
      await writeParquetFiles(flags.out);
      process.stdout.write(formatResult(result, resolve(flags.out)));
    });
}

function parseWorkers(text: string | undefined, flag: string): number {
  if (text === undefined) return defaultWorkers();
  const workers = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(workers) || workers < 1 || workers > 256) {
    throw new UserError(`${flag}: expected an integer from 1 to 256, found "${text}"`);
  }
  return workers;
}

/**
 * Registers `doppel worker`: takes replication jobs from Redis until SIGTERM or SIGINT, finishing the jobs in hand.
 * A worker killed outright loses nothing: its jobs go back to the queue for another worker.
 */
function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Take experiment replication jobs from a Redis queue (any number of machines may run one)')
    .requiredOption('--redis <url>', 'the Redis the experiments are submitted to (redis://host:port)')
    .option('--queue <name>', `the job queue (default: ${DEFAULT_QUEUE})`)
    .option('--concurrency <n>', 'jobs at once, each on its own thread (default: one per core)')
    .action(async (flags: WorkerFlags) => {
      const concurrency = parseWorkers(flags.concurrency, '--concurrency');
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const worker = await startReplicationWorker({
        redis: flags.redis,
        queue: flags.queue,
        concurrency,
        packsModule: builtinPacksModule,
        onJob: (event, jobId) => log(`worker ${process.pid}: ${event} ${jobId}`),
      });
      log(`worker ${process.pid}: ready on ${flags.queue ?? DEFAULT_QUEUE} with ${concurrency} threads`);
      await new Promise<void>((resolveStop) => {
        process.once('SIGTERM', () => resolveStop());
        process.once('SIGINT', () => resolveStop());
      });
      log(`worker ${process.pid}: finishing the jobs in hand`);
      await worker.close();
    });
}

/** A progress bar on a terminal; otherwise a plain line at every tenth of the work. */
function progressReporter(name: string): { update: (progress: ExperimentProgress) => void; done: () => void } {
  if (process.stderr.isTTY === true) {
    const bar = new ProgressBar(name, true);
    return {
      update: (p) => bar.update(p.done / p.total, `${p.done}/${p.total} replications (${p.cached} cached)`),
      done: () => bar.done(),
    };
  }
  let lastTenth = -1;
  return {
    update: (p) => {
      const tenth = Math.floor((p.done / p.total) * 10);
      if (tenth === lastTenth && p.done !== p.total) return;
      lastTenth = tenth;
      process.stderr.write(`${name}: ${p.done}/${p.total} replications (${p.cached} cached)\n`);
    },
    done: () => undefined,
  };
}

function formatResult(result: ExperimentResult, outDir: string): string {
  const lines = [`${result.name}: ${result.replicationsPerPoint} replications per point, ${result.cacheHits} cached`];
  const percent = `${Math.round(result.confidence * 100)}%`;
  for (const row of result.estimates) {
    const interval = row.ciLow === null ? 'no interval' : `${percent} CI [${fmt(row.ciLow)}, ${fmt(row.ciHigh)}]`;
    lines.push(`  ${row.label}  ${row.output}: ${fmt(row.mean)}  ${interval}  n=${row.n}`);
  }
  for (const row of result.deltas) {
    const interval = row.ciLow === null ? 'no interval' : `[${fmt(row.ciLow)}, ${fmt(row.ciHigh)}]`;
    const reduction =
      row.varianceReduction === null
        ? ''
        : `  variance ÷${row.varianceReduction === Infinity ? '∞' : fmt(row.varianceReduction)} by pairing`;
    lines.push(`  ${row.label} − baseline  ${row.output}: ${fmt(row.mean)} ${interval}${reduction}`);
  }
  for (const row of result.divergences.filter((divergence) => divergence.replication === 0)) {
    const where =
      row.seq === null
        ? 'identical ledgers'
        : `seq ${row.seq} at ${fmt(row.simTime)} s (baseline ${row.baselineEvent ?? 'ended'}, point ${row.pointEvent ?? 'ended'})`;
    lines.push(`  ${row.label} parts from the baseline in replication 0: ${where}`);
  }
  lines.push(`  results: ${join(outDir, RESULT_FILES.results)}`);
  return lines.join('\n') + '\n';
}

function fmt(value: number | null): string {
  return value === null ? '—' : Number(value.toPrecision(6)).toString();
}
