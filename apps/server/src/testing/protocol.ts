import type { InterventionLogEntry } from '@doppel/twin';
import type { ProblemIssue, TestResult, TestValidation } from '@doppel/twin/contracts';
import type { MethodReply } from '../sim/remote.js';
import type { UserModuleDirs } from '../user-modules.js';

/** What every test worker is started with. */
export interface TestWorkerInit {
  /** Extra pack modules, as the server loads them. */
  readonly packModules: readonly string[];
  /** Scenario files a test names are relative to `<examplesDir>/tests` and must stay inside examplesDir. */
  readonly examplesDir: string;
  /** The user-supplied modules a test's scenarios may name (`doppel serve --modules DIR`), null for none. */
  readonly moduleDirs: UserModuleDirs;
}

/**
 * A test worker's operations, called from the server through a `Remote<TestWorkerApi>` (`sim/remote.ts`), the idiom
 * of the simulation workers: adding an operation means adding a method here and in `TestWorkerService`.
 */
export interface TestWorkerApi {
  /** Every located problem of a test's text, or what it runs. */
  check(yaml: string): Promise<TestValidation>;
  /** Runs a test (its file named `name`); progress is posted as it goes. */
  run(yaml: string, name: string): Promise<TestOutcome>;
}

/** A finished run: its result, and the replication that re-creates what the report shows. */
export interface TestOutcome {
  readonly result: TestResult;
  readonly replay: TestReplay | null;
}

/** Why a call of a test worker failed: the first line of the error, and its located issues when it has them. */
export interface TestWorkerError {
  readonly message: string;
  readonly issues?: readonly ProblemIssue[];
}

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

/** What a test worker posts: the reply to a call, or the progress of a run. */
export type TestWorkerMessage =
  MethodReply<TestWorkerError> | { readonly type: 'progress'; readonly done: number; readonly total: number };
