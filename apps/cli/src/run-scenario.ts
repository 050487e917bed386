import { join } from 'node:path';
import { ThreadedSqliteLedgerStore } from '@doppel/store-sqlite';
import { formatDuration, Simulation, type ResolvedScenario, type RunSummary } from '@doppel/twin';
import {
  beginOutputs,
  finishOutputs,
  markFailed,
  moveDatabase,
  OUTPUT_FILES,
  removeIfExists,
  writeRunFiles,
} from './outputs.js';
import { loadUserModules, userModuleOf } from './user-modules.js';
import { ProgressBar } from './progress.js';
import { formatSummary } from './summary-print.js';
import { runWatched } from './watched-run.js';
import type { InterventionLogEntry } from '@doppel/twin';
import { storageFailureMessage, UserError } from './user-error.js';

export interface RunScenarioOptions {
  readonly seed?: number;
  /** Where outputs go; null runs without writing anything. */
  readonly outDir: string | null;
  readonly progress: boolean;
  /** Replays this log instead of the scenario's scheduled interventions. */
  readonly interventionLog?: readonly InterventionLogEntry[];
  /**
   * A run with a user-supplied module (Enactor, driving policy) runs on a worker thread, stopped once it made no progress for this
   * many seconds (the module's code may never return); default 60.
   */
  readonly stallTimeoutS?: number;
}

/** Where a run reports how far it is: a progress bar here, messages to the watching thread in a worker. */
export type ProgressReport = (fraction: number, detail: string) => void;

/**
 * Debug mode pauses after every chunk until someone acknowledges: a command-line run has nobody to ask, so it
 * refuses the scenario (exit code 2) instead of stopping at the first pause.
 */
function refuseDebugMode(scenario: ResolvedScenario): void {
  if (scenario.debugChunkS === undefined) return;
  throw new UserError(
    `${scenario.name}: debug_mode pauses the run after every ${formatDuration(scenario.debugChunkS)} of sim time ` +
      'until someone acknowledges, which needs the server: run `doppel serve`, create the simulation ' +
      '(POST /api/v1/simulations) and acknowledge each pause (POST /api/v1/simulations/{id}/ack, or the Continue ' +
      'button), or remove debug_mode from the scenario to run it here.',
  );
}

export interface RunScenarioResult {
  readonly summary: RunSummary;
  readonly outDir: string | null;
}

/**
 * Runs a resolved scenario to its horizon, recording the ledger in SQLite, and exports the run's outputs. A scenario
 * that runs a user-supplied module (an Enactor, a driving policy) runs on a watched worker thread, so a module that loops cannot hang
 * the command.
 */
export async function runScenario(written: ResolvedScenario, options: RunScenarioOptions): Promise<RunScenarioResult> {
  refuseDebugMode(written);
  const module = userModuleOf(written);
  if (module !== undefined) return runWatched(written, options, module);
  const bar = new ProgressBar(written.name, options.progress);
  try {
    return await runScenarioHere(written, options, (fraction, detail) => bar.update(fraction, detail));
  } finally {
    bar.done();
  }
}

/** `runScenario` on this thread, reporting progress to `progress` after every slice of the horizon. */
export async function runScenarioHere(
  written: ResolvedScenario,
  options: RunScenarioOptions,
  progress: ProgressReport,
): Promise<RunScenarioResult> {
  const {
    scenarios: [scenario = written],
    packs,
  } = await loadUserModules([written]);
  let tempDb: string | null = null;
  let store: ThreadedSqliteLedgerStore | null = null;
  try {
    if (options.outDir !== null) {
      beginOutputs(options.outDir);
      tempDb = join(options.outDir, `.${OUTPUT_FILES.ledgerDb}.partial`);
      removeIfExists(tempDb);
      // The ledger is written on a thread of its own: the run never waits for the disk.
      store = ThreadedSqliteLedgerStore.open(tempDb);
    }
    const simulation = await Simulation.create({
      scenario,
      packs,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.interventionLog === undefined ? {} : { interventionLog: options.interventionLog }),
      store,
      createdAt: new Date().toISOString(),
    });
    const horizon = scenario.durationS;
    const slice = Math.max(horizon / 200, 1);
    const started = performance.now();
    progress(0, `0s / ${formatDuration(horizon)}`);
    while (!isOver(simulation)) {
      const target = Math.min(horizon, simulation.now + slice);
      if (target >= horizon) simulation.runToEnd();
      else simulation.runUntil(target);
      progress(
        simulation.now / horizon,
        `${formatDuration(simulation.now)} / ${formatDuration(horizon)}  ${simulation.eventsProcessed.toLocaleString('en')} events`,
      );
    }
    await simulation.flush();
    const wallS = (performance.now() - started) / 1000;
    if (simulation.status === 'failed') throw simulation.error ?? new Error('simulation failed');
    const summary: RunSummary = { ...simulation.summary(), wall_s: Number(wallS.toFixed(3)) };
    if (store !== null && options.outDir !== null) {
      await writeRunFiles(
        options.outDir,
        {
          scenario,
          seed: simulation.seed,
          interventionLog: simulation.interventionLog(),
          summary,
          telemetry: simulation.telemetry(),
          tables: simulation.outputTables(),
        },
        store,
      );
      await store.close();
      store = null;
      moveDatabase(tempDb as string, join(options.outDir, OUTPUT_FILES.ledgerDb));
      tempDb = null;
      finishOutputs(options.outDir, summary);
    }
    return { summary, outDir: options.outDir };
  } catch (error) {
    if (options.outDir === null) throw error;
    markFailed(options.outDir, error);
    const storage = storageFailureMessage(error);
    throw storage === null
      ? error
      : new UserError(
          `Cannot write the run's outputs in ${options.outDir}: ${storage}; the directory is marked INCOMPLETE`,
          1,
        );
  } finally {
    if (store !== null) await store.close();
    if (tempDb !== null) removeIfExists(tempDb);
  }
}

function isOver(simulation: Simulation): boolean {
  return simulation.status === 'finished' || simulation.status === 'failed';
}

/** Runs a scenario into `outDir` and prints its summary (human or JSON): what `run` and `simulate` share. */
export async function runAndReport(
  scenario: ResolvedScenario,
  options: {
    readonly outDir: string;
    readonly seed?: number;
    readonly json: boolean;
    readonly progress: boolean;
    readonly stallTimeoutS?: number;
  },
): Promise<void> {
  const result = await runScenario(scenario, {
    outDir: options.outDir,
    progress: options.progress && !options.json,
    ...(options.stallTimeoutS === undefined ? {} : { stallTimeoutS: options.stallTimeoutS }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  process.stdout.write(
    options.json ? JSON.stringify(result.summary, null, 2) + '\n' : formatSummary(result.summary, options.outDir),
  );
}
