import type { InterventionLogEntry, ResolvedScenario } from '@doppel/twin';
import type { RunScenarioResult } from './run-scenario.js';

/** What the run worker is started with (workerData): a `runScenario` call, minus what stays on the watching thread. */
export interface RunWorkerJob {
  readonly scenario: ResolvedScenario;
  readonly outDir: string | null;
  readonly seed?: number;
  readonly interventionLog?: readonly InterventionLogEntry[];
}

/** What the run worker says: how far it is (also a sign of life), its result, or why it failed. */
export type RunWorkerMessage =
  | { readonly type: 'alive'; readonly simTime: number | null }
  | { readonly type: 'progress'; readonly fraction: number; readonly detail: string; readonly simTime: number | null }
  | { readonly type: 'done'; readonly result: RunScenarioResult }
  | { readonly type: 'failed'; readonly message: string; readonly exitCode: number };
