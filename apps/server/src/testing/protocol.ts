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

/** What a test worker reports for a request. */
export type TestWorkerMessage =
  | { readonly type: 'checked'; readonly id: number; readonly validation: TestValidation }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly id: number; readonly result: TestResult }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly message: string;
      readonly issues?: readonly ProblemIssue[];
    };
