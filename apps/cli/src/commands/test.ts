import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { dirname } from 'node:path';
import { formatIssues, buildReport, toHtmlReport, toJUnitXml } from '@doppel/verify';
import type { Command } from 'commander';
import { collectTestFiles } from '../testing/collect.js';
import type { TestOutcome } from '../testing/messages.js';
import { runPool } from '../testing/pool.js';
import { progressLine, summaryTable } from '../testing/summary.js';
import { parseSecondsFlag } from '../seconds-flag.js';
import { UserError } from '../user-error.js';

interface TestOptions {
  jobs?: string;
  timeout?: string;
  junit?: string;
  json?: string;
  html?: string;
  updateBaselines?: boolean;
}

/**
 * `doppel test PATH…`: the CI gate. Exit 0 when every test passed, 1 when any failed, 2 for bad input (a missing
 * path, an invalid test file, a missing baseline): nothing runs into a verdict on input that is wrong.
 */
export async function testCommand(paths: readonly string[], options: TestOptions): Promise<number> {
  const jobs = parseJobs(options.jobs);
  const timeoutS = parseSecondsFlag('--timeout', options.timeout, DEFAULT_TIMEOUT_S);
  const files = collectTestFiles(paths);
  const started = performance.now();
  const startedAt = new Date();
  let done = 0;
  const outcomes = await runPool(
    files.map((file) => ({ file, updateBaselines: options.updateBaselines ?? false })),
    jobs,
    timeoutS,
    (outcome) => {
      done++;
      if (outcome.kind === 'result') process.stderr.write(progressLine(done, files.length, outcome.result));
      else
        process.stderr.write(
          `[${done}/${files.length}] ${outcome.kind === 'invalid' ? 'INVALID' : 'ERROR'} ${outcome.file}\n`,
        );
    },
  );
  const invalid = outcomes.filter(
    (outcome): outcome is Extract<TestOutcome, { kind: 'invalid' }> => outcome.kind === 'invalid',
  );
  if (invalid.length > 0) {
    for (const outcome of invalid) {
      process.stderr.write(`doppel: ${outcome.message} [${outcome.code}]\n`);
      if (outcome.issues.length > 0) process.stderr.write(`${formatIssues(outcome.issues)}\n`);
    }
    return 2;
  }
  const results = outcomes.flatMap((outcome) => (outcome.kind === 'result' ? [outcome.result] : []));
  const errors = outcomes.filter(
    (outcome): outcome is Extract<TestOutcome, { kind: 'error' }> => outcome.kind === 'error',
  );
  for (const error of errors) {
    if (error.code !== undefined) process.stderr.write(`doppel: ${error.message} [${error.code}]\n`);
    // A test that could not run to a result (an internal error) fails the gate with its file named.
    results.push({
      name: error.file,
      file: error.file,
      pack: 'unknown',
      scenario: 'unknown',
      start: '1970-01-01T00:00:00Z',
      timezone: 'UTC',
      status: 'failed',
      wallS: 0,
      replications: [],
      statistics: [],
      baseline: [],
      failures: [{ kind: 'error', ref: error.code ?? 'internal', message: error.message.split('\n')[0] }],
      series: [],
    });
  }
  const report = buildReport(results, Math.round(performance.now() - started) / 1000);
  process.stdout.write(summaryTable(report));
  if (options.junit !== undefined)
    write(options.junit, toJUnitXml(report, { timestamp: startedAt, hostname: hostname() }));
  if (options.json !== undefined) write(options.json, JSON.stringify(report, null, 2) + '\n');
  if (options.html !== undefined) write(options.html, toHtmlReport(report));
  return report.verdict === 'APPROVE' ? 0 : 1;
}

function parseJobs(text: string | undefined): number {
  if (text === undefined) return Math.max(1, availableParallelism());
  const jobs = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(jobs) || jobs < 1) {
    throw new UserError(`--jobs: expected a positive integer, found "${text}"`);
  }
  return jobs;
}

/** Seconds a test may run before it is stopped; long enough for any real simulation, short of a stuck CI job. */
const DEFAULT_TIMEOUT_S = 600;

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Registers `doppel test`. */
export function register(program: Command): void {
  program
    .command('test')
    .description(
      'Run scenario tests (files or folders of *.yaml): exit 0 all passed, 1 any failed, 2 bad input; reports in JUnit, JSON, HTML',
    )
    .argument('<paths...>', 'test files or folders')
    .option('--jobs <n>', 'tests run in parallel (default: the number of cores)')
    .option(
      '--timeout <seconds>',
      `wall-clock seconds each test may run before it is stopped and reported as an error (default: ${DEFAULT_TIMEOUT_S})`,
    )
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write the results as JSON')
    .option('--html <file>', 'write a self-contained HTML report (APPROVE / REJECT)')
    .option('--update-baselines', 'write the baseline files from this run instead of comparing with them')
    .action(async (paths: string[], options: TestOptions) => {
      process.exitCode = await testCommand(paths, options);
    });
}
