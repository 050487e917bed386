import type { InterventionLogEntry } from '@doppel/twin';
import type { ProblemIssue, TestResult, TestValidation } from '@doppel/twin/contracts';

/** What every test worker is started with. */
export interface TestWorkerInit {
  /** Extra pack modules, as the server loads them. */
  readonly packModules: readonly string[];
  /** Scenario files a test names are relative to `<examplesDir>/tests` and must stay inside examplesDir. */
  readonly examplesDir: string;
}

/** Requests to a test worker: check a test's text, or run it. */
export type TestWorkerRequest =
  | { readonly op: 'check'; readonly id: number; readonly yaml: string }
  | { readonly op: 'run'; readonly id: number; readonly yaml: string; readonly name: string };

/**
 * What re-creates one replication of a run exactly (a pure function of these): the one the report shows, the first
 * that failed or else the first, so a view can open it as a simulation at any instant.
 */
export interface TestReplay {
  readonly index: number;
  readonly variant: string | null;
  readonly seed: number;
  /** Canonical JSON of the resolved scenario the replication ran. */
  readonly scenarioJson: string;
  readonly log: readonly InterventionLogEntry[];
  /** Sim time the replication ended at. */
  readonly endS: number;
}

/** What a test worker reports for a request. */
export type TestWorkerMessage =
  | { readonly type: 'checked'; readonly id: number; readonly validation: TestValidation }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly id: number; readonly result: TestResult; readonly replay: TestReplay | null }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly message: string;
      readonly issues?: readonly ProblemIssue[];
    };
