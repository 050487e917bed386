import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SqliteLedgerStore } from '@doppel/store-sqlite';
import { resolvedScenarioFromSnapshot, type InterventionLogEntry, type RunSummary } from '@doppel/twin';
import { INCOMPLETE_MARKER } from '../atomic-files.js';
import { OUTPUT_FILES } from '../outputs.js';
import { runScenario } from '../run-scenario.js';
import { UserError } from '../user-error.js';

interface ReplayFlags {
  verify?: boolean;
  json?: boolean;
}

function readJson<T>(dir: string, file: string): T {
  const path = join(dir, file);
  if (!existsSync(path))
    throw new UserError(`${dir} is not a run output directory (no ${file}); make one with doppel run`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new UserError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

export interface ReplayReport {
  readonly scenario: string;
  readonly seed: number;
  readonly recorded_ledger_sha256: string;
  readonly replayed_ledger_sha256: string;
  readonly match: boolean;
  /** With --verify: the stored ledger database's own check. */
  readonly stored?: {
    readonly ok: boolean;
    readonly head_sha256: string;
    readonly records: number;
    readonly problems: readonly string[];
  };
}

/** Registers `doppel replay`: re-run a finished run from its record (scenario, seed, interventions) and compare. */
export function register(program: Command): void {
  program
    .command('replay')
    .description('Re-run a finished run from its output directory and check that the ledger hash is identical')
    .argument('<out-dir>', 'a directory written by doppel run or simulate')
    .option('--verify', "also verify the stored ledger database's hash chain against the summary")
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, flags: ReplayFlags) => {
      if (existsSync(join(dir, INCOMPLETE_MARKER))) {
        throw new UserError(`${dir}: the run that wrote it did not finish (${INCOMPLETE_MARKER}); run it again`);
      }
      const summary = readJson<RunSummary>(dir, OUTPUT_FILES.summary);
      const scenario = resolvedScenarioFromSnapshot(
        readJson<unknown>(dir, OUTPUT_FILES.scenario),
        join(dir, OUTPUT_FILES.scenario),
      );
      const { seed, log } = readJson<{ seed: number; log: InterventionLogEntry[] }>(dir, OUTPUT_FILES.interventions);
      const replayed = await runScenario(scenario, {
        outDir: null,
        progress: flags.json !== true,
        seed,
        interventionLog: log,
      });
      let report: ReplayReport = {
        scenario: scenario.name,
        seed,
        recorded_ledger_sha256: summary.ledger_sha256,
        replayed_ledger_sha256: replayed.summary.ledger_sha256,
        match: replayed.summary.ledger_sha256 === summary.ledger_sha256,
      };
      if (flags.verify) {
        const dbPath = join(dir, OUTPUT_FILES.ledgerDb);
        if (!existsSync(dbPath)) throw new UserError(`--verify: ${dbPath} does not exist`);
        const store = SqliteLedgerStore.open(dbPath);
        try {
          const verification = await store.verify(summary.sim_id);
          report = {
            ...report,
            stored: {
              ok: verification.ok && verification.headHash === summary.ledger_sha256,
              head_sha256: verification.headHash,
              records: verification.validPrefixSeq,
              problems: verification.problems,
            },
          };
        } finally {
          await store.close();
        }
      }
      const ok = report.match && (report.stored === undefined || report.stored.ok);
      if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else {
        process.stdout.write(
          `${report.match ? 'identical' : 'DIFFERENT'}: ${scenario.name} seed ${seed}\n` +
            `  recorded  ${report.recorded_ledger_sha256}\n  replayed  ${report.replayed_ledger_sha256}\n` +
            (report.stored
              ? `  stored    ${report.stored.head_sha256} (${report.stored.records} records, chain ${report.stored.ok ? 'ok' : 'BROKEN'})\n` +
                report.stored.problems.map((problem) => `    ${problem}\n`).join('')
              : ''),
        );
      }
      if (!ok) process.exitCode = 1;
    });
}
